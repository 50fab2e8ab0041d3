"""Generated answers against a scripted OpenAI-compatible server on 127.0.0.1: faithful replies are
kept with their citations; every adversarial one (an altered number, a wrong 文号, a claim from no
passage, a citation to a passage that does not say it, malformed output, a slow reply, an error that
echoes the key) is caught; an unset or unreachable endpoint falls back to the extractive answer."""

import json
import socket

import pytest

from conftest import CORPUS
from llm_server import Reply, ScriptedLLM, other_passage, passage_number
from rag.generate import LLMSettings, generate, split_cited
from rag.verify import Verifier
from test_cli import rag

KEY = "sk-test-7f3a9c-secret"
EN = "How many foreign R&D centres are there?"
ZH = "上海累计成立了多少家外资研发中心？"
FACT = "453 家"  # how the passage writes it


@pytest.fixture(scope="module")
def verifier(engine):
    return Verifier(engine)


def run(engine, verifier, script, question=EN, timeout=10.0, key=KEY):
    with ScriptedLLM(script) as llm:
        out = generate(engine, verifier, question, settings=LLMSettings(llm.url, "scripted", key, timeout))
        return out, llm.requests


def sentences(out):
    return out["generated"]["sentences"] if out["generated"] else []


# -- faithful ----------------------------------------------------------------------------------

def test_a_faithful_english_answer_is_kept_with_its_citation(engine, verifier):
    def script(messages):
        n = passage_number(messages, FACT)
        return Reply(f"Shanghai has set up 453 foreign R&D centres so far [{n}].")

    out, requests = run(engine, verifier, script)
    g = out["generated"]
    assert g and g["model"] == "scripted" and "453" in g["text"] and g["text"].endswith("].")
    [s] = g["sentences"]
    assert s["kept"] and s["verdict"] == "supported" and s["note"] == ""
    assert s["citations"][0]["doc_number"] == "沪科提复〔2023〕50号"
    assert "453 家" in s["citations"][0]["quote"]  # the verbatim quote stays as evidence
    assert out["found"] and out["citations"]  # the extractive answer is still there
    # the prompt: numbered passages, the question, the question's language; the key only in the header
    body = requests[0]["body"]
    user = body["messages"][1]["content"]
    assert "[1] (" in user and "Question: " + EN in user and "Answer in English." in body["messages"][0]["content"]
    assert {k.lower(): v for k, v in requests[0]["headers"].items()}["authorization"] == f"Bearer {KEY}"
    assert KEY not in json.dumps(out, ensure_ascii=False)


def test_a_faithful_chinese_answer_is_kept(engine, verifier):
    def script(messages):
        assert "请用中文回答" in messages[0]["content"]
        n = passage_number(messages, FACT)
        return Reply(f"截至目前，上海累计成立外资研发中心453家。[{n}]")

    out, _ = run(engine, verifier, script, question=ZH)
    assert out["generated"]["text"].startswith("截至目前，上海累计成立外资研发中心453家")
    assert all(s["kept"] for s in sentences(out))


# -- adversarial: every one caught ----------------------------------------------------------------

def test_an_altered_number_is_removed_and_the_replys_figure_shown(engine, verifier):
    def script(messages):
        n = passage_number(messages, FACT)
        return Reply(f"Shanghai has set up 453 foreign R&D centres so far [{n}]. Of these, 543 foreign R&D centres were set up by the end of 2022 [{n}].")

    out, _ = run(engine, verifier, script)
    kept, removed = [s for s in sentences(out) if s["kept"]], [s for s in sentences(out) if not s["kept"]]
    assert len(kept) == 1 and len(removed) == 1
    assert "543" not in out["generated"]["text"]
    assert removed[0]["verdict"] != "supported"
    assert any("removed" in n for n in out["notices"])


def test_an_altered_number_alone_falls_back_to_the_extractive_answer(engine, verifier):
    def script(messages):
        return Reply(f"Shanghai has set up 543 foreign R&D centres so far [{passage_number(messages, FACT)}].")

    out, _ = run(engine, verifier, script)
    assert out["generated"] is None and out["found"] and "453" in out["answer"]
    assert any("none of the 1 sentences" in n and "extractive answer" in n for n in out["notices"])


def test_a_wrong_doc_number_is_caught(engine, verifier):
    def script(messages):
        n = passage_number(messages, FACT)
        return Reply(f"According to reply 沪科提复〔2023〕42号, Shanghai has set up 453 foreign R&D centres [{n}].")

    out, _ = run(engine, verifier, script)
    assert out["generated"] is None
    assert any("none of the 1 sentences" in n for n in out["notices"])


def test_a_claim_from_no_passage_is_removed(engine, verifier):
    def script(messages):
        n = passage_number(messages, FACT)
        return Reply(f"Shanghai has set up 453 foreign R&D centres so far [{n}]. The city plans to add 200 quantum computing centres by 2030 [{n}].")

    out, _ = run(engine, verifier, script)
    assert "quantum" not in out["generated"]["text"]
    [removed] = [s for s in sentences(out) if not s["kept"]]
    assert removed["verdict"] in ("not_found", "contradicted") and removed["note"]


