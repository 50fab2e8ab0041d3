"""The 核对 Check draft tab (paste a draft, get each sentence's verdict, the quotes and Markdown to
paste back), its API endpoint `check` (the JSON of `rag check --json`), and the Ask tab's switch
for answers written by a language model. HTML is built here from the core's records; every piece of
user and document text passes through render.esc. Gradio is imported inside the functions."""

from __future__ import annotations

from rag.app import render
from rag.app.assets import ON_LOAD
from rag.app.render import bi, copy_button, esc
from rag.draft import check_draft, to_markdown
from rag.errors import RagError
from rag.verify import CONTRADICTED, NOT_FOUND, SUPPORTED, Verifier

CHECK_PROMPT = ("粘贴草稿后点击核对 · Paste a draft and press Check", " 每句话都会与答复原文核对。Each sentence is checked against the replies.")
EXAMPLE = "截至目前，上海累计成立外资研发中心450家。2022年，上海全社会研发经费支出占GDP的比重达4.2%。\nShanghai has more than 22,000 high-tech enterprises."
BADGES = {
    SUPPORTED: ("有据 · Supported", "ok"),
    CONTRADICTED: ("与答复不符 · Contradicted", "bad"),
    NOT_FOUND: ("未找到依据 · Not found", "none"),
}
# Scoped to this tab's panel; colours from Gradio's theme where it has them.
STYLE = """<style>
.rag-check .rag-badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 10px; border-radius: 999px; margin-right: 8px; white-space: nowrap; }
.rag-check .rag-badge.ok { background: #dcfce7; color: #166534; }
.rag-check .rag-badge.bad { background: #fee2e2; color: #991b1b; }
.rag-check .rag-badge.none { background: #fef9c3; color: #854d0e; }
.rag-check .rag-claim { font-size: 15px; line-height: 1.7; }
.rag-check .rag-claim-note { margin: 6px 0 0; font-size: 14px; }
.rag-check .rag-verdict-bad { border-left: 4px solid #dc2626; }
.rag-check .rag-verdict-none { border-left: 4px solid #ca8a04; }
.rag-check .rag-verdict-ok { border-left: 4px solid #16a34a; }
.rag-check pre.rag-md { white-space: pre-wrap; word-break: break-word; font-size: 13px; max-height: 420px; overflow: auto;
  padding: 10px 12px; border: 1px solid var(--border-color-primary); border-radius: 8px; background: var(--background-fill-secondary); }
.rag-check .rag-removed { text-decoration: line-through; opacity: .7; }
</style>"""


def claim_card(n: int, checked) -> str:
    v = checked.verdict
    label, cls = BADGES[v.verdict]
    quotes = []
    for k, c in enumerate(v.citations[: 1 if v.verdict != SUPPORTED else len(v.citations)], start=1):
        key = [(c.highlight[0], c.highlight[1], "m-key")] if c.highlight else []
        quotes.append(
            f'<div class="rag-quote"><div class="n">[{k}]</div><div><blockquote>“{render.mark(c.quote, key)}”</blockquote>'
            f'<div class="rag-cite">{esc(c.citation)}{" · § " + esc(c.section) if c.section else ""}</div>'
            f'<div class="rag-actions">{copy_button(c.citation)}</div></div></div>'
        )
    note = f'<div class="rag-claim-note">{esc(v.note)}</div>' if v.note else ""
    return (
        f'<div class="rag-card rag-verdict-{cls}" data-verdict="{esc(v.verdict)}"><div class="rag-claim">'
        f'<span class="rag-rank">{n}</span><span class="rag-badge {cls}">{esc(label)}</span>{esc(checked.claim.text)}</div>'
        f'{note}{"".join(quotes)}</div>'
    )


def report_html(report) -> str:
    """Counts, a card per claim in draft order, and the draft as Markdown with footnotes to copy."""
    if not report.checked:
        return render.message("没有可核对的句子 · No sentence to check", " 草稿中只有标题、代码或过短的片段。The draft holds only headings, code or fragments.", kind="empty")
    counts = report.counts()
    chips = "".join(f'<span class="rag-stat"><b>{counts[v]}</b> {esc(BADGES[v][0])}</span>' for v in (SUPPORTED, CONTRADICTED, NOT_FOUND))
    cards = "".join(claim_card(n, c) for n, c in enumerate(report.checked, start=1))
    md = to_markdown(report)
    markdown = (
        f'<div class="rag-card"><div class="rag-label">{esc(bi("可粘贴的 Markdown（含脚注与参考文献）", "Markdown to paste (footnotes and references)"))}</div>'
        f'<pre class="rag-md" id="check-markdown">{esc(md)}</pre>'
        f'<div class="rag-actions">{copy_button(md, "复制 Markdown · Copy Markdown")}</div></div>'
    )
    return f'{STYLE}<div class="rag rag-result rag-check"><div class="rag-stats">{chips}</div>{cards}{markdown}</div>'


