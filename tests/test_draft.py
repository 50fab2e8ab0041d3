"""Checking a draft: splitting into claims, the report, and Markdown that renders as footnotes and a
reference list (rendered here with markdown-it and its footnote plugin, as GitHub-style viewers do)."""

import re

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from rag.draft import check_draft, md_escape, split_claims, to_markdown, to_text, validate_draft
from rag.errors import InputError
from rag.verify import Verifier

DRAFT = """# 上海科技创新简况

截至目前，上海累计成立外资研发中心453家。2022年，上海全社会研发经费支出占GDP的比重达4.5%。
市科委计划到2030年建成300家概念验证中心。

- Shanghai has set up 453 foreign R&D centres so far.
- 沪科建复〔2024〕31号的联系人是葛梦然，联系电话23112526。

```
代码块中的453家不是论断。
```

| 指标 | 数值 |
|---|---|
| 外资研发中心 | 453家 |
"""


def render(md: str) -> str:
    return MarkdownIt("commonmark").use(footnote_plugin).enable("table").render(md)


@pytest.fixture(scope="module")
def report(engine):
    return check_draft(Verifier(engine), DRAFT, engine.notices)


def test_claims_are_sentences_of_prose_only():
    claims = split_claims(DRAFT)
    assert [c.text for c in claims] == [
        "截至目前，上海累计成立外资研发中心453家。",
        "2022年，上海全社会研发经费支出占GDP的比重达4.5%。",
        "市科委计划到2030年建成300家概念验证中心。",
        "Shanghai has set up 453 foreign R&D centres so far.",
        "沪科建复〔2024〕31号的联系人是葛梦然，联系电话23112526。",
    ]
    for c in claims:
        assert DRAFT[c.start:c.end] == c.text


def test_english_sentences_split_at_full_stops_not_inside_numbers_or_abbreviations():
    text = "The share was 4.2% in 2022. It is listed as No. 5 in the report! Is it, e.g. the largest? Yes."
    assert [c.text for c in split_claims(text)] == ["The share was 4.2% in 2022.", "It is listed as No. 5 in the report!", "Is it, e.g. the largest?"]


def test_verdicts_in_draft_order(report):
    assert [c.verdict.verdict for c in report.checked] == ["supported", "contradicted", "not_found", "supported", "supported"]
    contradicted = report.checked[1].verdict
    assert "4.2%" in contradicted.note and contradicted.citations[0].doc_number == "沪科提复〔2023〕5号"


def test_json_contract(report):
    d = report.to_dict()
    assert list(d) == ["claims", "references", "notices"]
    for c in d["claims"]:
        assert {"text", "verdict", "citations", "note"} <= set(c)
        assert c["verdict"] in ("supported", "contradicted", "not_found")
        for cit in c["citations"]:
            assert {"doc_number", "title", "section", "quote", "citation"} <= set(cit)
    assert [r["doc_number"] for r in d["references"]] == ["沪科提复〔2023〕50号", "沪科建复〔2024〕31号"]
    ref = d["references"][0]
    assert ref["reference"] == "上海市科学技术委员会. 上海市科学技术委员会对市政协十四届一次会议第0982号提案的答复: 沪科提复〔2023〕50号[A]. 上海: 上海市科学技术委员会, 2023-08-14."


def test_markdown_renders_footnotes_marks_and_references(report):
    md = to_markdown(report)
    html = render(md)
    # every supported or contradicted claim has a footnote reference that links to its note
    refs = re.findall(r'<sup class="footnote-ref"><a href="#fn(\d+)"', html)
    assert refs == ["1", "2", "3", "4"]
    notes = re.findall(r'<li id="fn(\d+)" class="footnote-item">(.*?)</li>', html, re.S)
    assert [n for n, _ in notes] == ["1", "2", "3", "4"]
    assert "截止目前，上海累计成立外资研发中心 453 家。" in notes[0][1]
    assert "核对原文" in notes[1][1]  # the contradicted claim's note sends the reader to the reply
    # contradicted and unsupported claims are marked in bold, never silently cited
    assert "比重达4.5%。 <strong>[⚠ 与答复不符：答复的数字是“4.2%”，不是“4.5%”（沪科提复〔2023〕5号）]</strong>" in html
    assert "市科委计划到2030年建成300家概念验证中心。 <strong>[⚠ 答复中未找到依据]</strong>" in html
    # the draft's own structure survives: heading, list, code block, table
    assert "<h1>上海科技创新简况</h1>" in html and "<li>Shanghai has set up 453" in html
    assert "<code>代码块中的453家不是论断。" in html and "<table>" in html
    # the reference list: GB/T 7714 entries, brackets escaped so they are not links
    assert "<strong>参考文献 References</strong>" in html
    assert "[1] 上海市科学技术委员会. 上海市科学技术委员会对市政协十四届一次会议第0982号提案的答复: 沪科提复〔2023〕50号[A]. 上海: 上海市科学技术委员会, 2023-08-14." in html
    assert "[2] 上海市科学技术委员会. 上海市科学技术委员会对市十六届人大二次会议第0134号代表建议的答复: 沪科建复〔2024〕31号[A]." in html


def test_markdown_footnotes_continue_after_the_drafts_own(engine):
    draft = "前人已有研究。[^1]\n\n截至目前，上海累计成立外资研发中心453家。\n\n[^1]: 某文献。\n"
    md = to_markdown(check_draft(Verifier(engine), draft))
    assert "453家。[^2]" in md and "[^1]: 某文献。" in md
    html = render(md)
    assert len(re.findall(r'class="footnote-item"', html)) == 2


def test_markdown_escapes_text_from_the_replies():
    assert md_escape("a*b_[c]<d>`e`#|") == r"a\*b\_\[c\]\<d\>\`e\`\#\|"
    assert render(md_escape("*not emphasis* [not a link](x) <b>not html</b>")).count("<em>") == 0


def test_text_report_lists_each_claim(report):
    text = to_text(report)
    assert "✗ contradicted" in text and "? not found" in text
    assert text.strip().endswith("5 claims: 3 supported, 1 contradicted, 1 not found")


@pytest.mark.parametrize("draft, message", [
    ("", "empty"), ("   \n ", "empty"), ("研发" * 20_000, "characters long"), ("截至目前\x1b[2J", "control character"),
])
def test_bad_drafts_are_refused_with_a_clear_message(draft, message):
    with pytest.raises(InputError, match=message):
        validate_draft(draft)
