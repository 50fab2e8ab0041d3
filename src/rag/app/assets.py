"""The page's stylesheet and the one script every HTML panel runs (copy, open, jump).

Kept as Python strings so they ship inside the package without package-data rules. Colours come
from Gradio's theme variables where they exist, so the page follows light and dark mode."""

FONT_STACK = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Noto Sans", "system-ui", "sans-serif"]
MONO_STACK = ["Noto Sans Mono CJK SC", "DejaVu Sans Mono", "ui-monospace", "monospace"]

# Runs once per gr.HTML panel (Gradio's js_on_load): one delegated click handler, so buttons in
# re-rendered HTML work without inline handlers. `trigger('open', …)` reaches the Python `.open` event.
ON_LOAD = r"""
const copyText = async (text) => {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch (err) { /* fall back below */ }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '-1000px';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch (err) { ok = false; }
  area.remove();
  return ok;
};
element.addEventListener('click', async (event) => {
  const copy = event.target.closest('[data-copy]');
  if (copy) {
    event.preventDefault();
    const ok = await copyText(copy.dataset.copy);
    copy.classList.add(ok ? 'is-copied' : 'is-failed');
    setTimeout(() => copy.classList.remove('is-copied', 'is-failed'), 1800);
    return;
  }
  const open = event.target.closest('[data-open]');
  if (open) {
    event.preventDefault();
    trigger('open', {doc: open.dataset.open, chunk: open.dataset.chunk || '', start: open.dataset.start || '', end: open.dataset.end || ''});
    return;
  }
  const jump = event.target.closest('[data-jump]');
  if (jump) {
    event.preventDefault();
    const target = element.querySelector('#' + CSS.escape(jump.dataset.jump));
    if (target) target.scrollIntoView({behavior: 'smooth', block: 'start'});
  }
});
const motion = () => (window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth');
const focusPassage = () => setTimeout(() => {
  const target = element.querySelector('.rag-focus');
  if (target && target.offsetParent !== null) target.scrollIntoView({behavior: motion(), block: 'center'});
}, 120);
// A new answer, result list or opened reply whose top is below the middle of the screen (on a phone,
// under the examples or the table) or above it is brought into view; one in view is left where it is.
const showResult = () => setTimeout(() => {
  const result = element.querySelector('.rag-result, .rag-error, .rag-document');
  if (!result || result.offsetParent === null) return;
  const top = result.getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight * 0.5) result.scrollIntoView({behavior: motion(), block: 'start'});
}, 60);
watch('value', () => { focusPassage(); showResult(); });
focusPassage();
"""

# Gradio scopes CSS to the blocks inside its container; the page's outer padding is outside them,
# so that rule goes into <head> as it is.
HEAD = """<style>@media (max-width: 640px) { .gradio-container .main.app { padding-left: 10px !important; padding-right: 10px !important; } }</style>"""

