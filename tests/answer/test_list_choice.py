"""Which enumeration answers: a reply's own outline (一、相关工作情况 二、下一步工作打算) is not a
list of measures — its sections' lists are, introduced by what introduces the outline; a reply named
by its addressee scopes the answer, and the topic is what remains of the question. Replies written for
these tests, not the seed corpus."""

import pytest

from conftest import lexical_engine

HEAD = """上海市科学技术委员会

{docno}

对市政协十五届一次会议第{no}号提案的答复

{who}委员：

您提出的“{title}”收悉，现答复如下：

"""
OUTLINED = HEAD + """近年来，本市依托海洋实验室推动沿海城市的海洋科研协同。

一、相关工作情况

1. 以深海观测网络为牵引，构建海洋数据共享体系。各观测站统一标准。

2. 加快建设海洋装备试验场，服务沿海企业。试验场已开放。

3. 充分发挥高校海洋学科优势，联合培养人才。

二、下一步工作打算

下一步，我们将重点推进以下工作。一是扩大观测网络覆盖。二是完善试验场运营机制。三是加强国际合作。

感谢您对本市科技工作的关心和支持！

上海市科学技术委员会

2030年3月1日
"""
OTHER = HEAD + """近年来，本市支持量子计算发展。在揭榜挂帅方面，下一步将加强对揭榜挂帅项目规律的研究，持续完善全流程管理机制，研究出台揭榜挂帅项目管理办法。

下一步，结合赵二委员的建议，我们将重点推进以下工作：

（一）建设量子计算公共平台。

（二）培育量子软件企业。

（三）引进量子领域人才。

感谢您对本市科技工作的关心和支持！

上海市科学技术委员会

2030年4月2日
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("lists")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(OUTLINED.format(docno="沪科提复〔2030〕3号", no="0101", who="王一", title="关于海洋科研协同的提案"), encoding="utf-8")
    (corpus / "b.txt").write_text(OTHER.format(docno="沪科提复〔2030〕8号", no="0202", who="赵二", title="关于量子计算的提案"), encoding="utf-8")
    return lexical_engine(corpus)


def test_the_outline_of_a_reply_is_not_the_list_of_what_was_done(engine):
    a = engine.ask("依托海洋实验室推动海洋科研协同，开展了哪些工作？")
    assert a.found
    assert len(a.items) == 3 and "深海观测网络" in a.items[0].text and "相关工作情况" not in a.answer


def test_a_reply_named_by_its_addressee_answers_about_the_rest_of_the_question(engine):
    a = engine.ask("赵二委员那份答复里，揭榜挂帅下一步准备怎么做？")
    assert a.found and {c.doc_number for c in a.citations} == {"沪科提复〔2030〕8号"}
    assert any("管理办法" in item.text for item in a.items)
    assert not any("量子" in item.text for item in a.items)  # the reply's other plan is about something else


def test_plans_on_the_subject_of_one_proposal_come_from_its_reply(engine):
    question = "海洋科研协同方面，下一步有什么打算？"  # the subject of 王一's proposal, by its title
    assert {h.chunk.doc_number for h in engine.passages(engine.retriever.analyze(question))} == {"沪科提复〔2030〕3号"}
    a = engine.ask(question)
    assert a.heading == "下一步的工作" and [i.text for i in a.items] == ["一是扩大观测网络覆盖。", "二是完善试验场运营机制。", "三是加强国际合作。"]


def test_a_plan_question_the_replies_state_no_plan_for_says_so(engine):
    a = engine.ask("联合培养海洋人才，今后有什么打算？")  # only past work on it: 3. 充分发挥高校海洋学科优势……
    assert a.found and "没有写明" in a.heading and "下一步的工作" not in a.answer
    assert all("联合培养人才" in i.text for i in a.items)


PLANNED = HEAD + """针对提案提出的问题，我委已会同相关部门开展调研，形成了调研报告、政策清单、项目储备库等成果。

