"""End to end: the real `rag serve` driven in headless Chromium, as a reader would use it.

Needs Debian's chromium at /usr/bin/chromium (playwright's own browser download is never used).
Without it the tests skip, unless RAG_REQUIRE_BROWSER=1 (CI), where they fail. The tests take
screenshots of the Ask, Search and Documents tabs into a temporary directory; with
RAG_SCREENSHOTS=docs they refresh the ones committed in docs/ (look at them before committing)."""

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from rag.app.process import running_app

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 120_000  # generous: a cold CI machine; nothing here measures speed
ALL_DOC_NUMBERS = ["沪科提复〔2023〕50号", "沪科提复〔2023〕42号", "沪科提复〔2023〕5号", "沪科建复〔2023〕15号", "沪科建复〔2024〕31号"]
HEADLINE = "How many foreign R&D centres are there?"
HEADLINE_CITATION = "《上海市科学技术委员会对市政协十四届一次会议第0982号提案的答复》（沪科提复〔2023〕50号，2023年8月14日）"


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: a temporary directory, or docs/ when RAG_SCREENSHOTS=docs."""
    return ROOT / "docs" if os.environ.get("RAG_SCREENSHOTS") == "docs" else tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; install it with `apt-get install -y chromium fonts-noto-cjk`"
        if os.environ.get("RAG_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("app")
    env = {"RAG_MODEL": "none", "RAG_INDEX_DIR": str(tmp / "index"), "RAG_CORPUS_DIR": str(ROOT / "corpus"), "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    with running_app(env, log_path=tmp / "serve.log") as url:
        yield url


@contextmanager
def open_page(browser, app_url, width: int = 1280, scheme: str = "light"):
    """The app in a new browser context: a desktop window (1280 px) or a phone (390 × 844, touch)."""
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 1000}, locale="zh-CN", device_scale_factor=1,
        color_scheme=scheme, is_mobile=phone, has_touch=phone,
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url.rstrip("/"))
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    pg.goto(app_url)
    pg.wait_for_selector("#ask-input textarea")
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def page(browser, app_url):
    with open_page(browser, app_url) as pg:
        yield pg


def ask(page, question: str):
    page.fill("#ask-input textarea", question)
    page.click("#ask-button")
    page.wait_for_selector("#ask-result .rag-result, #ask-result .rag-error")
    return page.locator("#ask-result")


def open_tab(page, name: str):
    page.get_by_role("tab", name=re.compile(name)).click()


def test_headline_question_is_answered_with_its_source(page, shots):
    result = ask(page, HEADLINE)
    page.wait_for_selector("#ask-result .rag-answer .rag-key")
    assert "453" in result.locator(".rag-key").inner_text()
    text = result.inner_text()
    assert "沪科提复〔2023〕50号" in text
    assert result.locator(".rag-answer mark.m-key").first.inner_text().startswith("453")
    assert result.locator(".rag-source mark.m-quote").count() >= 1  # the quoted sentence marked in its source card
    page.screenshot(path=str(shots / "ask.png"))


def test_copy_button_puts_the_citation_on_the_clipboard(page):
    result = ask(page, HEADLINE)
    button = result.locator(".rag-answer [data-copy]").first
    button.click()
    page.wait_for_selector("#ask-result .rag-answer .is-copied")
    assert page.evaluate("navigator.clipboard.readText()") == HEADLINE_CITATION


def test_unanswerable_question_shows_not_found_with_nearest_passages(page):
    result = ask(page, "上海的地铁有多少条线路？")
    page.wait_for_selector('#ask-result [data-found="false"]')
    text = result.inner_text()
    assert "未在这些答复中找到答案" in text and "Not found in these documents" in text
    assert result.locator(".rag-source").count() >= 1  # the nearest passages are still shown


def test_bad_input_gets_a_message_in_the_page(page):
    result = ask(page, "研发" * 1001)
    page.wait_for_selector("#ask-result .rag-error")
    assert "2,000" in result.inner_text()
    assert page.locator(".toast-body, .error").count() == 0  # no error toast or error page


def test_documents_tab_lists_every_reply_and_opens_one(page, shots):
    open_tab(page, "Documents")
    table = page.locator("#doc-table")
    table.locator("tbody tr").first.wait_for()
    for number in ALL_DOC_NUMBERS:
        assert table.get_by_text(number, exact=True).count() == 1, number
    page.set_viewport_size({"width": 1280, "height": 1500})  # the table and the start of the text, unscrolled
    table.get_by_text("沪科提复〔2023〕5号", exact=True).click()
    view = page.locator("#doc-view .rag-document")
    view.wait_for()
    assert "一、关于提升科创资源集聚度" in view.locator(".rag-outline").inner_text()
    assert "2022年，上海全社会研发经费支出" in view.locator(".rag-paper").inner_text()
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "documents.png"))


def test_search_ranks_passages_and_opens_one_in_its_document(page, shots):
    open_tab(page, "Search")
    page.fill("#search-input textarea", "揭榜挂帅")
    page.click("#search-button")
    page.wait_for_selector("#search-result .rag-hit")
    hits = page.locator("#search-result .rag-hit")
    assert hits.count() >= 3
    first = hits.first
    assert "score" in first.inner_text() and "lexical #1" in first.inner_text()
    assert first.locator("mark.m-term").count() >= 1
    page.screenshot(path=str(shots / "search.png"))
    doc_number = first.locator(".rag-docno").inner_text()
    first.locator("[data-open]").click()
    view = page.locator("#doc-view .rag-document")
    view.wait_for()
    assert doc_number in view.locator(".rag-card-head").inner_text()
    assert view.locator(".rag-focus mark.m-passage").count() >= 1


def test_search_filters_by_year(page):
    open_tab(page, "Search")
    page.fill("#search-input textarea", "揭榜挂帅")
    page.locator("#search-year input").fill("2024")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-result .rag-hit")
    numbers = page.locator("#search-result .rag-hit .rag-docno").all_inner_texts()
    assert numbers and all("2024" in n for n in numbers)


def test_clicking_an_example_asks_it(page):
    page.locator("#tab-ask").get_by_text("2022年研发经费占GDP比重是多少？", exact=True).click()
    page.wait_for_selector("#ask-result .rag-answer .rag-key")
    assert "4.2%" in page.locator("#ask-result .rag-key").inner_text()


def test_unknown_document_number_gets_a_message_in_the_page(page):
    open_tab(page, "Search")
    page.fill("#search-input textarea", "揭榜挂帅")
    page.locator("#search-doc input").fill("沪科提复〔2099〕1号")
    page.click("#search-button")
    page.wait_for_selector("#search-result .rag-error")
    assert "unknown 文号" in page.locator("#search-result").inner_text()


# -- phone (390 px) and dark mode ------------------------------------------------------------------

LAYOUTS = [(1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")]

# WCAG 2 contrast of every visible piece of text against the colour behind it: the element's own
# background, or the nearest ancestor's, composited over the page (alpha and opacity included).
CONTRAST_JS = r"""
() => {
  const rgba = (c) => { const p = (c.match(/rgba?\(([^)]+)\)/) || [null, '0 0 0 0'])[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const over = (top, under) => { const a = top.a + under.a * (1 - top.a); const mix = (k) => (top[k] * top.a + under[k] * under.a * (1 - top.a)) / a;
    return {r: mix('r'), g: mix('g'), b: mix('b'), a}; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const page = () => { const b = rgba(getComputedStyle(document.body).backgroundColor); return b.a > 0 ? over(b, {r: 255, g: 255, b: 255, a: 1}) : {r: 255, g: 255, b: 255, a: 1}; };
  const behind = (el) => { const layers = []; for (let e = el; e && e !== document.body; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor); if (c.a > 0) layers.push(c); if (c.a >= 1) break; }
    return layers.reverse().reduce((bg, layer) => over(layer, bg), page()); };
  const shown = (el) => { let opacity = 1; for (let e = el; e; e = e.parentElement) { const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden') return 0; opacity *= parseFloat(s.opacity); } return opacity; };
  const out = [], seen = new Set(), walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || seen.has(el) || el.closest('script, style, .sr-only')) continue;
    seen.add(el);
    const box = el.getBoundingClientRect(), opacity = shown(el);
    if (!box.width || !box.height || !opacity) continue;
    const bg = behind(el), fg = rgba(getComputedStyle(el).color);
    const text = over({...fg, a: fg.a * opacity}, bg), [hi, lo] = [lum(text), lum(bg)].sort((x, y) => y - x);
    out.push({text: n.textContent.trim().slice(0, 30), cls: String(el.className).slice(0, 40), ratio: (hi + 0.05) / (lo + 0.05)});
  }
  return out;
}
"""


def unreadable(page) -> list[dict]:
    texts = page.evaluate(CONTRAST_JS)
    assert len(texts) > 20  # the check saw the page
    return [t for t in texts if t["ratio"] < 4.5]


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width, scheme", LAYOUTS, ids=[f"{w}-{s}" for w, s in LAYOUTS])
def test_every_text_is_readable_and_nothing_overflows(browser, app_url, width, scheme):
    with open_page(browser, app_url, width, scheme) as page:
        states = {"start": lambda: None}
        states["answer"] = lambda: ask(page, HEADLINE).locator(".rag-answer .rag-key").wait_for()
        states["not found"] = lambda: ask(page, "上海的地铁有多少条线路？").locator('[data-found="false"]').wait_for()
        states["bad input"] = lambda: ask(page, "研发" * 1001).locator(".rag-error").wait_for()

        def search():
            open_tab(page, "Search")
            page.fill("#search-input textarea", "揭榜挂帅")
            page.click("#search-button")
            page.wait_for_selector("#search-result .rag-hit")

        def document():
            open_tab(page, "Documents")
            page.locator("#doc-table").get_by_text("沪科提复〔2023〕5号", exact=True).click()
            page.wait_for_selector("#doc-view .rag-document")

        states.update({"search": search, "document": document})
        for state, reach in states.items():
            reach()
            page.wait_for_timeout(300)  # let the scroll and the transitions settle
            assert unreadable(page) == [], f"{state}, {width} px, {scheme}"
            assert overflow(page) <= 0, f"{state}, {width} px, {scheme}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_answer_is_scrolled_into_view(browser, app_url, scheme, shots):
    with open_page(browser, app_url, 390, scheme) as page:
        before = page.locator("#ask-result").bounding_box()["y"]
        assert before > 844 * 0.5  # under the examples: the reader would not see it
        ask(page, HEADLINE).locator(".rag-answer .rag-key").wait_for()
        page.wait_for_function("() => { const r = document.querySelector('#ask-result .rag-result').getBoundingClientRect(); return r.top >= -2 && r.top < innerHeight / 2; }")
        page.wait_for_timeout(600)  # the smooth scroll ends
        top = page.evaluate("document.querySelector('#ask-result .rag-answer').getBoundingClientRect().top")
        assert -2 <= top < 844 * 0.5
        page.screenshot(path=str(shots / f"phone-ask{'-dark' if scheme == 'dark' else ''}.png"))


def test_on_a_phone_the_documents_table_reads_as_cards(browser, app_url, shots):
    with open_page(browser, app_url, 390, "light") as page:
        open_tab(page, "Documents")
        rows = page.locator("#doc-table tbody tr")
        rows.first.wait_for()
        assert rows.count() == len(ALL_DOC_NUMBERS)
        for i in range(rows.count()):
            box = rows.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
            title = rows.nth(i).locator("td").nth(1).bounding_box()
            assert title["width"] >= 0.75 * box["width"] - 30  # a title line, not 3–4 characters per line
        page.screenshot(path=str(shots / "phone-documents.png"))
        rows.nth(2).locator("button.rag-docno").click()
        view = page.locator("#doc-view .rag-document")
        view.wait_for()
        page.wait_for_function("() => { const r = document.querySelector('#doc-view .rag-document').getBoundingClientRect(); return r.top >= -2 && r.top < innerHeight / 2; }")
        assert overflow(page) <= 0


def test_dark_mode_screenshot(browser, app_url, shots):
    with open_page(browser, app_url, 1280, "dark") as page:
        ask(page, HEADLINE).locator(".rag-answer .rag-key").wait_for()
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / "dark-ask.png"))