def generated_html(out: dict) -> str:
    """The model's verified answer: kept sentences with their [n], removed ones struck out with
    the reason, and the notices. The extractive answer follows it as evidence."""
    g = out.get("generated")
    notices = "".join(f'<div class="rag-meta">{esc(n)}</div>' for n in out.get("notices", []))
    if g is None:
        return f'<div class="rag"><div class="rag-banner" role="status"><span class="rag-icon">ⓘ</span><div>{notices}</div></div></div>' if notices else ""
    removed = "".join(
        f'<div class="rag-removed" data-verdict="{esc(s["verdict"])}">{esc(s["text"])}</div><div class="rag-meta">{esc(s["note"])}</div>'
        for s in g["sentences"] if not s["kept"]
    )
    removed_html = f'<details class="rag-more"><summary>{esc(bi("已删除的句子", "Removed sentences"))}</summary>{removed}</details>' if removed else ""
    evidence, seen = [], set()
    for s in g["sentences"]:
        for n, c in zip(s["passages"], s["citations"]) if s["kept"] else ():
            if (n, c["quote"]) not in seen:
                seen.add((n, c["quote"]))
                evidence.append(f'<div class="rag-quote"><div class="n">[{n}]</div><div><blockquote>“{esc(c["quote"])}”</blockquote>'
                                f'<div class="rag-cite">{esc(c["citation"])}</div></div></div>')
    return (
        f'{STYLE}<div class="rag rag-check"><div class="rag-card rag-answer rag-verdict-ok" id="generated-answer">'
        f'<div class="rag-label">{esc(bi("模型撰写的答案（逐句核对）", "Written by the model, each sentence checked", out.get("lang", "zh")))} · {esc(g["model"])}</div>'
        f'<div class="rag-claim">{esc(g["text"])}</div>{"".join(evidence)}{removed_html}{notices}</div></div>'
    )


def generation_switch():
    """The Ask tab's switch; off and disabled (saying why) when no endpoint is configured."""
    import gradio as gr

    from rag.generate import LLMSettings

    settings = LLMSettings.from_env()
    info = f"{settings.model} @ {settings.url}" if settings.configured else "未配置 · not configured: set RAG_LLM_URL and RAG_LLM_MODEL"
    return gr.Checkbox(value=False, label="用模型撰写答案 · Write the answer with a language model", info=info,
                       interactive=settings.configured, elem_id="ask-generate")


def ask_page(handlers):
    """The Ask tab's handler with the switch: the extractive answer, and above it the model's
    verified answer when the switch is on."""
    verifier = Verifier(handlers.engine)

    def page(question: str, use_model: bool = False) -> str:
        if not use_model or not (question or "").strip():
            return handlers.ask_page(question)

        def run():
            from rag.app.ui import _terms
            from rag.generate import generate

            answer = handlers.engine.ask(question)
            out = generate(handlers.engine, verifier, question, answer=answer)
            out["notices"] = out["notices"][len(answer.notices):]  # the page's banner shows the engine's own
            extra = () if answer.found else _terms(handlers.engine, question)
            return generated_html(out) + render.answer_html(answer, handlers.index, extra)

        return _friendly(run)

    return page


def _friendly(run) -> str:
    from rag.app.ui import _friendly as friendly

    return friendly(run)


def add_tab(engine, api=None) -> None:
    """Add the Check draft tab and the `check` endpoint; call inside the Blocks' gr.Tabs()."""
    import gradio as gr

    from rag.app.api import JsonApi

    api = api or JsonApi(engine)
    verifier = Verifier(engine)

    def page(draft: str) -> str:
        if not (draft or "").strip():
            return render.message(*CHECK_PROMPT, kind="empty")
        return _friendly(lambda: report_html(check_draft(verifier, draft, engine.notices)))

    def check(draft: str | None = None) -> dict:
        """Check a draft against the replies: the JSON of `rag check --json`."""
        try:
            return api.check(draft)
        except RagError as e:
            raise gr.Error(str(e), print_exception=False) from None

    with gr.Tab("核对 Check", id="check", elem_id="tab-check"):
        box = gr.Textbox(label="草稿 Draft", lines=8, max_lines=30, elem_id="check-input", value="",
                         placeholder="粘贴要核对的段落（中文或英文）· Paste the paragraphs to check (Chinese or English) — 例如 e.g. " + EXAMPLE.split("\n")[0])
        button = gr.Button("核对 Check", variant="primary", elem_id="check-button")
        result = gr.HTML(render.message(*CHECK_PROMPT, kind="empty"), js_on_load=ON_LOAD, elem_id="check-result", elem_classes="rag-panel", apply_default_css=False)
        gr.Examples([EXAMPLE], inputs=box, label="示例 Example", api_visibility="private")
        button.click(page, box, result, api_visibility="private")
        gr.api(check, api_name="check")