def test_a_citation_to_a_passage_that_does_not_say_it_is_corrected(engine, verifier):
    def script(messages):
        return Reply(f"Shanghai has set up 453 foreign R&D centres so far [{other_passage(messages, FACT)}].")

    out, _ = run(engine, verifier, script)
    [s] = sentences(out)
    wrong, right = s["cited"][0], s["passages"][0]
    assert wrong != right and s["kept"] and "does not say this" in s["note"]
    assert out["generated"]["text"].endswith(f"[{right}].") and f"[{wrong}]" not in out["generated"]["text"]
    assert any("citations corrected" in n for n in out["notices"])


def test_a_citation_to_no_passage_at_all_is_corrected(engine, verifier):
    out, _ = run(engine, verifier, lambda m: Reply("Shanghai has set up 453 foreign R&D centres so far [42]."))
    [s] = sentences(out)
    assert s["cited"] == [42] and s["kept"] and "not among the passages" in s["note"]


@pytest.mark.parametrize("reply, reason", [
    (Reply(""), "empty"),
    (Reply("   \n "), "empty"),
    (Reply(raw=b"<html>Bad Gateway</html>"), "could not be read"),
    (Reply(raw=b'{"id": "x", "object": "chat.completion", "choices": []}'), "no answer"),
    (Reply("[1][2][3]"), "no sentence"),
    (Reply("upstream failure", status=500), "HTTP 500"),
    (Reply("x" * 5000), "not an answer"),
])
def test_malformed_replies_fall_back_with_a_notice(engine, verifier, reply, reason):
    out, _ = run(engine, verifier, lambda m: reply)
    assert out["generated"] is None and out["found"]
    assert any(reason in n and "extractive answer" in n for n in out["notices"]), out["notices"]


def test_a_slow_reply_falls_back_within_the_timeout(engine, verifier):
    out, _ = run(engine, verifier, lambda m: Reply("Shanghai has 453 foreign R&D centres [1].", delay=3.0), timeout=1.0)
    assert out["generated"] is None
    assert any("did not answer within 1 s" in n for n in out["notices"])


def test_an_error_that_echoes_the_key_does_not_show_it(engine, verifier):
    out, _ = run(engine, verifier, lambda m: Reply(f"Incorrect API key provided: {KEY}", status=401))
    assert out["generated"] is None and any("HTTP 401" in n for n in out["notices"])
    assert KEY not in json.dumps(out, ensure_ascii=False)


def test_unset_or_unreachable_endpoints_fall_back(engine, verifier):
    out = generate(engine, verifier, EN, settings=LLMSettings())
    assert out["generated"] is None and any("generation is off" in n for n in out["notices"])
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = generate(engine, verifier, EN, settings=LLMSettings(f"http://127.0.0.1:{port}/v1", "m", KEY, 5.0))
    assert out["generated"] is None and any("cannot reach the language model" in n for n in out["notices"])


def test_settings_come_from_the_environment_and_hide_the_key():
    s = LLMSettings.from_env({"RAG_LLM_URL": "http://localhost:11434/v1", "RAG_LLM_MODEL": "qwen2.5:7b", "RAG_LLM_API_KEY": KEY, "RAG_LLM_TIMEOUT": "7.5"})
    assert s.configured and s.timeout == 7.5 and KEY not in repr(s)
    assert LLMSettings.from_env({"RAG_LLM_TIMEOUT": "soon"}).timeout == 20.0 and not LLMSettings.from_env({}).configured


def test_sentences_and_their_citations_are_split():
    got = split_cited("上海累计成立外资研发中心453家[1]。其中15项纳入攻关任务【2，3】。\nIt is in Shanghai. [4]\n- A list item [1][2].")
    assert got == [("上海累计成立外资研发中心453家。", [1]), ("其中15项纳入攻关任务。", [2, 3]), ("It is in Shanghai.", [4]), ("A list item.", [1, 2])]


# -- the command line -------------------------------------------------------------------------------

def test_ask_generate_on_the_command_line(seed_index_dir):
    def script(messages):
        return Reply(f"Shanghai has set up 453 foreign R&D centres so far [{passage_number(messages, FACT)}].")

    base = {"RAG_INDEX_DIR": str(seed_index_dir), "RAG_CORPUS_DIR": str(CORPUS)}
    plain = json.loads(rag("ask", EN, "--json", env_extra=base).stdout)
    with ScriptedLLM(script) as llm:
        env = {**base, "RAG_LLM_URL": llm.url, "RAG_LLM_MODEL": "scripted", "RAG_LLM_API_KEY": KEY}
        r = rag("ask", EN, "--generate", "--json", env_extra=env)
        text = rag("ask", EN, "--generate", env_extra=env)
    d = json.loads(r.stdout)
    assert set(d) >= set(plain) | {"generated"}  # a superset of the answer JSON
    assert {k: d[k] for k in plain if k != "notices"} == {k: v for k, v in plain.items() if k != "notices"}
    assert d["generated"]["text"].startswith("Shanghai has set up 453 foreign R&D centres so far [")
    assert "Shanghai has set up 453" in text.stdout and "“截止目前，上海累计成立外资研发中心 453 家。”" in text.stdout
    for out in (r, text):
        assert KEY not in out.stdout and KEY not in out.stderr
    down = rag("ask", EN, "--generate", env_extra={**base, "RAG_LLM_URL": "http://127.0.0.1:9/v1", "RAG_LLM_MODEL": "m", "RAG_LLM_TIMEOUT": "3"})
    assert down.returncode == 0 and "453" in down.stdout and "cannot reach the language model" in down.stderr
