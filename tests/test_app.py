"""The web app: its API endpoints return the CLI's JSON; its HTML escapes document text and marks spans."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.app import document, render
from rag.app.process import running_app
from rag.types import Block, Chunk, Citation, Document, Hit

ROOT = Path(__file__).resolve().parents[1]
HEADLINE = "How many foreign R&D centres are there?"


# -- the API, through gradio_client, against `rag serve` in a child process ---------------------

@pytest.fixture(scope="module")
def app_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("app")
    return {"RAG_MODEL": "none", "RAG_INDEX_DIR": str(tmp / "index"), "RAG_CORPUS_DIR": str(ROOT / "corpus"), "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}


@pytest.fixture(scope="module")
def client(app_env, tmp_path_factory):
    from gradio_client import Client

    with running_app(app_env, log_path=tmp_path_factory.mktemp("log") / "serve.log") as url:
        yield Client(url, verbose=False)


def cli_json(env: dict, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "rag", *args, "--json"], env={**os.environ, **env}, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.slow
def test_ask_endpoint_returns_the_cli_json(client, app_env):
    api = client.predict(HEADLINE, api_name="/ask")
    assert api == cli_json(app_env, "ask", HEADLINE)
    assert api["found"] is True and api["key"].startswith("453")
    assert api["citations"][0]["doc_number"] == "沪科提复〔2023〕50号"
    assert set(api) == {"question", "found", "answer", "key", "citations", "sources", "channels", "lang", "notices", "intent", "items", "verdict", "confidence", "heading"}


@pytest.mark.slow
def test_ask_endpoint_takes_the_cli_filters(client, app_env):
    api = client.predict(question="联系人是谁？", doc="沪科建复〔2024〕31号", api_name="/ask")
    assert api == cli_json(app_env, "ask", "联系人是谁？", "--doc", "沪科建复〔2024〕31号")
    assert {s["doc_number"] for s in api["sources"]} == {"沪科建复〔2024〕31号"}


@pytest.mark.slow
def test_search_endpoint_returns_the_cli_json(client, app_env):
    api = client.predict(query="揭榜挂帅", k=5, year=2023, api_name="/search")
    assert api == cli_json(app_env, "search", "揭榜挂帅", "-k", "5", "--year", "2023")
    assert set(api) == {"query", "hits", "channels", "notices"}
    assert api["hits"] and all(h["date"].startswith("2023") for h in api["hits"])
    assert set(api["hits"][0]) == {"rank", "doc_number", "title", "section", "chunk_id", "score", "text", "date", "kind", "channels"}


@pytest.mark.slow
def test_not_found_answer_still_lists_the_nearest_passages(client):
    api = client.predict("上海的地铁有多少条线路？", api_name="/ask")
    assert api["found"] is False and api["citations"] == [] and api["sources"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, message",
    [
        (("",), "empty"),
        (("研发" * 1001,), "2,000"),
        (("研发\x00经费",), "control character"),
        (("联系人是谁？", "沪科提复〔2099〕1号"), "unknown 文号"),
        (({"question": HEADLINE},), "question must be text, got an object"),
        (([HEADLINE],), "question must be text, got a list"),
        ((HEADLINE, None, "next year"), "the year must be like 2023"),
    ],
)
def test_bad_input_gets_the_core_message(client, args, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message):
        client.predict(*args, api_name="/ask")


@pytest.mark.slow
def test_search_k_is_bounded(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="from 1 to 100"):
        client.predict("揭榜挂帅", 1000, api_name="/search")


def test_the_cli_does_not_import_gradio():
    code = "import sys, rag.cli; sys.exit('gradio' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_serve_help_shows_safe_defaults():
    out = subprocess.run([sys.executable, "-m", "rag", "serve", "--help"], capture_output=True, text=True, check=True).stdout
    assert "127.0.0.1" in out and "7860" in out


# -- HTML rendering ----------------------------------------------------------------------------

TEXT = "上海市科学技术委员会\n\n沪科提复〔2023〕50号\n\n一、总体情况\n截止目前，上海累计成立外资研发中心 453 家。<script>alert(1)</script>"


def make_doc() -> Document:
    heading = TEXT.index("一、")
    return Document(
        doc_id="沪科提复〔2023〕50号", doc_number="沪科提复〔2023〕50号", title="对第0982号提案的答复", kind="proposal",
        issuer="上海市科学技术委员会", addressee="李琛浩委员", addressees=("李琛浩",), session=None, proposal_number="0982",
        proposal_title="关于<b>强化</b>的提案", date="2023-08-14", path="a.txt", text=TEXT,
        blocks=(
            Block(0, 10, "header"), Block(12, 24, "header"),
            Block(heading, heading + 6, "body", ("一、总体情况",)), Block(heading + 7, len(TEXT), "body", ("一、总体情况",)),
        ),
    )


class FakeIndex:
    def __init__(self, doc: Document, chunks: list[Chunk]):
        self.documents, self.chunks, self.by_id = [doc], chunks, {doc.doc_id: doc}
        self.manifest = {"counts": {"documents": 1, "chunks": len(chunks)}, "channels": ["lexical"]}

    def chunks_of(self, doc_id):
        return [c for c in self.chunks if c.doc_id == doc_id]


def make_chunk(doc: Document) -> Chunk:
    start = TEXT.index("截止")
    return Chunk("c1", doc.doc_id, doc.doc_number, doc.title, ("一、总体情况",), 0, start, len(TEXT), TEXT[start:], date=doc.date)


def test_mark_nests_spans_and_escapes():
    out = render.mark("a<b>cd", [(0, 4, "m-quote"), (1, 3, "m-key")])
    assert out == '<mark class="m-quote">a</mark><mark class="m-key m-quote">&lt;b</mark><mark class="m-quote">&gt;</mark>cd'


def test_answer_card_marks_the_key_span_and_offers_the_citation():
    doc = make_doc()
    chunk = make_chunk(doc)
    quote = "截止目前，上海累计成立外资研发中心 453 家。"
    start = TEXT.index(quote)
    cite = Citation(doc.doc_number, doc.full_title, chunk.section_path, chunk.chunk_id, quote, doc.citation, doc.date, start, start + len(quote), (18, 23))
    from rag.types import Answer

    answer = Answer(HEADLINE, True, "…", (cite,), (Hit(chunk, 0.5, 1, {"lexical": 1}),), ("lexical",), "en")
    html = render.answer_html(answer, FakeIndex(doc, [chunk]))
    assert '<mark class="m-key">453 家</mark>' in html
    assert f'data-copy="{doc.citation}"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'data-found="true"' in html


def test_a_refusal_without_passages_shows_no_empty_list():
    from rag.types import Answer

    doc = make_doc()
    chunk = make_chunk(doc)
    empty = render.answer_html(Answer("北京有几条地铁？", False, "这些答复中没有找到能回答这个问题的内容。", (), (), ("lexical",), "zh"), FakeIndex(doc, [chunk]))
    assert "Nearest passages" not in empty and "没有相近的段落" in empty and 'data-found="false"' in empty
    near = render.answer_html(Answer("北京有几条地铁？", False, "…", (), (Hit(chunk, 0.5, 1, {"lexical": 1}),), ("lexical",), "zh"), FakeIndex(doc, [chunk]))
    assert "最接近的段落 · Nearest passages" in near and near.count("rag-source") == 1


def test_document_view_escapes_text_and_builds_the_outline():
    doc = make_doc()
    chunk = make_chunk(doc)
    html = document.document_html(doc, FakeIndex(doc, [chunk]), focus=(chunk.start, chunk.end))
    assert "<script>" not in html and "<b>强化</b>" not in html
    assert 'data-jump="rag-sec-0"' in html and 'id="rag-sec-0"' in html
    assert 'class="rag-focus"' in html and "m-passage" in html
    assert '<div class="org">上海市科学技术委员会</div>' in html


def test_documents_table_lists_every_reply():
    doc = make_doc()
    html = document.table_html(FakeIndex(doc, [make_chunk(doc)]))
    assert 'data-open="沪科提复〔2023〕50号"' in html and "政协提案" in html and "&lt;b&gt;强化" in html


# -- page handlers over the seed index (conftest's engine) ----------------------------------------

@pytest.fixture(scope="module")
def handlers(engine):
    from rag.app.ui import Handlers

    return Handlers(engine)


def test_blank_input_gets_a_prompt_not_an_error(handlers):
    assert "Type a question" in handlers.ask_page("   ")
    assert "Type words to search for" in handlers.search_page("", "全部 All", "2024", 5)


@pytest.mark.parametrize(
    "query, doc, year, expected",
    [
        ("揭榜挂帅", "沪科提复(2023)42号", "全部 All", "沪科提复〔2023〕42号"),  # brackets as typed are normalised
        ("揭榜挂帅", "沪科提复〔2099〕1号", "全部 All", "unknown 文号"),
        ("揭榜挂帅", "全部 All", "1999", "no document in the index is from 1999"),
        ("研发\x07经费", "全部 All", "全部 All", "control character"),
    ],
)
def test_search_page_filters_or_explains(handlers, query, doc, year, expected):
    assert expected in handlers.search_page(query, doc, year, 5)


def test_open_page_marks_the_passage_and_refuses_unknown_replies(handlers, engine):
    chunk = engine.index.chunks_of("沪科提复〔2023〕50号")[3]
    table, view = handlers.open_page(chunk.doc_id, chunk.chunk_id, "0", "0")
    assert 'class="is-open"' in table and "rag-focus" in view and "m-passage" in view
    _, view = handlers.open_page("<img src=x onerror=alert(1)>")
    assert "No such reply" in view and "<img" not in view


def test_a_list_inside_one_sentence_is_listed_and_every_item_marked_in_the_quote_and_the_passage(engine):
    answer = engine.ask("上海引导攻关了哪些关键材料和零部件？")
    html = render.answer_html(answer, engine.index)
    assert '<ol class="rag-items">' in html and all(f"<li>{i.text}</li>" in html for i in answer.items)
    # each item marked twice: in the answer's quote and in the passage it comes from
    assert all(html.count(f">{i.text}</mark>") >= 2 for i in answer.items)


@pytest.mark.parametrize("question, heading", [("针对张磊委员的提案，后续有什么安排？", "下一步的工作"),
                                               ("对于外资研发中心，今后还会有什么支持措施？", "没有写明")])
def test_a_plan_answer_is_headed_by_whether_the_replies_state_a_plan(engine, question, heading):
    answer = engine.ask(question)
    html = render.answer_html(answer, engine.index)
    assert heading in answer.heading and f'<div class="rag-items-title">{answer.heading} · {len(answer.items)}</div>' in html
