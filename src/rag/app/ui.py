"""The Gradio page behind `rag serve`: Ask, Search and Documents tabs over one opened Engine, plus
the named API endpoints `ask` and `search` (the JSON of `rag ask --json` / `rag search --json`).

Each tab is built by its own function (`ask_tab`, `search_tab`, `documents_tab`): a new tab is one
more function and one line in `build_app`. Gradio is imported inside these functions, never when
the CLI starts."""

import logging

from rag.app import check_tab, document, render
from rag.app.api import JsonApi, k_arg, text_arg, year_arg
from rag.app.assets import FONT_STACK, MONO_STACK, ON_LOAD
from rag.config import Config
from rag.errors import RagError

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
PRIVATE = {"api_visibility": "private"}  # the page's own handlers: not API endpoints
CACHE_SECONDS = 600  # Gradio's temporary files (uploads are refused, so it should write none) live this long


class Handlers:
    """What the page calls: HTML for each panel, through Engine.ask / Engine.search."""

    def __init__(self, engine):
        self.engine = engine
        self.index = engine.index

    def ask_page(self, question) -> str:
        if question is None or (isinstance(question, str) and not question.strip()):
            return render.message(*ASK_PROMPT, kind="empty")  # an empty box gets the page's prompt, not an error

        def run():
            text = text_arg("question", question)
            answer = self.engine.ask(text)
            return render.answer_html(answer, self.index, () if answer.found else _terms(self.engine, text))

        return _friendly(run)

    def search_page(self, query, doc, year, k) -> str:
        if query is None or (isinstance(query, str) and not query.strip()):
            return render.message(*SEARCH_PROMPT, kind="empty")  # also reached by changing a filter before typing

        def run():
            text = text_arg("query", query)
            result = self.engine.search(text, k=k_arg(k or 10), doc=text_arg("doc", doc, required=False), year=year_arg(year))
            return render.hits_html(result, self.index, _terms(self.engine, text))

        return _friendly(run)

    def open_page(self, doc_id: str, chunk_id: str = "", start: str = "", end: str = "") -> tuple[str, str]:
        """Table and full-text HTML for a reply, its passage (and quote) marked when given."""
        doc = self.index.by_id.get(str(doc_id or ""))
        if doc is None:
            return document.table_html(self.index), render.message("没有这份答复 · No such reply", f" {doc_id!s:.80}")
        chunk = next((c for c in self.index.chunks_of(doc.doc_id) if c.chunk_id == str(chunk_id or "")), None)  # one reply's passages, read on demand
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


def panel(value="", elem_id=None, render_now=True):
    """An HTML panel running the shared click script (copy, open in document, outline jumps, scroll to results)."""
    import gradio as gr

    return gr.HTML(value, js_on_load=ON_LOAD, elem_id=elem_id, elem_classes="rag-panel", apply_default_css=False, render=render_now)


def ask_tab(h: Handlers):
    """问答 Ask: a question box, examples, the answer panel. Returns the panel (it can open a reply)."""
    import gradio as gr

    with gr.Row(equal_height=True, elem_classes="rag-bar"):
        question = gr.Textbox(
            label="问题 Question", show_label=False, container=False, lines=1, max_lines=4, scale=6, elem_id="ask-input", autofocus=True,
            placeholder="用中文或英文提问 · Ask in Chinese or English — 例如：上海累计成立了多少家外资研发中心？",
        )
        ask_btn = gr.Button("提问 Ask", variant="primary", scale=1, min_width=96, elem_id="ask-button")
    use_model = check_tab.generation_switch()
    answer = panel(render.message(*ASK_PROMPT, kind="empty"), "ask-result", render_now=False)  # placed below the examples
    gr.Examples(
        EXAMPLES, inputs=question, outputs=answer, fn=h.ask_page, run_on_click=True, cache_examples=False,
        label="示例问题 Examples (click to ask)", examples_per_page=len(EXAMPLES), **PRIVATE,
    )
    answer.render()
    for trigger in (question.submit, ask_btn.click):
        trigger(check_tab.ask_page(h), [question, use_model], answer, **PRIVATE)
    return answer


