"""The claim verifier on replies written for these tests (none of their sentences is in the corpus),
and on the seed corpus for the cross-lingual channel and the JSON contract."""

from pathlib import Path

import pytest

from rag.verify import CONTRADICTED, NOT_FOUND, SUPPORTED, Verifier
from conftest import lexical_engine

OFFICIAL = """上海市科学技术委员会

{docno}

对市政协十四届二次会议第{no}号提案的答复

{who}委员：

您提出的“{ptitle}”的提案收悉，经研究，现将办理情况答复如下：

{body}

感谢您对本市科技工作的关心和支持！

上海市科学技术委员会

{date}

联系人姓名：{contact}

联系电话：{phone}

抄送：市政府办公厅建议提案处，市政协提案办。
"""

REPLIES = {
    "a.txt": dict(
        docno="沪科提复〔2025〕11号", no="0317", who="周文斌", ptitle="关于加快人工智能算力设施建设的提案", date="2025年4月8日",
        contact="王立新", phone="23115678",
        body="一、工作情况\n\n"
        "截至2024年底，本市已建成人工智能公共算力平台12个，服务企业超过600家。"
        "2021年，市科委启动“元启”计划；2023年，该计划扩大至闵行区和宝山区。"
        "全年投入市级财政资金约35.6亿元，其中基础研究占比近20%。\n\n"
        "二、下一步工作\n\n"
        "华东师范大学牵头组建了脑科学联合实验室，复旦大学参与共建类脑芯片中试平台。"
        "近三年累计引进海外高层次人才1500余人。",
    ),
    "b.txt": dict(
        docno="沪科提复〔2025〕19号", no="0408", who="陈雅琴", ptitle="关于支持海洋装备研发的提案", date="2025年5月20日",
        contact="李卫东", phone="23119876",
        body="一、工作情况\n\n"
        "2022年，本市设立海洋装备专项，累计支持项目45项，投入资金2.5亿元。"
        "临港新片区集聚海洋装备企业80余家。"
        "本市海洋科技论文数量位列全国第二。",
    ),
}


@pytest.fixture(scope="module")
def verifier(tmp_path_factory):
    root = tmp_path_factory.mktemp("replies")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, fields in REPLIES.items():
        (corpus / name).write_text(OFFICIAL.format(**fields), encoding="utf-8")
    return Verifier(lexical_engine(corpus))


def verdict(verifier, claim):
    return verifier.verify(claim)


@pytest.mark.parametrize("claim, doc", [
    ("截至2024年底，本市已建成人工智能公共算力平台12个。", "沪科提复〔2025〕11号"),
    ("本市人工智能公共算力平台服务企业超过600家。", "沪科提复〔2025〕11号"),
    ("本市建成人工智能公共算力平台十二个。", "沪科提复〔2025〕11号"),  # Chinese numerals
    ("2023年，“元启”计划扩大至闵行区和宝山区。", "沪科提复〔2025〕11号"),
    ("全年投入市级财政资金约35.6亿元。", "沪科提复〔2025〕11号"),
    ("近三年累计引进海外高层次人才1500余人。", "沪科提复〔2025〕11号"),
    ("近三年引进海外高层次人才超过1000人。", "沪科提复〔2025〕11号"),  # a looser bound the figure implies
    ("2022年，本市设立海洋装备专项，累计支持项目45项，投入资金2.5亿元。", "沪科提复〔2025〕19号"),
    ("本市海洋科技论文数量位列全国第二。", "沪科提复〔2025〕19号"),
    ("沪科提复〔2025〕19号的联系人是李卫东。", "沪科提复〔2025〕19号"),
    ("根据沪科提复〔2025〕11号，本市已建成人工智能公共算力平台12个。", "沪科提复〔2025〕11号"),  # a word before the 文号
    ("Shanghai has built 12 public computing platforms for artificial intelligence.", "沪科提复〔2025〕11号"),
    ("The marine equipment programme has supported 45 projects with 250 million yuan.", "沪科提复〔2025〕19号"),
])
def test_true_claims_are_supported_and_cited_verbatim(verifier, claim, doc):
    v = verdict(verifier, claim)
    assert v.verdict == SUPPORTED, v.note
    c = v.citations[0]
    assert c.doc_number == doc
    assert verifier.index.document(doc).text[c.start:c.end] == c.quote  # a verbatim slice
    assert c.citation.startswith("《上海市科学技术委员会对市政协十四届二次会议")


