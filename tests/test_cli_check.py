"""`rag check` and `rag eval drafts` as users run them: a fresh process each time."""

import json

import pytest

from conftest import CORPUS
from test_cli import rag


@pytest.fixture
def built(seed_index_dir):
    return {"RAG_INDEX_DIR": str(seed_index_dir), "RAG_CORPUS_DIR": str(CORPUS)}


def test_check_a_file_as_text_json_and_markdown(built, tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text("截至目前，上海累计成立外资研发中心450家。\n\nShanghai has set up 453 foreign R&D centres so far.\n", encoding="utf-8")
    r = rag("check", str(draft), env_extra=built)
    assert r.returncode == 0, r.stderr
    assert "✗ contradicted" in r.stdout and "“453 家”" in r.stdout and "✓ supported" in r.stdout
    r = rag("check", str(draft), "--json", env_extra=built)
    d = json.loads(r.stdout)
    assert [c["verdict"] for c in d["claims"]] == ["contradicted", "supported"]
    assert d["claims"][1]["citations"][0]["doc_number"] == "沪科提复〔2023〕50号"
    assert "沪科提复〔2023〕50号" in r.stdout  # real characters, not \\u escapes
    r = rag("check", str(draft), "--format", "markdown", env_extra=built)
    assert "**[⚠ 与答复不符" in r.stdout and "so far.[^2]" in r.stdout and "[1] 上海市科学技术委员会." in r.stdout


def test_check_reads_standard_input_and_gb18030(built, tmp_path):
    r = rag("check", "-", "--json", env_extra=built, stdin="2022年，上海全社会研发经费支出占GDP的比重达4.2%。")
    assert json.loads(r.stdout)["claims"][0]["verdict"] == "supported"
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("有效期内高新技术企业突破2.2万家。".encode("gb18030"))
    r = rag("check", str(legacy), "--json", env_extra=built)
    assert json.loads(r.stdout)["claims"][0]["verdict"] == "supported"


def test_strict_exits_1_when_a_claim_fails(built):
    ok = rag("check", "-", "--strict", env_extra=built, stdin="有效期内高新技术企业突破2.2万家。")
    bad = rag("check", "-", "--strict", env_extra=built, stdin="有效期内高新技术企业突破3.2万家。")
    assert ok.returncode == 0 and bad.returncode == 1


@pytest.mark.parametrize("args, stdin, message", [
    (["check", "-"], "   ", "the draft is empty"),
    (["check", "/no/such/draft.md"], None, "no such file"),
    (["check", "-"], "研发\x07中心", "control character"),
    (["check", "-", "--format", "pdf"], "x", "Invalid value"),
])
def test_bad_input_gives_one_clear_line(built, args, stdin, message):
    r = rag(*args, env_extra=built, stdin=stdin)
    assert r.returncode != 0 and message in r.stderr and "Traceback" not in r.stderr


def test_eval_drafts_reports_and_gates(built, tmp_path):
    drafts = tmp_path / "drafts.jsonl"
    rows = [
        {"id": "a", "lang": "zh", "kind": "true", "claim": "有效期内高新技术企业突破2.2万家。", "verdict": "supported", "doc_numbers": ["沪科提复〔2023〕5号"]},
        {"id": "b", "lang": "zh", "kind": "number", "claim": "有效期内高新技术企业突破3.2万家。", "verdict": "contradicted", "doc_numbers": ["沪科提复〔2023〕5号"], "reply_says": "突破 2.2 万家"},
        {"id": "c", "lang": "en", "kind": "fabricated", "claim": "Shanghai built 40 quantum computers in 2023.", "verdict": "not_found", "doc_numbers": []},
        {"id": "d", "lang": "zh", "kind": "true", "claim": "有效期内高新技术企业突破2.2万家。", "verdict": "supported", "doc_numbers": ["沪科建复〔2024〕31号"]},  # the wrong 文号 expected: counted wrong
    ]
    drafts.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    r = rag("eval", "drafts", "--drafts", str(drafts), "--json", env_extra=built)
    d = json.loads(r.stdout)
    assert d["overall"]["claims"] == 4 and d["overall"]["flagged"] == 1.0 and d["overall"]["supported"] == 0.5
    assert d["items"][1]["reply_shown"] is True
    r = rag("eval", "drafts", "--drafts", str(drafts), "--min-supported", "0.9", env_extra=built)
    assert r.returncode == 1 and "FAIL: supported = 0.5 is below the minimum 0.9" in r.stderr
    drafts.write_text('{"id": "x", "claim": "c"}\n', encoding="utf-8")
    r = rag("eval", "drafts", "--drafts", str(drafts), env_extra=built)
    assert r.returncode == 1 and "lacks kind, verdict" in r.stderr


def test_help_has_examples():
    for args in (["check", "--help"], ["eval", "drafts", "--help"]):
        r = rag(*args)
        assert r.returncode == 0 and "Examples:" in r.stdout


def test_the_readme_examples_are_what_check_prints(engine):
    from rag.draft import check_draft, to_markdown, to_text
    from rag.verify import Verifier
    from test_readme import readme_blocks

    example = next(b for b in readme_blocks("console") if "$ rag check draft.md" in b)
    draft = example.split("$ cat draft.md\n")[1].split("$ rag check")[0]
    report = check_draft(Verifier(engine), draft)
    assert example.split("$ rag check draft.md\n")[1].rstrip() == to_text(report).rstrip()
    markdown = next(b for b in readme_blocks("markdown") if "参考文献 References" in b)
    assert markdown.rstrip() == to_markdown(report).rstrip()