def search_tab(h: Handlers, index):
    """检索 Search: words, filters by 文号 and year, how many results; returns the results panel."""
    import gradio as gr

    docs = sorted(index.documents, key=lambda d: (d.date or "", d.doc_id), reverse=True)
    with gr.Row(equal_height=True, elem_classes="rag-bar"):
        query = gr.Textbox(
            label="检索词 Query", show_label=False, container=False, scale=6, elem_id="search-input",
            placeholder="检索词 · Search words — 例如：揭榜挂帅、new towns innovation platforms",
        )
        search_btn = gr.Button("检索 Search", variant="primary", scale=1, min_width=96, elem_id="search-button")
    with gr.Row(elem_classes="rag-filters"):
        doc_filter = gr.Dropdown(
            ["全部 All"] + [d.doc_number or d.doc_id for d in docs], value="全部 All", label="文号 Document",
            allow_custom_value=True, scale=3, min_width=200, elem_id="search-doc",
        )
        year_filter = gr.Dropdown(
            ["全部 All"] + sorted({str(d.year) for d in docs if d.year}, reverse=True), value="全部 All", label="年份 Year",
            scale=1, min_width=120, elem_id="search-year",
        )
        k = gr.Slider(1, 30, value=10, step=1, label="结果数 Results", scale=2, min_width=160, elem_id="search-k")
    results = panel(render.message(*SEARCH_PROMPT, kind="empty"), "search-result")
    for trigger in (query.submit, search_btn.click, doc_filter.input, year_filter.input):
        trigger(h.search_page, [query, doc_filter, year_filter, k], results, **PRIVATE)
    return results


def documents_tab(index):
    """文件 Documents: the table of replies and the reader; returns (table, viewer)."""
    return panel(document.table_html(index), "doc-table"), panel(document.empty_document(), "doc-view")


def build_app(engine, api: JsonApi | None = None):
    """The Blocks app over an opened Engine (served by rag.app.server, which mounts and queues it)."""
    import gradio as gr

    h = Handlers(engine)
    api = api or JsonApi(engine)
    blocks = gr.Blocks(title="rag · 上海市科委答复检索与问答", analytics_enabled=False, delete_cache=(CACHE_SECONDS, CACHE_SECONDS))
    with blocks as demo:
        gr.HTML(render.masthead(engine.index, engine.notices), apply_default_css=False, js_on_load=None, elem_id="rag-masthead", elem_classes="rag-panel")
        with gr.Tabs(selected="ask") as tabs:
            with gr.Tab("问答 Ask", id="ask", elem_id="tab-ask"):
                answer = ask_tab(h)
            with gr.Tab("检索 Search", id="search", elem_id="tab-search"):
                results = search_tab(h, engine.index)
            with gr.Tab("文件 Documents", id="documents", elem_id="tab-documents"):
                table, viewer = documents_tab(engine.index)
            check_tab.add_tab(engine, api)

        def on_open(evt: gr.EventData):  # Gradio reads this annotation: no `from __future__ import annotations` here
            data = getattr(evt, "_data", None)
            data = data if isinstance(data, dict) else {}
            table_html, doc_html = h.open_page(data.get("doc", ""), data.get("chunk", ""), data.get("start", ""), data.get("end", ""))
            return table_html, doc_html, gr.Tabs(selected="documents")

        for source in (answer, results, table):
            source.open(on_open, None, [table, viewer, tabs], **PRIVATE)

        def ask(question: str, doc: str | None = None, year: int | None = None) -> dict:
            """Answer a question from the replies, quoting and citing them: the JSON of `rag ask --json`."""
            return _api(api.ask, question, doc, year)

        def search(query: str, k: int = 5, doc: str | None = None, year: int | None = None) -> dict:
            """The passages that best match a query: the JSON of `rag search --json`."""
            return _api(api.search, query, k, doc, year)

        gr.api(ask, api_name="ask")
        gr.api(search, api_name="search")
    return demo


def _api(fn, *args) -> dict:
    """Call the JSON API for gradio_client: a user error or a bug becomes one message (AppError)."""
    import gradio as gr

    try:
        return fn(*args)
    except RagError as e:
        raise gr.Error(str(e), print_exception=False) from None
    except Exception:
        log.exception("unexpected error in an API call")
        raise gr.Error("internal error; the server log has the details", print_exception=False) from None


def theme():
    import gradio as gr

    # The default theme's softer text and primary button are under 4.5:1 on white: one shade darker.
    return gr.themes.Default(
        primary_hue=gr.themes.colors.red, neutral_hue=gr.themes.colors.slate, font=FONT_STACK, font_mono=MONO_STACK,
        radius_size=gr.themes.sizes.radius_md,
    ).set(
        body_text_color_subdued="*neutral_600", body_text_color_subdued_dark="*neutral_400",
        color_accent="*primary_700", color_accent_soft_dark="*neutral_700",
        button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700", button_primary_background_fill_hover_dark="*primary_800",
        button_primary_text_color="white", button_primary_text_color_dark="white",
    )


def serve(config: Config, host: str = "127.0.0.1", port: int = 7860, log_fn=None) -> None:
    """`rag serve`: see rag.app.server.serve (kept here, where the CLI looks for it)."""
    from rag.app.server import serve as run

    run(config, host=host, port=port, log_fn=log_fn)
