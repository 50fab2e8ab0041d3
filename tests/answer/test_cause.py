"""Why questions: what asks for a cause, the part of a sentence that gives it, and an answer that quotes
the sentence before one opening with a result word. Sentences written for these tests and from public
encyclopaedia text, not from the seed corpus or the gold sets."""

import pytest

from rag.answer.cause import REASON_ASKED, cause_span, opens_with_result
from rag.answer.intent import classify
from conftest import lexical_engine


@pytest.mark.parametrize(
    "question, reason",
    [
        ("为什么称猴面包树为笨蛋水果？", True),
        ("百老汇剧院是因何得名的？", True),
        ("这座桥名字的由来是什么？", True),
        ("Why was the bridge closed in spring?", True),
        ("How did the river get its name?", True),
        ("生命数耗完即算为什么？", False),  # 算为什么: counts as what
        ("四川地区将五月艾称之为什么？", False),  # 称之为什么: is called what
        ("这座桥是哪一年建成的？", False),
    ],
)
def test_a_question_asks_for_a_cause(question, reason):
    assert bool(REASON_ASKED.search(question)) is reason
    assert classify(question).reason is reason


@pytest.mark.parametrize(
    "text, cause",
    [
        ("因为剧院大多在百老汇街道附近，故被统称为百老汇剧院。", "因为剧院大多在百老汇街道附近"),
        ("他投靠了羌人，由于他曾有恩于羌人，所以得到保护。", "由于他曾有恩于羌人"),
        ("地下茎在四月萌发新芽，所以到了七月草原一片翠绿。", "地下茎在四月萌发新芽"),
        ("守军封锁了隘道，以防止骑兵从小径迂回。", "以防止骑兵从小径迂回"),
        ("The bridge was closed because the river flooded in spring.", "because the river flooded in spring"),
        ("该中心于2021年成立，以推动关键核心技术攻关为核心使命，服务区域产业。", "以推动关键核心技术攻关为核心使命"),  # a purpose
        ("新规于去年出台，旨在降低企业研发成本。", "旨在降低企业研发成本"),
        ("因此它也被称为笨蛋水果。", None),  # the cause is in the sentence before
        ("故宫是明清两代的皇宫。", None),  # 故 of a name, not "hence"
    ],
)
def test_the_part_of_a_sentence_that_gives_the_cause(text, cause):
    span = cause_span(text)
    assert (text[span[0]:span[1]] if span else None) == cause


def test_a_sentence_opening_with_a_result_word_has_its_cause_before_it():
    assert opens_with_result("因此，该药被列为管制化学品。")
    assert opens_with_result("Therefore the bridge was closed.")
    assert not opens_with_result("该药可还原为冰毒，因此受到管制。")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return lexical_engine(tmp_path_factory.mktemp("why") / "corpus", {"a.txt": dict(
        lead="关于滨江步道夜间照明",
        body="滨江步道夜间照明一度中断。沿线变电设施在汛期多次进水受损，检修需要停电。因此，滨江步道夜间照明自今年七月起暂停开放。",
        body2="照明改造工程计划明年完工，届时步道将恢复夜间开放。",
    )})


def test_a_why_question_quotes_the_cause_before_the_sentence_that_restates_it(engine):
    answer = engine.ask("为什么滨江步道夜间照明暂停开放？")
    assert answer.found
    quote = answer.citations[0]
    assert quote.quote.startswith("沿线变电设施在汛期多次进水受损") and quote.quote.endswith("暂停开放。")
    start, end = quote.highlight
    assert quote.quote[start:end] == "沿线变电设施在汛期多次进水受损，检修需要停电。"
    doc = engine.index.document(answer.sources[0].chunk.doc_id)
    assert doc.text[quote.start:quote.end] == quote.quote  # the offsets still point at the quote
