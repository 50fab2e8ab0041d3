import pytest

from conftest import CORPUS, write_reply
from rag.errors import CorpusError
from rag.loader import load_corpus
from rag.parse import normalize_doc_number, parse_document

EXPECTED = {
    # 文号: (date, addressees, addressee line, kind, proposal number, session)
    "沪科提复〔2023〕50号": ("2023-08-14", ("李琛浩",), "李琛浩委员", "proposal", "0982", "市政协十四届一次会议"),
    "沪科提复〔2023〕42号": ("2023-05-16", ("张磊",), "张磊委员", "proposal", "0834", "市政协十四届一次会议"),
    "沪科提复〔2023〕5号": ("2023-05-15", ("杨守业", "王志敏", "刘健惠"), "杨守业、王志敏、刘健惠委员", "proposal", "0254", "市政协十四届一次会议"),
    "沪科建复〔2023〕15号": ("2023-05-11", ("杨彩虹",), "杨彩虹代表", "suggestion", "0049", "市十六届人大一次会议"),
    "沪科建复〔2024〕31号": ("2024-05-21", ("马瑜",), "马瑜代表", "suggestion", "0134", "市十六届人大二次会议"),
}


@pytest.fixture(scope="module")
def docs():
    return {d.doc_id: d for d in load_corpus(CORPUS)}


def test_all_five_replies_parse_with_their_metadata(docs):
    assert set(docs) == set(EXPECTED)
    for number, (date, names, line, kind, proposal, session) in EXPECTED.items():
        d = docs[number]
        assert d.doc_number == number
        assert d.date == date
        assert d.addressees == names
        assert d.addressee == line
        assert d.kind == kind
        assert d.proposal_number == proposal
        assert d.session == session
        assert d.issuer == "上海市科学技术委员会"
        assert d.warnings == ()


def test_titles_are_joined_across_lines_and_spaces(docs):
    # 42号 breaks its title over two lines; 5号 writes "第 0254 号"
    assert docs["沪科提复〔2023〕42号"].title == "对市政协十四届一次会议第0834号提案的答复"
    assert docs["沪科提复〔2023〕5号"].title == "对市政协十四届一次会议第0254号提案的答复"
    assert docs["沪科建复〔2024〕31号"].title == "对市十六届人大二次会议第0134号代表建议的答复"


def test_proposal_titles_are_read_from_the_quoted_title(docs):
    assert docs["沪科提复〔2023〕50号"].proposal_title == "关于强化科技创新体系化能力，提升产业链建设水平的提案"
    assert docs["沪科建复〔2023〕15号"].proposal_title == "关于以国家实验室为龙头，强化长三角科研攻关共同体建设的建议"
    # nested quotes stay inside the title
    assert docs["沪科提复〔2023〕42号"].proposal_title == "关于深化科技创新，加快建设‘五个新城’现代化产业体系的建议"


def test_copy_ready_citation_has_the_official_form(docs):
    assert docs["沪科提复〔2023〕50号"].citation == (
        "《上海市科学技术委员会对市政协十四届一次会议第0982号提案的答复》（沪科提复〔2023〕50号，2023年8月14日）"
    )


def test_sentences_broken_by_page_breaks_are_joined(docs):
    text = docs["沪科提复〔2023〕50号"].text
    assert "这些建议对我市进一步稳固" in text
    assert "开展重点领域体系化创新的研究和前瞻布局" in text
    assert "上海技术交易所建设全国性" in docs["沪科提复〔2023〕5号"].text  # across four blank lines
    assert "**" not in text and "#" not in text and "---" not in text


def test_footer_lines_are_their_own_blocks(docs):
    d = docs["沪科建复〔2024〕31号"]
    footer = [d.text[b.start:b.end] for b in d.blocks if b.role == "footer"]
    assert "联系人姓名：葛梦然" in footer
    assert any(t.startswith("抄送：") for t in footer)
    body = [d.text[b.start:b.end] for b in d.blocks if b.role == "body"]
    assert not any("抄送" in t or "联系电话" in t or "印发" in t for t in body)