下阶段，我们将重点推进以下工作：一是建设量子计算公共平台。二是培育量子软件企业。三是引进量子领域人才。

感谢您对本市科技工作的关心和支持！

上海市科学技术委员会

2030年6月7日
"""


@pytest.mark.parametrize("question", ["针对孙四委员的提案，市科委后续有什么安排？", "对孙四委员的提案，接下来会做哪几件事？"])
def test_a_question_about_a_named_reply_as_a_whole_gets_its_plan(tmp_path, question):
    # nothing but the reply's naming (委员, 提案, 针对) and its author: the reply's plans answer,
    # not the sentence that happens to share those words
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "d.txt").write_text(PLANNED.format(docno="沪科提复〔2030〕11号", no="0404", who="孙四", title="关于发展量子计算产业的建议"), encoding="utf-8")
    (corpus / "a.txt").write_text(OUTLINED.format(docno="沪科提复〔2030〕3号", no="0101", who="王一", title="关于海洋科研协同的提案"), encoding="utf-8")
    a = lexical_engine(corpus).ask(question)
    assert a.found and {c.doc_number for c in a.citations} == {"沪科提复〔2030〕11号"}
    assert [i.text for i in a.items] == ["一是建设量子计算公共平台。", "二是培育量子软件企业。", "三是引进量子领域人才。"]


SENTENCE_ANSWERS = HEAD + """近年来，本市加快建设海洋观测网络，已在临港、奉贤、金山、崇明等地布设观测站，观测数据统一汇交。

海洋观测数据目前主要服务于渔业及航运两个领域，每日向相关单位推送。

感谢您对本市科技工作的关心和支持！

上海市科学技术委员会

2030年5月6日
"""


def test_a_sentence_that_says_what_is_asked_beats_a_run_of_names_in_another(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "c.txt").write_text(SENTENCE_ANSWERS.format(docno="沪科提复〔2030〕9号", no="0303", who="钱三", title="关于海洋观测的提案"), encoding="utf-8")
    a = lexical_engine(corpus).ask("海洋观测数据主要服务于哪些领域？")
    assert a.found and "渔业及航运" in a.answer
    assert "临港" not in a.answer  # where the stations are is not what the data serve


def test_an_outline_is_about_the_question_by_its_context_or_one_lead_not_all_its_bodies():
    from types import SimpleNamespace

    from rag.answer.structure import _Option, _select

    info = SimpleNamespace(intent=SimpleNamespace(kind="list", past=False, count=None))
    bodies_only = _Option("d", about=0.1, item_max=0.0, union=0.6, future=False, depth=0, items=[(0, 5)], conf=None)
    one_lead = _Option("d", about=0.1, item_max=0.6, union=0.6, future=False, depth=0, items=[(0, 5)], conf=None)
    assert _select(info, [bodies_only], threshold=0.5) == []  # a whole reply's bodies hold most words
    assert _select(info, [one_lead], threshold=0.5) == [one_lead]


RUN_IN_PLAN = HEAD + """近年来，本市推动海上风电产业发展。

下一步，我们将加快建设海上风电公共服务平台，汇聚政策、项目、资本、人才等资源，推动风电装备企业协同攻关。

感谢您对本市科技工作的关心和支持！

上海市科学技术委员会

2030年7月8日
"""


@pytest.mark.parametrize("question, run", [("海上风电公共服务平台下一步要怎么做？", False), ("海上风电公共服务平台下一步要汇聚哪些资源？", True)])
def test_what_will_be_done_is_actions_not_the_things_one_of_them_names(tmp_path, question, run):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "e.txt").write_text(RUN_IN_PLAN.format(docno="沪科提复〔2030〕12号", no="0505", who="周五", title="关于海上风电的提案"), encoding="utf-8")
    a = lexical_engine(corpus).ask(question)
    assert a.found and a.intent["kind"] == "plan"
    assert ([i.text for i in a.items] == ["政策", "项目", "资本", "人才"]) is run
