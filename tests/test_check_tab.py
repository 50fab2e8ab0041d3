"""The 核对 Check draft tab: its HTML (escaped, badges, Markdown to copy), its API endpoint (the JSON
of `rag check --json`), the Ask tab's switch for generated answers, and the tab in a real browser."""

import json
import os
import subprocess
import sys

import pytest

from conftest import CORPUS
from llm_server import Reply, ScriptedLLM, passage_number
from rag.app.check_tab import generated_html, report_html
from rag.app.process import running_app
from rag.draft import check_draft
from rag.verify import Verifier

CLEAN = "截至目前，上海累计成立外资研发中心450家。2022年，上海全社会研发经费支出占GDP的比重达4.2%。\nShanghai has more than 22,000 high-tech enterprises. 市科委计划到2025年建成100家概念验证中心。"
DRAFT = "截至目前，上海累计成立外资研发中心450家。有效期内高新技术企业突破2.2万家。\n市科委计划建成100家<script>alert('x')</script>概念验证中心。"


@pytest.fixture(scope="module")
def report(engine):
    return check_draft(Verifier(engine), DRAFT)


def test_report_html_has_a_badge_per_claim_in_order_and_escapes_everything(report):
    html = report_html(report)
    verdicts = [v for v in ("contradicted", "supported", "not_found")]
    positions = [html.index(f'data-verdict="{v}"') for v in verdicts]
    assert positions == sorted(positions)
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert 'class="rag-badge bad"' in html and "与答复不符 · Contradicted" in html
    assert '<mark class="m-key">453 家</mark>' in html  # the reply's figure marked in its quote
    assert 'id="check-markdown"' in html and "[^1]" in html and "参考文献 References" in html
    assert "复制 Markdown · Copy Markdown" in html


def test_generated_html_escapes_and_lists_removed_sentences():
    out = {"lang": "en", "notices": ["1 of 2 generated sentences removed: not supported by the passages"], "generated": {
        "text": "Shanghai has 453 centres [1]. <b>x</b>", "model": "m<1>",
        "sentences": [{"text": "It has 543 <i>centres</i>.", "kept": False, "verdict": "contradicted", "note": "the reply's figure is 453 家"}]}}
    html = generated_html(out)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html and "m&lt;1&gt;" in html
    assert 'class="rag-removed" data-verdict="contradicted"' in html and "453 家" in html
    assert "Removed sentences" in html and "1 of 2 generated sentences removed" in html
    fallback = generated_html({"notices": ["cannot reach the language model; showing the extractive answer"], "generated": None})
    assert "cannot reach" in fallback and "rag-banner" in fallback


# -- the running app --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def llm():
    def script(messages):
        return Reply(f"Shanghai has set up 453 foreign R&D centres so far [{passage_number(messages, '453 家')}]. It also runs 900 quantum labs [1].")

    with ScriptedLLM(script) as server:
        yield server


@pytest.fixture(scope="module")
def app(tmp_path_factory, llm):
    tmp = tmp_path_factory.mktemp("check-app")
    env = {"RAG_MODEL": "none", "RAG_INDEX_DIR": str(tmp / "index"), "RAG_CORPUS_DIR": str(CORPUS), "GRADIO_ANALYTICS_ENABLED": "False",
           "HF_HUB_OFFLINE": "1", "RAG_LLM_URL": llm.url, "RAG_LLM_MODEL": "scripted", "RAG_LLM_API_KEY": "sk-app-secret"}
    with running_app(env, log_path=tmp / "serve.log") as url:
        yield url, env


@pytest.mark.slow
def test_check_endpoint_returns_the_cli_json(app):
    from gradio_client import Client

    url, env = app
    api = Client(url, verbose=False).predict(DRAFT, api_name="/check")
    cli = subprocess.run([sys.executable, "-m", "rag", "check", "-", "--json"], input=DRAFT, env={**os.environ, **env}, capture_output=True, text=True, check=True)
    assert api == json.loads(cli.stdout)
    assert [c["verdict"] for c in api["claims"]] == ["contradicted", "supported", "not_found"]


@pytest.mark.slow
def test_check_tab_and_generation_switch_in_the_browser(app, tmp_path_factory):
    from test_app_browser import CHROMIUM, CHROMIUM_ARGS, WAIT_MS

    if not CHROMIUM.exists():
        if os.environ.get("RAG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    url, _ = app
    shots = tmp_path_factory.mktemp("shots") if os.environ.get("RAG_SCREENSHOTS") != "docs" else CORPUS.parent / "docs"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(url)
        page.get_by_role("tab", name="核对 Check").click()
        page.fill("#check-input textarea", CLEAN)
        page.click("#check-button")
        page.wait_for_selector("#check-result .rag-check")
        page.locator("#tab-check").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "check.png"), full_page=False)
        page.fill("#check-input textarea", DRAFT)
        page.click("#check-button")
        result = page.locator("#check-result")
        result.get_by_text("alert('x')").first.wait_for()  # the new report, not the last one
        assert result.locator(".rag-badge").all_inner_texts() == ["与答复不符 · Contradicted", "有据 · Supported", "未找到依据 · Not found"]
        assert "<script>alert('x')</script>" in result.inner_text()  # shown as text, never run
        result.locator("[data-copy]").last.click()
        page.wait_for_selector("#check-result .is-copied")
        assert "[^1]" in page.evaluate("navigator.clipboard.readText()")
        # the Ask tab's switch: the model's answer, checked, above the quotes
        page.get_by_role("tab", name="问答 Ask").click()
        page.locator("#ask-generate input").check()
        page.fill("#ask-input textarea", "How many foreign R&D centres are there?")
        page.click("#ask-button")
        page.wait_for_selector("#ask-result #generated-answer")
        generated = page.locator("#generated-answer").inner_text()
        assert "Shanghai has set up 453 foreign R&D centres so far" in generated and "quantum" not in generated.split("Removed")[0]
        assert page.locator("#ask-result .rag-answer .rag-key").count() == 1  # the extractive answer stays as evidence
        assert "sk-app-secret" not in page.content()
        page.screenshot(path=str(shots / "ask-generated.png"), full_page=False)
        browser.close()
