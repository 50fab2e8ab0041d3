"""End to end: the real `rag serve` driven in headless Chromium, as a reader would use it.

Needs Debian's chromium at /usr/bin/chromium (playwright's own browser download is never used).
Without it the tests skip, unless RAG_REQUIRE_BROWSER=1 (CI), where they fail. The tests take
screenshots of the Ask, Search and Documents tabs into a temporary directory; with
RAG_SCREENSHOTS=docs they refresh the ones committed in docs/ (look at them before committing)."""

import os
import re
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


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN", device_scale_factor=1)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url.rstrip("/"))
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    pg.goto(app_url)
    pg.wait_for_selector("#ask-input textarea")
    yield pg
    context.close()


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
    table.get_by_text("沪科提复〔2023〕5号", exact=True).click()
    view = page.locator("#doc-view .rag-document")
    view.wait_for()
    assert "一、关于提升科创资源集聚度" in view.locator(".rag-outline").inner_text()
    assert "2022年，上海全社会研发经费支出" in view.locator(".rag-paper").inner_text()
    page.set_viewport_size({"width": 1280, "height": 1500})  # the table and the start of the text
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
