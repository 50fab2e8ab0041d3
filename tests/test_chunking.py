import pytest

from conftest import CORPUS
from rag.chunking import chunk_corpus, chunk_document, split_span
from rag.loader import load_corpus
from rag.parse import parse_document


@pytest.fixture(scope="module")
def docs():
    return load_corpus(CORPUS)


@pytest.mark.parametrize("cap", [600, 300, 150])
def test_chunks_are_exact_slices_under_the_cap(docs, cap):
    by_id = {d.doc_id: d for d in docs}
    chunks = chunk_corpus(docs, cap)
    assert chunks
    for c in chunks:
        assert len(c.text) <= cap
        assert by_id[c.doc_id].text[c.start:c.end] == c.text
        assert c.text == c.text.strip()


def test_splits_fall_at_sentence_ends(docs):
    for c in chunk_corpus(docs, 300):
        if c.kind == "body" and len(c.text) > 100:
            assert c.text[-1] in "。！？；”：）" or c.text.endswith(("答复如下：",)), c.text[-20:]


def test_footer_lines_never_share_a_chunk_with_body_text(docs):
    for c in chunk_corpus(docs):
        if c.kind == "footer":
            assert "抄送" in c.text or "印发" in c.text or "联系" in c.text or c.text.strip().endswith("日")
            assert "感谢" not in c.text and "。" not in c.text.replace("抄送：市政府办公厅建议提案处，市政协提案办。", "").replace("抄送：市政府办公厅建议提案处，市人大代表工作处。", "")
        else:
            assert "抄送：" not in c.text and "联系电话" not in c.text


def test_every_chunk_carries_doc_number_title_and_heading_path(docs):
    chunks = chunk_corpus(docs)
    paths = {c.section_path for c in chunks}
    assert "一、关于提升科创资源集聚度 › 1.持续完善在沪实验室体系" in paths
    for c in chunks:
        assert c.doc_number and c.title and c.chunk_id
    indices = [c.index for c in chunks if c.doc_id == "沪科提复〔2023〕5号"]
    assert indices == list(range(len(indices)))


def test_indexed_text_leads_with_the_heading_path(docs):
    c = next(c for c in chunk_corpus(docs) if c.section_path.endswith("1.持续完善在沪实验室体系"))
    assert c.indexed_text.startswith("一、关于提升科创资源集聚度 › 1.持续完善在沪实验室体系\n")


def test_a_lone_heading_line_opens_its_first_subsection(docs):
    chunks = chunk_corpus(docs)
    assert not any(c.text == "一、关于提升科创资源集聚度" for c in chunks)
    first = next(c for c in chunks if c.text.startswith("二、关于整合国内国际科创资源方面"))
    assert first.section == ("二、关于整合国内国际科创资源方面", "1.深入推进长三角科技创新共同体建设")


def test_chunk_ids_depend_on_content_only(docs):
    a = chunk_corpus(docs)
    b = chunk_corpus(load_corpus(CORPUS))
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert len({c.chunk_id for c in a}) == len(a)


def test_balanced_split_avoids_tiny_tails():
    text = "".join(f"这是第{i}句话，内容用于测试切分是否均衡。" for i in range(40))
    spans = split_span(text, 0, len(text), 600)
    lengths = [e - s for s, e in spans]
    assert max(lengths) <= 600 and min(lengths) > 150


def test_a_sentence_longer_than_the_cap_splits_at_clause_marks():
    text = "，".join(["很长的从句内容"] * 60) + "。"
    spans = split_span(text, 0, len(text), 100)
    assert all(e - s <= 100 for s, e in spans)
    assert all(text[e - 1] in "，。" for s, e in spans)


def test_markdown_and_plain_headings_both_count():
    raw = "上海市科学技术委员会\n\n沪科提复〔2025〕1号\n\n对第0001号提案的答复\n\n张三委员：\n\n## 一、总体情况\n\n正文第一段。\n\n（一）细分事项\n\n细分正文。\n\n上海市科学技术委员会\n\n2025年1月1日\n"
    doc = parse_document(raw, "x.md")
    sections = [c.section for c in chunk_document(doc)]
    assert ("一、总体情况",) in sections and ("一、总体情况", "（一）细分事项") in sections
