"""Enumerations: in the structure of a reply (fixture corpora) and inside sentences (CMRC 2018)."""

from rag.answer.structure import inline_units, outline
from rag.parse import parse_document

REPLY = """上海市科学技术委员会

沪科提复〔2030〕3号

对市政协十五届一次会议第0101号提案的答复

王一委员：

您提出的“关于发展海洋科技的提案”收悉，现答复如下：

近年来，本市多措并举发展海洋科技。一是建设海洋实验室，已建成3家。二是支持海洋装备企业，累计支持45项。

下一步，我们将重点推进以下工作：

一、加强平台建设

1.建设深海观测站。推进观测网络。

2.完善共享机制。开放大型仪器。

二、加强人才培养

感谢您对本市科技工作的关心和支持！

上海市科学技术委员会

2030年3月1日
"""


def test_outline_finds_lists_in_paragraphs_and_in_headings_with_their_tense():
    doc = parse_document(REPLY, "a.txt")
    lists = {tuple(doc.text[a:b][:6] for a, b in e.leads): e for e in outline(doc)}
    inline = next(e for k, e in lists.items() if k[0].startswith("一是"))
    headings = next(e for k, e in lists.items() if k[0].startswith("一、"))
    nested = next(e for k, e in lists.items() if k[0].startswith("1."))
    assert len(inline.items) == 2 and not inline.future  # 近年来 … 已建成: past work
    assert len(headings.items) == 2 and headings.future  # introduced by 下一步 … 将
    assert nested.future and nested.depth > headings.depth  # nested in a plan: a plan too


def test_runs_of_items_inside_sentences():
    sentence = "常用的氧化剂有过氧化氢、有机过氧化物、次氯酸钠、高碘酸钠、亚碘酰苯等。"  # CMRC 2018
    form, units = inline_units(sentence)
    assert form == "run" and [sentence[a:b] for a, b in units][-1] == "亚碘酰苯" and len(units) == 5


def test_the_run_of_the_kind_asked_about_wins():
    sentence = "他从八岁起学习功夫，精通跆拳道、空手道，以及散打、咏春、气功、太极等多种中国武术。"  # CMRC 2018
    form, units = inline_units(sentence, head=("武术",))
    assert [sentence[a:b] for a, b in units] == ["以及散打", "咏春", "气功", "太极"]


def test_parallel_quotes_and_titles():
    quotes = "聚焦“三个一批”，即“引进一批”、“培育一批”、“提升一批”。"
    form, units = inline_units(quotes)
    assert form == "quotes" and {"引进一批", "培育一批", "提升一批"} <= {quotes[a:b] for a, b in units}
    titles = "两地联合印发《江城科技合作机制》和《双城创新券实施意见》。"
    assert inline_units(titles, head=("文件",))[0] == "titles"


def test_incidental_quotes_are_not_a_list():
    assert inline_units("坚持“谁能干就让谁干”，推出“赛马”机制，对“揭榜”项目给予奖励。")[0] != "quotes"
