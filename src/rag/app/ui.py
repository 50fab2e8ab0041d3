"""The Gradio app behind `rag serve`: Ask, Search and Documents tabs over one opened Engine, plus
the named API endpoints `ask` and `search`, which return exactly the JSON of `rag ask --json` and
`rag search --json`. Gradio is imported inside these functions, never when the CLI starts."""

import logging
import os
import sys

from rag.app import check_tab, document, render
from rag.app.assets import CSS, FONT_STACK, MONO_STACK, ON_LOAD
from rag.config import Config
from rag.errors import InputError, RagError

log = logging.getLogger(__name__)

EXAMPLES = [
    "How many foreign R&D centres are there?",
    "2022年研发经费占GDP比重是多少？",
    "浦东新区“揭榜挂帅”平台累计发榜多少个项目？",
    "What share of R&D spending goes to basic research?",
    "沪科建复〔2024〕31号的联系人是谁？",
]
ASK_PROMPT = ("输入问题后按回车 · Type a question and press Enter", " 例如 e.g. 上海累计成立了多少家外资研发中心？")
SEARCH_PROMPT = ("输入检索词 · Type words to search for", " 例如 e.g. 揭榜挂帅")
MAX_K = 100  # the CLI's bound on -k
QUEUE_SIZE = 64  # requests waiting beyond this get "queue full" instead of piling up
CONCURRENCY = 2  # requests answered at once; retrieval is CPU-bound and quick


def _year(value) -> int | None:
    """The year filter: blank means none; anything else goes to the core, which names bad values."""
    if value is None or str(value).strip() in ("", "全部 All"):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise InputError(f"the year must be like 2023, got {value!r}") from None


def _doc(value) -> str | None:
    return None if value is None or str(value).strip() in ("", "全部 All") else str(value).strip()