def test_heading_hierarchy_of_numbered_sections(docs):
    d = docs["沪科提复〔2023〕5号"]
    sections = {b.section for b in d.blocks}
    assert ("一、关于提升科创资源集聚度", "1.持续完善在沪实验室体系") in sections
    assert ("三、关于发挥市场在资源配置中的决定性作用方面", "3.加快推动技术要素市场体系建设") in sections
    d = docs["沪科提复〔2023〕50号"]
    nested = [b.section for b in d.blocks if len(b.section) == 2]
    assert ("三是积极推进发展创新联合体，提升创新主体的协同融合水平", "支持大企业建立开放式创新中心，强化企业创新主体地位，推动构建创新联合体") in nested


def test_bold_enumerations_inside_one_paragraph_become_sections(docs):
    d = docs["沪科建复〔2024〕31号"]
    leads = [b.section[-1] for b in d.blocks if b.section and b.section[-1].startswith(("一是", "二是", "三是", "四是", "五是"))]
    assert "一是积极支持企业作为创新主体" in leads and "五是推动科技创新资源与公共服务更多导向企业" in leads


def test_document_without_doc_number_loads_with_a_warning(tmp_path):
    write_reply(tmp_path, "memo.txt", docno="（无文号）")
    doc = load_corpus(tmp_path)[0]
    assert doc.doc_number is None
    assert doc.doc_id == "memo"
    assert any("no 文号" in w for w in doc.warnings)


def test_gb18030_files_are_read(tmp_path):
    path = write_reply(tmp_path, "gbk.txt")
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    assert load_corpus(tmp_path)[0].doc_number == "沪科提复〔2025〕7号"


def test_unreadable_file_is_reported_or_skipped(tmp_path):
    write_reply(tmp_path, "good.txt")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00\xd8garbage\x81")
    with pytest.raises(CorpusError, match="bad.txt"):
        load_corpus(tmp_path)
    errors = []
    docs = load_corpus(tmp_path, on_error=errors.append)
    assert [d.path for d in docs] == ["good.txt"] and "bad.txt" in errors[0]


def test_files_sharing_a_doc_number_with_different_text_are_cited_with_their_file(tmp_path):
    write_reply(tmp_path, "a.txt")
    write_reply(tmp_path, "b.txt", body="本市已建成量子计算公共服务平台 5 个。")
    docs = sorted(load_corpus(tmp_path), key=lambda d: d.path)
    assert [d.doc_id for d in docs] == ["沪科提复〔2025〕7号", "沪科提复〔2025〕7号#b"]
    assert [d.doc_number for d in docs] == ["沪科提复〔2025〕7号（a.txt）", "沪科提复〔2025〕7号（b.txt）"]
    assert docs[0].citation != docs[1].citation and "b.txt" in docs[1].citation
    assert all("also used by" in d.warnings[-1] for d in docs)


def test_a_copy_of_a_reply_is_indexed_once(tmp_path):
    write_reply(tmp_path, "a.txt")
    write_reply(tmp_path, "copy.txt")
    (doc,) = load_corpus(tmp_path)
    assert doc.doc_id == doc.doc_number == "沪科提复〔2025〕7号" and doc.path == "a.txt"
    assert "copy.txt has the same 文号 and text as a.txt" in doc.warnings[-1]


def test_missing_corpus_directory_names_the_fix(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_doc_number_brackets_are_normalised():
    assert normalize_doc_number("沪科提复[2023]50号") == "沪科提复〔2023〕50号"
    assert normalize_doc_number("沪科建复（2024） 31 号") == "沪科建复〔2024〕31号"
    assert normalize_doc_number("第0982号提案") is None


def test_parse_document_reads_only_text_not_file_name():
    raw = (CORPUS / "000_e5c0cb3dddf6d405.txt").read_text(encoding="utf-8")
    doc = parse_document(raw, "renamed/anything.md")
    assert doc.doc_id == "沪科提复〔2023〕50号" and doc.date == "2023-08-14"