@pytest.mark.parametrize("claim, shown", [
    ("截至2024年底，本市已建成人工智能公共算力平台21个。", "12个"),
    ("本市人工智能公共算力平台服务企业约400家。", "超过600家"),
    ("本市人工智能公共算力平台服务企业600家。", "超过600家"),  # the claim drops the hedge
    ("全年投入市级财政资金约53.6亿元。", "约35.6亿元"),
    ("其中基础研究占比近30%。", "近20%"),
    ("累计支持海洋装备项目54项。", "45项"),
    ("临港新片区集聚海洋装备企业180余家。", "80余家"),
    ("本市海洋科技论文数量位列全国第三。", "全国第二"),
    ("沪科提复〔2025〕19号的联系电话是23119867。", "23119876"),
    ("2021年，“元启”计划扩大至闵行区和宝山区。", "2023"),  # the year of another clause of the same sentence
    ("2022年，市科委启动“元启”计划。", "2021"),
    ("2023年，“元启”计划扩大至闵行区和嘉定区。", "宝山区"),  # a place swapped
    ("复旦大学牵头组建了脑科学联合实验室。", "华东师范大学"),  # a body swapped
    ("沪科提复〔2025〕19号的联系人是王立新。", "沪科提复〔2025〕11号"),  # another reply's contact
    ("沪科提复〔2025〕19号的联系人是张建国。", "李卫东"),  # a person swapped
    ("沪科提复〔2025〕19号提到，本市已建成人工智能公共算力平台12个。", "沪科提复〔2025〕11号"),  # the wrong reply
    ("市科委尚未启动“元启”计划。", "尚未"),  # negation
    ("Shanghai has built 21 public computing platforms for artificial intelligence.", "12个"),
    ("The marine equipment programme has supported 45 projects with 520 million yuan.", "2.5亿元"),
])
def test_altered_claims_are_contradicted_and_the_reply_is_shown(verifier, claim, shown):
    v = verdict(verifier, claim)
    assert v.verdict == CONTRADICTED, v.note
    assert shown in v.note
    assert v.citations and v.citations[0].quote in verifier.index.document(v.citations[0].doc_number).text


@pytest.mark.parametrize("claim", [
    "本市已建成量子计算公共服务平台5个。",
    "市科委设立了总规模50亿元的脑科学产业基金。",
    "Shanghai will open ten new marine research stations by 2030.",
    "截至2024年底，本市已建成人工智能公共算力平台12个，其中一半位于浦东新区。",  # one true figure, one invented
    "今天天气很好，适合郊游。",
])
def test_claims_no_reply_makes_are_not_found(verifier, claim):
    v = verdict(verifier, claim)
    assert v.verdict != SUPPORTED
    if v.verdict == NOT_FOUND:
        assert not v.citations and v.note


def test_a_figure_shown_for_a_contradiction_is_marked_in_its_quote(verifier):
    v = verdict(verifier, "累计支持海洋装备项目54项。")
    c = v.citations[0]
    s, e = c.highlight
    assert c.quote[s:e].replace(" ", "") == "45项"


def test_verdict_json_contract(verifier):
    d = verdict(verifier, "本市人工智能公共算力平台服务企业超过600家。").to_dict()
    assert list(d) == ["text", "verdict", "citations", "note"]
    assert set(d["citations"][0]) >= {"doc_number", "title", "section", "quote", "citation"}


def test_verification_against_given_passages_only(verifier):
    """A generated sentence is checked against the passages the model saw, not the whole index."""
    from rag.types import Hit

    chunks = [c for c in verifier.index.chunks if "海洋装备企业" in c.text]
    v = verifier.verify("本市已建成人工智能公共算力平台12个。", [Hit(chunks[0], 1.0, 1)])
    assert v.verdict != SUPPORTED


# -- the seed corpus: English claims through the cross-lingual channel ---------------------------------

@pytest.fixture(scope="module")
def seed_verifier(engine):
    return Verifier(engine)


@pytest.mark.parametrize("claim, verdict_, doc", [
    ("Shanghai has set up 453 foreign R&D centres so far.", SUPPORTED, "沪科提复〔2023〕50号"),
    ("Shanghai has set up 543 foreign R&D centres so far.", CONTRADICTED, "沪科提复〔2023〕50号"),
    ("In 2022, Shanghai's R&D spending reached 4.2% of GDP.", SUPPORTED, "沪科提复〔2023〕5号"),
    ("In 2022, Shanghai's R&D spending reached 5.2% of GDP.", CONTRADICTED, "沪科提复〔2023〕5号"),
])
def test_english_claims_are_matched_through_the_cross_lingual_channel(seed_verifier, claim, verdict_, doc):
    v = seed_verifier.verify(claim)
    assert v.verdict == verdict_, v.note
    assert v.citations[0].doc_number == doc