class Handlers:
    """What the page and the API call. Both go through Engine.ask / Engine.search."""

    def __init__(self, engine):
        self.engine = engine
        self.index = engine.index
        self.chunks = {c.chunk_id: c for c in engine.index.chunks}

    # -- API: the CLI's JSON -------------------------------------------------------------------
    def ask_json(self, question: str, doc: str | None = None, year: int | None = None) -> dict:
        return self.engine.ask(question, doc=_doc(doc), year=_year(year)).to_dict()

    def search_json(self, query: str, k: int = 5, doc: str | None = None, year: int | None = None) -> dict:
        if not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise InputError(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")
        return self.engine.search(query, k=k, doc=_doc(doc), year=_year(year)).to_dict()

    # -- page --------------------------------------------------------------------------------
    def ask_page(self, question: str) -> str:
        if not (question or "").strip():  # an empty box gets the page's own prompt, not an error
            return render.message(*ASK_PROMPT, kind="empty")

        def run():
            answer = self.engine.ask(question)
            return render.answer_html(answer, self.index, () if answer.found else _terms(self.engine, question))

        return _friendly(run)

    def search_page(self, query: str, doc, year, k) -> str:
        if not (query or "").strip():  # also reached by changing a filter before typing
            return render.message(*SEARCH_PROMPT, kind="empty")

        def run():
            result = self.engine.search(query, k=int(k or 10), doc=_doc(doc), year=_year(year))
            terms = _terms(self.engine, query)
            return render.hits_html(result, self.index, terms)

        return _friendly(run)

    def open_page(self, doc_id: str, chunk_id: str = "", start: str = "", end: str = "") -> tuple[str, str]:
        """Table and full-text HTML for a reply, its passage (and quote) marked when given."""
        doc = self.index.by_id.get(str(doc_id or ""))
        if doc is None:
            return document.table_html(self.index), render.message("没有这份答复 · No such reply", f" {doc_id!s:.80}")
        chunk = self.chunks.get(str(chunk_id or ""))
        focus = (chunk.start, chunk.end) if chunk is not None and chunk.doc_id == doc.doc_id else None
        quote = None
        if focus and str(start).isdigit() and str(end).isdigit() and focus[0] <= int(start) < int(end) <= focus[1]:
            quote = (int(start), int(end))
        return document.table_html(self.index, doc.doc_id), document.document_html(doc, self.index, focus, quote)


def _friendly(render_fn) -> str:
    """Run a page handler; the core's user errors become an in-page message, never an error page."""
    try:
        return render_fn()
    except RagError as e:
        return render.message("请检查输入 · Please check the input", f" {e}")
    except Exception:  # a bug: keep the page usable and the traceback in the server log
        log.exception("unexpected error while rendering a page")
        return render.message("出错了 · Something went wrong", " 请重试；若仍出错，请报告此问题。Please try again, and report it if it persists.")


def _terms(engine, query: str) -> list[str]:
    """The query's terms as the lexical channel sees them, for highlighting (single characters skipped)."""
    info = engine.retriever.analyze(query)
    terms = {alt for g in info.groups for alt, _ in g.alternatives if len(alt) >= 2}
    return sorted(terms, key=len, reverse=True)


def build_app(engine):
    """The Blocks app over an opened Engine. Call .queue() and .launch() on it (see `serve`)."""
    import gradio as gr

    h = Handlers(engine)
    docs = sorted(engine.index.documents, key=lambda d: (d.date or "", d.doc_id), reverse=True)
    doc_choices = ["全部 All"] + [d.doc_number or d.doc_id for d in docs]
    year_choices = ["全部 All"] + sorted({str(d.year) for d in docs if d.year}, reverse=True)

    def panel(value="", elem_id=None, place_now=True):
        """An HTML panel running the shared click script (copy, open in document, outline jumps)."""
        return gr.HTML(value, js_on_load=ON_LOAD, elem_id=elem_id, elem_classes="rag-panel", apply_default_css=False, render=place_now)

    with gr.Blocks(title="rag · 上海市科委答复检索与问答", analytics_enabled=False) as demo:
        gr.HTML(render.masthead(engine.index, engine.notices), apply_default_css=False, js_on_load=None, elem_id="rag-masthead", elem_classes="rag-panel")
        with gr.Tabs(selected="ask") as tabs:
            with gr.Tab("问答 Ask", id="ask", elem_id="tab-ask"):
                with gr.Row(equal_height=True, elem_classes="rag-bar"):
                    question = gr.Textbox(
                        label="问题 Question", show_label=False, container=False, lines=1, max_lines=4, scale=6, elem_id="ask-input", autofocus=True,
                        placeholder="用中文或英文提问 · Ask in Chinese or English — 例如：上海累计成立了多少家外资研发中心？",
                    )
                    ask_btn = gr.Button("提问 Ask", variant="primary", scale=1, min_width=120, elem_id="ask-button")
                use_model = check_tab.generation_switch()
                answer = panel(render.message(*ASK_PROMPT, kind="empty"), "ask-result", place_now=False)  # placed below the examples
                gr.Examples(
                    EXAMPLES, inputs=question, outputs=answer, fn=h.ask_page, run_on_click=True, cache_examples=False,
                    label="示例问题 Examples (click to ask)", examples_per_page=len(EXAMPLES), api_visibility="private",
                )
                answer.render()
            with gr.Tab("检索 Search", id="search", elem_id="tab-search"):
                with gr.Row(equal_height=True, elem_classes="rag-bar"):
                    query = gr.Textbox(
                        label="检索词 Query", show_label=False, container=False, scale=6, elem_id="search-input",
                        placeholder="检索词 · Search words — 例如：揭榜挂帅、new towns innovation platforms",
                    )
                    search_btn = gr.Button("检索 Search", variant="primary", scale=1, min_width=120, elem_id="search-button")
                with gr.Row(elem_classes="rag-filters"):
                    doc_filter = gr.Dropdown(doc_choices, value="全部 All", label="文号 Document", allow_custom_value=True, scale=3, elem_id="search-doc")
                    year_filter = gr.Dropdown(year_choices, value="全部 All", label="年份 Year", scale=1, min_width=120, elem_id="search-year")
                    k = gr.Slider(1, 30, value=10, step=1, label="结果数 Results", scale=2, min_width=160, elem_id="search-k")
                results = panel(render.message(*SEARCH_PROMPT, kind="empty"), "search-result")
            with gr.Tab("文件 Documents", id="documents", elem_id="tab-documents"):
                table = panel(document.table_html(engine.index), "doc-table")
                viewer = panel(document.empty_document(), "doc-view")
            check_tab.add_tab(engine)

        private = {"api_visibility": "private"}
        for trigger in (question.submit, ask_btn.click):
            trigger(check_tab.ask_page(h), [question, use_model], answer, **private)
        for trigger in (query.submit, search_btn.click, doc_filter.input, year_filter.input):
            trigger(h.search_page, [query, doc_filter, year_filter, k], results, **private)

        def on_open(evt: gr.EventData):
            data = getattr(evt, "_data", None) or {}
            table_html, doc_html = h.open_page(data.get("doc", ""), data.get("chunk", ""), data.get("start", ""), data.get("end", ""))
            return table_html, doc_html, gr.Tabs(selected="documents")

        for source in (answer, results, table):
            source.open(on_open, None, [table, viewer, tabs], **private)

        def ask(question: str, doc: str | None = None, year: int | None = None) -> dict:
            """Answer a question from the replies, quoting and citing them: the JSON of `rag ask --json`."""
            return _api(h.ask_json, question, doc, year)

        def search(query: str, k: int = 5, doc: str | None = None, year: int | None = None) -> dict:
            """The passages that best match a query: the JSON of `rag search --json`."""
            return _api(h.search_json, query, k, doc, year)

        gr.api(ask, api_name="ask")
        gr.api(search, api_name="search")
    return demo


def _api(fn, *args) -> dict:
    import gradio as gr

    try:
        return fn(*args)
    except RagError as e:
        raise gr.Error(str(e), print_exception=False) from None


def theme():
    import gradio as gr

    return gr.themes.Default(
        primary_hue=gr.themes.colors.red, neutral_hue=gr.themes.colors.slate, font=FONT_STACK, font_mono=MONO_STACK,
        radius_size=gr.themes.sizes.radius_md,
    )


def serve(config: Config, host: str = "127.0.0.1", port: int = 7860, log_fn=None) -> None:
    """Open (building if needed) the index once, then serve the app until interrupted."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from rag.engine import Engine

    say = log_fn or (lambda m: print(m, file=sys.stderr))
    engine = Engine(config, progress=True)
    for notice in engine.notices:
        say(f"note: {notice}")
    for example in EXAMPLES[:2]:  # an English and a Chinese question: load the dictionaries and the
        engine.ask(example)  # Chinese segmenter before the first visitor, not during their question
    demo = build_app(engine)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    try:
        _, url, _ = demo.launch(
            server_name=host, server_port=port, share=False, inbrowser=False, show_error=False, quiet=True,
            ssr_mode=False, mcp_server=False, footer_links=["api"], max_file_size="1mb",
            theme=theme(), css=CSS, prevent_thread_lock=True,
        )
    except OSError as e:
        raise InputError(f"cannot listen on {host}:{port} ({e}); pick another port with --port") from None
    say(f"rag: serving {len(engine.index.documents)} replies on {url} (Ctrl+C to stop)")
    demo.block_thread()