CSS = r"""
/* Gradio's accent (the selected tab) has one value for both schemes; red-700 is too dark on the dark background */
.dark { --color-accent: #f87171; }

/* colours: one palette per scheme, every text at ≥ 4.5:1 on its background (checked by the browser tests) */
.rag {
  --rag-accent: #b91c1c; --rag-accent-text: #991b1b; --rag-key-big: #7f1d1d;
  --rag-docno-text: #991b1b; --rag-docno-bg: #fef2f2; --rag-docno-border: #fecaca; --rag-docno-hover: #fee2e2;
  --rag-mark-text: #1e293b; --rag-term-bg: #dbeafe; --rag-quote-bg: #fef3c7; --rag-passage-bg: #e0e7ff;
  --rag-key-bg: #fde68a; --rag-key-text: #78350f; --rag-key-line: #d97706;
  --rag-warn-bg: #fffbeb; --rag-warn-border: #fcd34d; --rag-warn-text: #78350f; --rag-warn-meta: #92400e;
  --rag-blue: #1d4ed8; --rag-blue-line: #93c5fd; --rag-violet: #6d28d9; --rag-violet-line: #c4b5fd;
  --rag-green: #15803d; --rag-green-line: #86efac; --rag-focus: #6366f1;
}
.dark .rag {
  --rag-accent: #ef4444; --rag-accent-text: #fca5a5; --rag-key-big: #fca5a5;
  --rag-docno-text: #fecaca; --rag-docno-bg: #450a0a; --rag-docno-border: #991b1b; --rag-docno-hover: #7f1d1d;
  --rag-mark-text: #f8fafc; --rag-term-bg: #1e3a8a; --rag-quote-bg: #713f12; --rag-passage-bg: #312e81;
  --rag-key-bg: #fcd34d; --rag-key-text: #451a03; --rag-key-line: #f59e0b;
  --rag-warn-bg: #422006; --rag-warn-border: #a16207; --rag-warn-text: #fde68a; --rag-warn-meta: #fcd34d;
  --rag-blue: #93c5fd; --rag-blue-line: #1d4ed8; --rag-violet: #c4b5fd; --rag-violet-line: #6d28d9;
  --rag-green: #86efac; --rag-green-line: #15803d; --rag-focus: #818cf8;
}

.gradio-container { max-width: 1180px !important; margin: 0 auto !important; }
.rag, .rag * { box-sizing: border-box; }
.rag { font-size: 15px; line-height: 1.75; color: var(--body-text-color); }
.rag button { font: inherit; }

/* header and banner */
.rag-head { display: flex; align-items: flex-end; justify-content: space-between; gap: 8px 16px; flex-wrap: wrap;
  padding: 2px 2px 10px; border-bottom: 3px solid var(--rag-accent); }
.rag-head h1 { font-size: 24px; margin: 0; letter-spacing: .02em; font-weight: 700; line-height: 1.35; }
.rag-head h1 small { display: block; font-size: 14px; font-weight: 400; color: var(--body-text-color-subdued); letter-spacing: 0; }
.rag-stats { display: flex; gap: 8px; flex-wrap: wrap; }
.rag-stat { font-size: 13px; padding: 2px 10px; border-radius: 999px; background: var(--background-fill-secondary);
  border: 1px solid var(--border-color-primary); color: var(--body-text-color-subdued); white-space: nowrap; }
.rag-stat b { color: var(--body-text-color); font-weight: 600; }
.rag-banner { display: flex; gap: 10px; align-items: flex-start; padding: 7px 14px; border-radius: 8px; margin: 10px 0 0;
  background: var(--rag-warn-bg); border: 1px solid var(--rag-warn-border); color: var(--rag-warn-text); font-size: 14px; line-height: 1.6; }
.rag-banner .rag-icon { font-size: 16px; line-height: 1.4; }
.rag-banner b { font-weight: 600; }
.rag-banner .rag-meta { color: var(--rag-warn-meta); font-size: 12px; }
.rag-bar { align-items: stretch; }
.rag-bar textarea { font-size: 16px !important; padding: 10px 14px !important; }
.rag-bar button { font-size: 16px; }
.rag-panel .html-container { padding: 0 !important; }
svg.rag-ico { display: inline-block; width: 14px; height: 14px; vertical-align: -2px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }

/* cards */
.rag-card { border: 1px solid var(--border-color-primary); border-radius: 10px; background: var(--block-background-fill);
  padding: 14px 18px; margin: 0 0 12px; }
.rag-card-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; margin-bottom: 6px; }
.rag-title { font-weight: 600; }
.rag-meta { color: var(--body-text-color-subdued); font-size: 13px; }
.rag-section { color: var(--body-text-color-subdued); font-size: 13px; margin: -2px 0 6px; }
.rag-section::before { content: "§ "; }
.rag-docno { display: inline-block; font-weight: 600; color: var(--rag-docno-text); background: var(--rag-docno-bg); border: 1px solid var(--rag-docno-border);
  border-radius: 6px; padding: 0 8px; font-size: 14px; white-space: nowrap; }
.rag-rank { display: inline-grid; place-items: center; min-width: 26px; height: 26px; border-radius: 999px; font-size: 13px;
  font-weight: 700; background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary); }
.rag-chip { font-size: 12px; padding: 0 8px; border-radius: 999px; border: 1px solid var(--border-color-primary);
  color: var(--body-text-color-subdued); white-space: nowrap; }
.rag-chip.ch-lexical { border-color: var(--rag-blue-line); color: var(--rag-blue); }
.rag-chip.ch-crosslingual { border-color: var(--rag-violet-line); color: var(--rag-violet); }
.rag-chip.ch-dense { border-color: var(--rag-green-line); color: var(--rag-green); }
.rag-passage { margin: 4px 0 2px; white-space: pre-line; word-break: break-word; }
.rag-passage .rag-gap { color: var(--body-text-color-subdued); }
.rag-actions { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 10px; }
.rag-btn { cursor: pointer; border: 1px solid var(--border-color-primary); background: var(--background-fill-primary);
  color: var(--body-text-color); border-radius: 7px; padding: 2px 12px; font-size: 13px; line-height: 1.9; }
.rag-btn:hover { border-color: var(--rag-accent); color: var(--rag-accent-text); }
.rag-btn .done, .rag-btn .fail { display: none; }
.rag-btn.is-copied { border-color: var(--rag-green-line); color: var(--rag-green); }
.rag-btn.is-copied .idle, .rag-btn.is-failed .idle { display: none; }
.rag-btn.is-copied .done, .rag-btn.is-failed .fail { display: inline; }
details.rag-more > summary { cursor: pointer; color: var(--body-text-color-subdued); font-size: 13px; margin-top: 6px; }
details.rag-more[open] > summary { margin-bottom: 4px; }

/* highlights */
mark.m-term { background: var(--rag-term-bg); color: var(--rag-mark-text); border-radius: 3px; padding: 0 1px; }
mark.m-quote { background: var(--rag-quote-bg); color: var(--rag-mark-text); border-radius: 3px; }
mark.m-key { background: var(--rag-key-bg); color: var(--rag-key-text); font-weight: 700; border-bottom: 2px solid var(--rag-key-line); border-radius: 3px 3px 0 0; }
mark.m-passage { background: var(--rag-passage-bg); color: var(--rag-mark-text); }
mark.m-passage.m-quote { background: var(--rag-key-bg); color: var(--rag-key-text); }
.rag-paper .rag-focus { border-left: 3px solid var(--rag-focus); padding-left: 8px; margin-left: -11px; }
mark.lead { background: none; color: inherit; font-weight: 600; }

/* answer */
.rag-answer { border-left: 4px solid var(--rag-accent); }
.rag-label { font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: var(--body-text-color-subdued); font-weight: 600; }
.rag-key { font-size: 34px; font-weight: 700; line-height: 1.3; margin: 2px 0 4px; color: var(--rag-key-big); overflow-wrap: anywhere; }
.rag-key-src { font-size: 14px; color: var(--body-text-color-subdued); margin-bottom: 8px; }
.rag-items-title { font-size: 18px; font-weight: 700; margin: 4px 0 8px; color: var(--body-text-color); }
.rag-items { margin: 0 0 10px 1.4em; padding: 0; }
.rag-items li { margin: 2px 0; }
.rag-confidence { font-size: 13px; color: var(--body-text-color-subdued); margin-top: 6px; }
.rag-quote { display: grid; grid-template-columns: 30px 1fr; gap: 2px 6px; padding: 10px 0; border-top: 1px dashed var(--border-color-primary); }
.rag-quote:first-of-type { border-top: none; }
.rag-quote .n { font-weight: 700; color: var(--rag-accent-text); font-size: 13px; padding-top: 3px; }
.rag-quote blockquote { margin: 0; font-size: 16px; }
.rag-cite { font-size: 13px; color: var(--body-text-color-subdued); margin-top: 4px; overflow-wrap: anywhere; }
.rag-notfound { border-left: 4px solid var(--border-color-primary); }
.rag-notfound h3 { margin: 0 0 4px; font-size: 18px; }
.rag-h { font-size: 15px; font-weight: 600; margin: 18px 0 8px; display: flex; gap: 8px; align-items: baseline; }
.rag-h .rag-note { margin-left: auto; }
.rag-h small { font-weight: 400; color: var(--body-text-color-subdued); font-size: 13px; }
.rag-empty { color: var(--body-text-color-subdued); text-align: center; padding: 36px 12px; border: 1px dashed var(--border-color-primary); border-radius: 10px; }
.rag-error { border-left: 4px solid var(--rag-key-line); background: var(--rag-warn-bg); color: var(--rag-warn-text); }
.rag-error b, .rag-empty b { display: block; margin-bottom: 2px; }

/* documents */
.rag-table { width: 100%; border-collapse: collapse; font-size: 14px; }
.rag-table th { text-align: left; font-weight: 600; font-size: 13px; color: var(--body-text-color-subdued);
  border-bottom: 2px solid var(--border-color-primary); padding: 6px 10px; white-space: nowrap; }
.rag-table td { border-bottom: 1px solid var(--border-color-primary); padding: 8px 10px; vertical-align: top; line-height: 1.55; }
.rag-table tr.is-open td { background: var(--background-fill-secondary); }
.rag-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.rag-table td.nowrap { white-space: nowrap; }
.rag-table button.rag-docno { cursor: pointer; }
.rag-table button.rag-docno:hover { background: var(--rag-docno-hover); }
.rag-doc { display: grid; grid-template-columns: 240px 1fr; gap: 20px; margin-top: 8px; }
@media (max-width: 820px) { .rag-doc { grid-template-columns: 1fr; } .rag-outline { position: static !important; } }
.rag-outline { position: sticky; top: 8px; align-self: start; max-height: 80vh; overflow: auto; font-size: 13px; line-height: 1.5;
  border-right: 1px solid var(--border-color-primary); padding-right: 12px; }
.rag-outline a { display: block; padding: 4px 6px; border-radius: 5px; color: var(--body-text-color); text-decoration: none; cursor: pointer; }
.rag-outline a:hover { background: var(--background-fill-secondary); }
.rag-outline a.d2 { padding-left: 18px; color: var(--body-text-color-subdued); }
.rag-outline a.d3 { padding-left: 30px; color: var(--body-text-color-subdued); }
.rag-paper { max-width: 760px; }
.rag-paper .org { text-align: center; color: var(--rag-accent-text); font-size: 24px; font-weight: 700; letter-spacing: .12em; margin: 4px 0; }
.rag-paper .no { text-align: center; color: var(--body-text-color-subdued); margin: 0 0 4px; }
.rag-paper .ttl { text-align: center; font-size: 19px; font-weight: 700; margin: 8px 0 14px; padding-top: 10px; border-top: 2px solid var(--rag-accent); }
.rag-paper .to { font-weight: 600; margin: 6px 0; }
.rag-paper p { margin: 0 0 10px; text-indent: 2em; }
.rag-paper h3 { font-size: 16px; font-weight: 700; margin: 18px 0 8px; }
.rag-paper h4 { font-size: 15px; font-weight: 700; margin: 12px 0 6px; }
.rag-paper .lead { font-weight: 600; }
.rag-paper .foot { text-indent: 0; text-align: right; color: var(--body-text-color-subdued); font-size: 14px; margin: 0 0 4px; }
.rag-paper .foot.cc { text-align: left; }
.rag-docmeta { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 14px; margin-top: 4px; }
.rag-docmeta span { color: var(--body-text-color-subdued); }

/* phones: nothing wider than the screen; the table of replies becomes one card per reply */
@media (max-width: 640px) {
  .rag-head h1 { font-size: 20px; }
  .rag-head h1 small { font-size: 13px; }
  .rag-banner { font-size: 13px; padding: 6px 10px; }
  .rag-card { padding: 12px; }
  .rag-key { font-size: 28px; }
  .rag-quote { grid-template-columns: 24px 1fr; }
  .rag-h { flex-wrap: wrap; }
  .rag-h .rag-note { margin-left: 0; flex-basis: 100%; }
  .rag-table thead { display: none; }
  .rag-table, .rag-table tbody, .rag-table tr { display: block; width: 100%; }
  .rag-table tr { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px; margin: 0 0 10px; }
  .rag-table tr.is-open { background: var(--background-fill-secondary); }
  .rag-table td, .rag-table tr.is-open td { display: block; border: none; padding: 2px 0; background: none; }
  .rag-table td.nowrap, .rag-table td.num { display: inline-block; margin-right: 14px; text-align: left; }
  .rag-table td[data-label]::before { content: attr(data-label) "："; color: var(--body-text-color-subdued); font-size: 12px; }
  .rag-paper .org { font-size: 20px; letter-spacing: .06em; }
  /* four tabs on a phone's width: tighter, so that none is folded into Gradio's overflow menu */
  .tab-container button, [role="tablist"] button { padding-left: 6px; padding-right: 6px; font-size: 14px; }
}
"""
