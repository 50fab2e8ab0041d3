"""What a question wants, in Chinese or English: a single fact of some type, a list of measures, the
plans for next steps, a yes/no verdict, a comparison, a field of the reply itself (its 文号, date,
addressee, contact …) or a summary of a reply's position.

Patterns describe the *form* of questions in general (多少, 哪些措施, 下一步, 是否, who, how many,
what will … do next); none names a topic of the corpus. The words that only carry this form are
also returned as `form_words`, so that they are not counted as concepts the evidence must hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.cause import REASON_ASKED
from rag.answer.patterns import COUNT, YEAR
from rag.parse import DOCNO_RE
from rag.quantities import quantities
from rag.text import is_cjk, word_bounds

FACTOID, LIST, PLAN, YESNO, COMPARE, METADATA, SUMMARY = "factoid", "list", "plan", "yesno", "compare", "metadata", "summary"
KINDS = (FACTOID, LIST, PLAN, YESNO, COMPARE, METADATA, SUMMARY)


@dataclass(frozen=True)
class Intent:
    kind: str  # one of KINDS
    qtype: str | None = None  # the span a factoid wants: number, date, person, org, place, name, phone, rank
    qtypes: tuple[str, ...] = ()  # every span type asked for, qtype first ("whom to contact, and at what number?")
    unit: str | None = None  # number questions: count, money, percent or serial
    counter: str | None = None  # the measure word asked for: 多少家 → 家
    person_role: bool = False  # asks for a person in a role (负责人, director): a body's name will not do
    field: str | None = None  # metadata: doc_number, date, addressee, proposal_number, contact, phone, address, postcode, result, title, session, issuer, cc, printer, disclosure
    fields: tuple[str, ...] = ()  # every field asked for ("when was it issued, and to whom?"), field first
    future: bool = False  # asks about what will be done (plan), not what has been done
    options: tuple[str, ...] = ()  # compare: the things compared, as written in the question
    several: bool = False  # asks which replies (plural) say something: one quote from each
    past: bool = False  # asks what has already been done (已经, 取得, already): past work before plans
    count: int | None = None  # how many things a list question says there are (哪两家, what two approaches)
    parts: tuple[tuple[str, str | None, str], ...] = ()  # (span type, unit, words) of each part of a two-part question
    question: bool = True  # reads as a question, not a greeting, a test or a bare search term
    reason: bool = False  # asks why, or how something came by its name: a cause answers it

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "type": self.qtype}
        if self.field:
            d["field"] = self.field
        return d


def _re(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


# A phone number asked for — not a question that only mentions phones (移动电话, 电话窃听, the telephone's inventor)
_PHONE_ASKED = (r"电话(?:号码|号)?(?:是|为)?(?:多少|几号|什么)|(?:联系|办公|咨询|服务|值班|热线)电话|电话号码|联系方式|热线"
                r"|\b(?:tele)?phone (?:number|no\b)|\b(?:what|which) (?:tele)?phone\b|\bnumber to (?:call|ring)\b|(?:'s|\btheir|\bhis|\bher|\bits) (?:tele)?phone\b")

# -- span types of single-fact questions, checked in order; the first that matches is the main one --
# a figure asked for outright (多少, how many), and one only named by its noun (规模, 比例, 号码)
_NUMBER_ASKED_CUES = r"多少|(?<!哪)几[个家项所位次批种名条座类倍号成]|几分之几|第几号|百分之|多大|多高|多长|多久|how many|how much|what share|what percentage|what proportion|what fraction|what percent|what amount|how large|how big|what number"
_NUMBER_NAMED_CUES = r"编号|号码|数量|比重|比例|占比|金额|规模|总额|总量|造价|工资|薪酬|\b(?:what|how) (?:is|was|are|were) the (?:cost|price|salary|salaries|wages?|budget)\b|number of|\bcount of\b|\btotal\b|\bbudget\b|\bamount\b|预算"
_TYPES = [
    ("phone", _re(_PHONE_ASKED)),
    ("rank", _re(r"排名|名次|排第|位列|第几位|第几名|\brank(?:ed|ing)?\b|\bplace[sd]? (?:in|on)\b|what position")),
    ("duration", _re(r"多久|多长时间|多长的时间|多少(?:的)?时间|多少年(?!前)|(?<!哪)几年(?!前)|how long|for how many years|how many years")),
    ("date", _re(r"哪一年|哪几年|哪年|何年|何时|什么时候|哪一天|哪天|日期|几月|哪个月|什么时间|\bwhen\b(?!\s+(?-i:[a-z]+ing|asked|faced|given|compared)\b)|what year|which year|what date|what day|what month|which month|month and year|since when|\bdated\b|\bdate of\b")),
    ("name", _re(r"叫什么|什么名字|名称是什么|名字是什么|称为什么|称之为什么|全称|(?:又|也|亦)(?:被|可以)?(?:称|叫|名)|别称|别名|俗称|俗名|简称|旧称|旧名|前称|原名|本名|what is the name|what's the name|what is it called|what was it called|called what|\bfull name\b|\btitle of\b")),
    ("number", _re(_NUMBER_ASKED_CUES + "|" + _NUMBER_NAMED_CUES)),
    ("person", _re(r"谁|哪位|哪几位|姓名|联系人|\bwho\b|\bwhom\b|\bwhose\b|contact person|name of|addressed to")),
    ("place", _re(r"哪里|哪儿|在哪(?![次个些一位年天家所])|何地|哪些地[区方]|哪个地[区方]|哪些国家|哪个国家|哪[个些]省|哪[个些]城市|哪个区|什么地方|地址|位于|\bwhere\b|which district|which city|which province|address|located")),
    ("org", _re(r"哪个单位|哪些单位|哪[一两二三四五六七八九十几]?家|哪个机构|哪些机构|什么机构|哪所|哪些高校|哪个部门|哪些部门|哪些企业|哪个企业|哪个实验室|哪些实验室|哪个组织|which organi[sz]ation|which institution|which compan|which universit|which lab|which department|which agenc|which enterprise|which bod(?:y|ies)|what organi[sz]ation|what institution")),
]
# "Who heads …": a person's name answers, a body does not.
# the roles as the replies write them: a question for the holder of one needs it said in the evidence
ROLES_ZH = "负责人|主任|局长|院长|校长|部长|秘书长|书记|主席|董事长|总经理|总裁|市长|所长|处长|理事长|会长|首席科学家"
ROLE_SAID = re.compile(ROLES_ZH)
_PERSON_ROLE = _re(ROLES_ZH + r"|\bdirector\b|\bhead(?:s|ed)?\b|\bchief\b|chairman|chairwoman|president|minister|secretary|leader|\bmayor\b|\bCEO\b")

# The kind of quantity a number question asks for: a span of another kind does not answer it.
_UNIT_QUESTION = [
    ("percent", _re(r"比重|占比|比例|百分之|百分比|几分之几|几成|percent|percentage|share of|what share|proportion|what fraction")),
    ("money", _re(r"多少(?:亿|万|千)?元|多少钱|金额|资金|经费|预算|投资额|造价|费用|成本|价格|工资|薪酬|薪资|\bcosts?\b|\bprices?\b|\bsalar(?:y|ies)\b|\bwages?\b|how much money|funding|\byuan\b|\brmb\b|\bbudget\b|\bexpenditure\b|how much (?:\w+ ){0,4}(?:spen[dt]|invest|cost|pa(?:y|id)|fund|allocat|grant)")),
    ("serial", _re(r"第几号|编号|几号|号码|(?:proposal|suggestion) number|number of the (?:proposal|suggestion)|serial")),
    ("count", _re(rf"多少[{COUNT}]|(?<!哪)几[{COUNT}]|how many")),
]
_COUNTER = re.compile(rf"(?:多少|(?<!哪)几)([{COUNT}])")  # the measure words a count span is read with (rag.answer.patterns)

# -- the other kinds --
_METADATA = [
    ("doc_number", _re(r"哪一?[份篇](?=[^？?]*(?:答复|回复|文件))|(?<=答复|回复|文件)[^？?]{0,8}哪一?[份篇]|文号|发文字号|发文编号|哪[一]?[份篇个件]答复|哪[一]?[份篇个件]文件|哪[份篇件]回复|which (?:reply|replies|response|document|letter)|document number|reference number|number of (?:the|this|that) (?:reply|response|document)")),
    ("proposal_number", _re(r"第几号(?:提案|建议)|(?:提案|建议)(?:是|为)?第几号|number of (?:the )?(?:(?!(?:reply|response|document|letter|answer)\b)[\w-]+ ){0,3}?(?:[\w-]+'s )?(?:proposal|suggestion)\b|(?:提案|建议)(?:的)?(?:编号|号码|号)|(?:proposal|suggestion) number|number of (?:the|his|her|their) (?:proposal|suggestion)|what number (?:was|is) (?:the|his|her|their) (?:proposal|suggestion)")),
    ("contact", _re(r"联系人|(?:有事|有问题|办事)(?:该|应该|可以)?找谁|(?:该|应该|可以)?联系谁|找谁(?:联系|咨询|对接|办理)|contact person|who (?:should|can|do) (?:i|we|one) (?:call|ring|phone)|who (?:should|can|do) (?:i|we|one) contact|whom (?:should|can|do) (?:i|we|one) contact|who is the contact|whom to contact|who to contact")),
    ("phone", _re(_PHONE_ASKED)),
    ("postcode", _re(r"邮编|邮政编码|post ?code|postal code|\bzip\b")),
    ("address", _re(r"联系地址|通讯地址|地址|\baddress\b")),
    ("result", _re(r"办理结果|办理情况(?:是|为)|采纳情况|(?:outcome|result) of (?:the )?(?:handling|processing)|handling (?:result|outcome)|how was (?:the|it|this) (?:proposal|suggestion) (?:handled|resolved|adopted)")),
    ("issuer", _re(r"发文单位|发文机关|谁发的|(?:由谁|谁)(?:发出|印发|答复)|哪个(?:单位|部门|机关)(?:发|答复|回复)的|who issued|issuing (?:body|authority|office)|who (?:wrote|sent|signed(?: off)?) (?:the|this|that) (?:reply|response|letter)")),
    ("session", _re(r"哪次会议|哪一次会议|哪届|which session|what session|which meeting")),
    ("addressee", _re(r"答复(?:给|的是|对象)|(?:答复|回复)谁|给谁|致谁|谁提(?:出)?的|由谁提|哪(?:一|几)?位(?:政协|人大|市)?(?:委员|代表)|哪些(?:政协|人大|市)?(?:委员|代表)|提案人|建议人|提出人|\baddressed to\b|\baddressee\b|to whom|who (?:made|submitted|proposed|raised|put forward|wrote|filed|tabled) (?:the|this|that|a)? ?(?:proposal|suggestion)|which (?:member|deputy|deputies|members|delegate)|\bwho (?:is|was|are|were) behind\b|\b(?:members?|deput(?:y|ies)|delegates?|people|persons?) (?:who (?:were|was|are|is) )?behind\b|\bproposers?\b|\bsponsors? of (?:the|this|that)? ?(?:proposal|suggestion)")),
    ("title", _re(r"(?:提案|建议)(?:的)?(?:题目|标题|名称|全称)|title of (?:the|his|her|their|[\w ]{1,30}'s) (?:proposal|suggestion)")),
    ("cc", _re(r"抄送|\bcopied to\b|\bcc(?:'d)?\b|carbon cop")),
    ("printer", _re(r"印发(?:单位|机关|部门)|(?:哪个|什么)(?:单位|部门|办公室)印发|printed and issued|which office (?:printed|issued)")),
    ("disclosure", _re(r"公开属性|公开方式|是否公开|disclosure|publicity status|made public")),
]
# Replies to deputies' suggestions (人大) or to members' proposals (政协), asked as the kind replied to
_TO_DEPUTIES = r"人大代表|代表(?:的)?建议|人大|people'?s congress|\bdeput(?:y|ies)\b|\bsuggestions?\b"
_TO_MEMBERS = r"政协委员|委员(?:的)?提案|政协|\bcppcc\b|\bmembers?\b|\bproposals?\b"
_REPLIED_TO = _re(rf"(?:答复|回复|回应)(?:的是|给|的?对象[是为]).{{0,8}}(?:{_TO_DEPUTIES}|{_TO_MEMBERS})|对.{{0,10}}(?:建议|提案)的答复|(?:建议|提案)的答复|"
                  rf"(?:\b(?:respond(?:ed|ing|s)?|repl(?:y|ied|ying|ies)|addressed|sent) to\b|\banswer(?:ed|ing)?\b).{{0,30}}(?:{_TO_DEPUTIES}|{_TO_MEMBERS})")


def reply_kind_asked(text: str) -> str | None:
    """"suggestion" or "proposal" when the question asks for the replies to one kind (the kind named
    first: "deputies rather than CPPCC members" wants the replies to deputies)."""
    if not _REPLIED_TO.search(text):
        return None
    deputies, members = re.search(_TO_DEPUTIES, text, re.I), re.search(_TO_MEMBERS, text, re.I)
    if deputies and (not members or deputies.start() < members.start()):
        return "suggestion"
    return "proposal" if members else None


# A date question is about the reply itself only when it speaks of the reply (issued, 印发, 发文).
_REPLY_DATE = _re(r"(?:答复|回复|复函|文件|这份|该文|此文|发文|印发|成文|签发|落款)[^，,。？?]{0,8}(?:什么时候|哪天|何时|日期|时间|哪一天|几号|哪年|哪一年)|(?:什么时候|何时|哪天)[^，,。？?]{0,6}(?:答复|回复|印发|发文|发出)|印发日期|发文日期|成文日期|落款日期|答复日期|when was (?:the|this|that|his|her|their)? ?(?:reply|response|document|letter|answer)|when (?:was|did) [^?]{0,40}\b(?:reply|respond|response)\b|(?:what|which) (?:date|day) (?:did|was) [^?]{0,40}\b(?:reply|respond|response)\b|date of (?:the )?(?:reply|response|issue|document)|(?:reply|response|document|letter) (?:was )?(?:issued|dated|sent|signed|published)")
_REPLY_WORDS = _re(r"答复|回复|复函|文号|这份|该文|此文|发文|印发|\breply\b|\bresponse\b|\bletter\b|document")
_ISSUED = _re(r"印发|发文|发出|签发|落款|答复|回复|\bissued\b|\bdated\b|\bsent\b|\bsigned\b|\bwritten\b|\breplied\b")

# "By when will …", "预计何时出台": a date still to come
WHEN_FUTURE = _re(r"\bby when\b|\bwhen will\b|\bwhen (?:is|are) (?:\w+ ){1,8}(?:expected|due|planned|scheduled)\b|(?:何时|什么时候|哪一?年)(?:将(?![他她它其这那该此])|会|能|要|可以|才能)|预计(?:何时|什么时候|哪一?年)|计划(?:何时|什么时候|哪一?年)")
SINGLE_THING = ("number", "date", "duration", "person", "rank", "phone", "name", "org", "place")  # what one fact answers
_PLAN = _re(
    r"下一步|下阶段|下一阶段|今后|后续(?:有什么|有何|有哪些|会|将|要|如何|怎么|怎样|工作|安排|打算|计划|举措)|未来[^，,。？?]{0,12}?(?:将|会|要|打算|计划|如何)|接下来|打算|计划(?:如何|怎么|怎样|做|采取|推进)|有何计划|什么计划|哪些计划|(?<![已])将(?:如何|怎样|怎么|采取|会|重点|推进|做)|将要|准备(?:如何|怎么|做)|拟(?:如何|怎样|采取)|"
    r"next steps?|next stage|next phase|going forward|\bpromi[sz](?:e|es|ed|ing) to\b|follow-?up (?:work|steps?|actions?|measures?|plans?)|from now on|in (?:the )?(?:future|coming years?)|(?<!action )(?<!the )(?<!an )(?<!work )\bplan(?:s|ned|ning)? (?:to|for|on)\b|what (?:are|is) (?:the |its |their |his |her )?(?:\w+ ){0,3}plans?\b|\bintends?\b|\bintentions?\b|going to|\bwill\b(?=(?:\s+\w+){0,4}\s+(?:do|take|pursue|continue|focus|promote|strengthen|support|implement|carry|deepen|push|improve|build|develop|advance|work|plan|adopt|introduce|launch|set|help|raise|expand)(?:e?d|s|ing)?\b)|\bwill\b[^?]*\bnext\b|\bupcoming\b|what (?:else )?(?:is|are) .{0,40} (?:planning|planned)"
)
_LIST = _re(
    r"哪些(?:措施|举措|工作|做法|方面|政策|领域|任务|方向|机制|平台|项目|内容|建议|成效|成果|进展|行动|办法|手段|途径|方式|支持|安排|重点)|有哪些|有什么(?:措施|举措|做法|政策|安排|进展|成效)|采取了?(?:什么|哪些|何种)|主要做法|具体(?:措施|做法|举措)|几个方面|哪几个方面|哪几项|怎么做|怎样做|做了哪些|如何(?:推进|支持|加强|促进|推动|开展|做|落实|完善|提升|强化|鼓励|引导|解决|应对|保障|培育|建设|打造)|"
    r"(?<!哪)(?:哪些|哪几|哪[两三四五六七八九十]|分别)(?!答复|回复|文件|年|天|月)|包括(?:哪些|什么)|有哪几|"
    r"what (?:measures|steps|actions|initiatives|policies|tasks|priorities|areas|fields|efforts|things|work|progress|achievements|mechanisms|support|approaches|practices|recommendations|suggestions|ways)|(?:what|which) (?:two|three|four|five|six|several|main|key|major) |which (?:measures|steps|actions|initiatives|policies|tasks|priorities|areas|fields|efforts)|what (?:has|have|did) .{0,60}\b(?:done|taken|achieved|carried out|implemented)|\blist\b|in what ways|what (?:are|were) the (?:main |key |major )?(?:measures|steps|actions|initiatives|policies|tasks|priorities|areas|fields|efforts|points|elements)|how (?:is|are|does|do|did|will|has|have|can) .{0,60}\b(?:support|promot|strengthen|improv|encourag|build|develop|advanc|foster|boost|deepen|expand|respond|address|tackl|handl|implement)"
)
# What follows an English verb in -s and not a plural noun: its object ("which institution leads the centre")
OBJECT_AFTER = r"\s+(?:the|a|an|its|their|his|her)\b"
# "Which companies / what documents …": a plural noun after which/what asks for several things
_PLURAL_WH = re.compile(rf"\b(?:which|what)\s+(?:(?:are|were)\s+the\s+)?(?:(?!(?:is|are|was|were|do|does|did|has|have|had|will|would|can|could)\b)[a-z-]+\s+){{0,5}}?([a-z-]{{3,}}s)\b(?!{OBJECT_AFTER})(?!\s+(?:first|second|third|top|highest|lowest|best|worst|most|least)\b)", re.I)  # "which city ranks first": a verb
_NOT_PLURAL = {"is", "was", "has", "does", "this", "its", "thus", "status", "campus", "focus", "process", "access", "business", "progress", "address", "across", "plus", "bonus", "basis", "analysis", "us", "yes", "news", "less", "unless", "series", "species", "means", "whereas", "always", "perhaps"}
_PAST = _re(r"已经|已(?:有|在|经)|取得|采取了|做了|开展了|(?:already|so far|to date)|has been (?:done|taken)|have been (?:done|taken)|\bwhat (?:has|have|did) (?:\w+ ){0,5}(?:done|taken|achieved|made)")
_YESNO = _re(r"是否|有没有|是不是|能否|可否|会不会|有无|(?:吗|(?<![什怎那这多])么|了没有)\s*(?:[？?]|$)|^(?:is|are|was|were|does|do|did|has|have|had|can|could|will|would|should|shall)\b")
_COMPARE = _re(
    r"(?P<a>[^，,。？?]{1,30}?)[，,]?(?P<conj>和|与|跟|还是|或)(?P<b>[^，,。？?]{1,30}?)(?:相比)?[，,]?(?:哪个|哪一个|哪项|谁|哪些|哪一份|哪份)(?:(?!最)[^，,。？?]){0,12}?(?:更|比较)?(?P<adj1>多|少|大|小|高|低|早|晚|快|慢|强|领先)|"
    r"(?P<c>[^，,。？?]{1,30}?)比(?![重例率较如])(?P<d>[^，,。？?]{1,30}?)(?:更)?(?P<adj2>多|少|大|小|高|低|早|晚)(?:吗|么|多少)?|"
    r"which (?:is|was|are|were|has|had) (?:larger|bigger|higher|greater|more|fewer|smaller|lower|earlier|later|first)[^?]*?[,:]? (?P<e>[^,?]+?) or (?P<f>[^,?]+?)\s*\??$|"
    r"(?:more|fewer|larger|greater|higher|lower|smaller) (?:\w+ ){1,4}than"  # "more than 80%" is a threshold
)
_SEVERAL = _re(r"哪些答复|哪几份|哪些文件|有几份答复|多份|哪些回复|哪几个答复|which replies|which documents|in which replies|several replies|which responses|which of (?:the|these) (?:replies|responses|documents)")
_SUMMARY = _re(r"(?:态度|立场|观点|看法|意见|回应|怎么说|说了什么|怎么答复|如何答复|如何回应|答复要点|主要内容|概括|总结|概述|简述)|\b(?:position|stance|view|attitude|summar|overview|gist|in brief|briefly|main points|what does (?:the|this|that) (?:reply|response) say|how did (?:the commission|it|they) respond|how does (?:the commission|it) respond)")

# Words that only give a question its form; removed before counting concepts. Longer first.
FORM_WORDS = _re(
    r"超过|多于|少于|不到|以上|以下|已经|以后|之后|以前|之前|才|下一步|下阶段|下一阶段|接下来|今后|后续|打算|安排|具体|主要|哪些|哪几个|哪几项|有哪些|什么|措施|举措|做法|工作|方面|怎么做|怎样做|如何|采取了?|计划|准备|落实|是否|有没有|是不是|"
    r"\b(?:more|less|fewer|than|over|under|already|yet|approach(?:es)?|ways?|means|methods?|next|steps?|stage|phase|going|forward|future|follow-?up|follow|promi[sz]e[sd]?|plans?|planned|planning|intends?|will|measures?|actions?|initiatives?|efforts?|taken|done|doing|carried|implemented|main|key|major|specific|lists?|listed|mentions?|mentioned|outlines?|outlined|ways?|what|which|how)\b"
)


def _metadata_fields(text: str) -> tuple[str, ...]:
    """Every field of the reply the question asks for, in the order the question asks them."""
    found = []
    for name, pattern in _METADATA:
        m = pattern.search(text)
        if m:
            if name == "address" and not _REPLY_WORDS.search(text) and not re.search(r"联系|contact|通讯|mail", text, re.I):
                continue  # "which address is the lab at" is a place question
            if name == "addressee" and "谁提" in m.group(0) and not re.search(r"提案|建议|议案|答复|回复|这份|该份|委员|代表", text):
                continue  # "这个概念是由谁提出的" asks for a person of the topic, not who wrote a proposal
            if name == "phone" and "contact" in [f for _, f in found] and not re.search(r"电话|phone", text, re.I):
                continue
            found.append((m.start(), name))
    m = _REPLY_DATE.search(text)
    if not m and span_types(text)[:1] == ("date",) and DOCNO_RE.search(text) and _ISSUED.search(text):
        m = _ISSUED.search(text)  # "When was 沪科建复〔2023〕15号 issued?"
    if m:
        found.append((m.start(), "date"))
    if len(found) > 1:
        found = [f for f in found if f[1] != "addressee" or not any(g[1] == "contact" for g in found)]
    return tuple(dict.fromkeys(name for _, name in sorted(found)))


def field_phrases(text: str) -> list[str]:
    """The words of a question that ask for a field of a reply (联系地址, postcode, when … issued):
    not its topic."""
    found = [m.group(0) for _, pattern in _METADATA for m in pattern.finditer(text)]
    return found + [m.group(0) for p in (_ISSUED, _REPLY_WORDS, _REPLY_DATE) for m in p.finditer(text)]


def _word_starts(text: str) -> frozenset[int] | None:
    """Where the question's words begin and end (None without Chinese: English cues match whole words)."""
    return word_bounds(text) if any(is_cjk(ch) for ch in text) else None


def _asks(pattern: re.Pattern, text: str, starts: frozenset[int] | None) -> bool:
    """A Chinese cue counts where a word of the question begins: 多大 in 科罗拉多大学 and 规模 in
    大规模生产 ask for no figure. (For figures only: the segmenter joins other cues to their
    neighbours — 由谁, 在哪里, 简称 + 为什么 — where they still ask.)"""
    return any(starts is None or not is_cjk(m.group(0)[0]) or m.start() in starts for m in pattern.finditer(text))


def span_types(text: str) -> tuple[str, ...]:
    """Every span type the question asks for, the main one first."""
    starts = _word_starts(text)
    found = tuple(name for name, pattern in _TYPES if (_asks(pattern, text, starts) if name == "number" else pattern.search(text)))
    if "number" in found and not _asks(_NUMBER_ASKED, text, starts) and set(found) & {"person", "place", "org", "date"}:
        # 规模数据的是谁, 在哪些地区…号码: a figure named by its noun, where another kind is asked for
        found = tuple(t for t in found if t != "number") + ("number",)
    if "rank" in found and "place" in found and re.search(r"\bwhere\b", text, re.I) and not _PLACE_NOT_WHERE.search(text):
        found = tuple(t for t in found if t != "place")  # "where did it rank" asks for the rank
    return found


_NUMBER_ASKED = _re(_NUMBER_ASKED_CUES)
_PLACE_NOT_WHERE = re.compile(r"哪里|哪儿|在哪|which (?:district|city|province)|address|located", re.I)


def unit_class(text: str) -> str | None:
    for name, pattern in _UNIT_QUESTION:
        if pattern.search(text):
            return name
    return None


def _options(m: re.Match) -> tuple[str, ...]:
    pairs = [("a", "b"), ("c", "d"), ("e", "f")]
    for x, y in pairs:
        if m.group(x) and m.group(y):
            return (m.group(x).strip(), m.group(y).strip())
    return ()


_COUNT_WORDS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_STATED_COUNT = _re(r"哪([两二三四五六])[个项家种类所位条批]|\b(?:which|what)\s+(two|three|four|five|six)\b|(两|三|四|五)(?:个|项|家|种)(?:方面|措施|举措|途径|做法)")
_PART_SPLIT = re.compile(r"，|,\s*(?=and\b)|\band\s+(?=(?:how|what|when|where|who|which|in how|at what|on what)\b)|；|;|(?<=[？?])|其中|又有|以及")


def _parts(text: str) -> tuple[tuple[str, str | None, str], ...]:
    """The parts of a question that asks two things ("how many …, and how many of them …")."""
    out = []
    for piece in _PART_SPLIT.split(text):
        types = span_types(piece) if piece and piece.strip() else ()
        if types and types[0] in ("number", "date", "rank", "duration", "person", "phone", "place", "org"):
            out.append((types[0], unit_class(piece) if types[0] == "number" else None, piece.strip()))
    return tuple(out) if len(out) >= 2 else ()


_QUESTION = _re(
    r"[？?]|什么|多少|几|哪|谁|何|怎|吗|呢|是否|有没有|如何|为什么|为何|能否|请问|介绍|说明|列出|列举|概括|总结|"
    r"^(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|does|do|did|can|could|should|will|would|has|have|had|list|tell|show|give|explain|describe|summari[sz]e|name)\b"
)


def is_question(text: str) -> bool:
    """A question or request, not a greeting, a test or a bare term: a question word or mark, or
    enough words to say something (four English words, eight Chinese characters)."""
    if _QUESTION.search(text.strip()):
        return True
    return len(re.findall(r"[A-Za-z]+", text)) >= 4 or len(re.findall(r"[\u4e00-\u9fff]", text)) >= 8


def _plural_which(text: str) -> bool:
    m = _PLURAL_WH.search(text)
    return bool(m) and m.group(1).lower() not in _NOT_PLURAL and not m.group(1).lower().endswith(("ss", "us", "is"))


_CLAIM_UNITS = {"percent": "percent", "money": "money", "count": "count", "rank": None, "pp": "percent"}


def classify(text: str) -> Intent:
    """The intent of a question (zh or en)."""
    qtypes = span_types(text)
    qtype = qtypes[0] if qtypes else None
    unit = unit_class(text) if qtype == "number" else None
    m = _COUNTER.search(text)
    counter = m.group(1) if m and unit == "count" else None
    common = dict(qtype=qtype, qtypes=qtypes, unit=unit, counter=counter, person_role=bool(_PERSON_ROLE.search(text)), several=bool(_SEVERAL.search(text)),
                  past=bool(_PAST.search(text)), parts=_parts(text), question=is_question(text),
                  reason=bool(REASON_ASKED.search(text)))
    if common["parts"]:  # the main span answers the first part: "how many … and what share" marks the count first
        first_type, first_unit, first_words = common["parts"][0]
        if first_type == "number":
            common["unit"] = first_unit
            m = _COUNTER.search(first_words)
            common["counter"] = m.group(1) if m and first_unit == "count" else None
    m = _STATED_COUNT.search(text)
    if m:
        common["count"] = _COUNT_WORDS.get(next(g for g in m.groups() if g).lower())
    fields = _metadata_fields(text)
    field = fields[0] if fields else None
    if field == "doc_number" and common["several"]:
        field, fields = None, ()  # "which replies mention …": quotes from each, not one reply's field
    if common["several"] and reply_kind_asked(text):
        field, fields = "kind", ("kind",)  # "哪些答复是对人大代表建议的答复": the replies of one kind
    if field:
        kind_qtype = {"date": "date", "phone": "phone", "contact": "person", "addressee": "person", "proposal_number": "number",
                      "doc_number": None, "address": "place", "postcode": "number", "issuer": "org"}.get(field, qtype)
        return Intent(METADATA, **{**common, "qtype": kind_qtype, "qtypes": (kind_qtype,) if kind_qtype else ()}, field=field, fields=fields)
    m = _COMPARE.search(text)
    adjective = next((g for g in ("adj1", "adj2") if m and m.group(g)), None)
    if adjective:
        bounds = word_bounds(text)
        a, b = m.span(adjective)
        if b not in bounds or (a not in bounds and text[a - 1] not in "更较"):
            m = None  # 大 of 大厅, of 强大: no comparison
        elif m.group("conj") and not {m.start("conj"), m.end("conj")} <= bounds:
            m = None  # 与 of 参与: no two options
    if m and (qtype in ("number", "date", "rank", None) or re.search(r"哪个|哪一个|which", text, re.I)):
        if qtype is None:  # "哪个更多" compares figures; "哪一份更早", "which came first" compares dates
            common["qtype"] = "date" if re.search(r"早|晚|先|earlier|later|first", text, re.I) else "number"
        return Intent(COMPARE, **common, options=_options(m))
    future = bool(_PLAN.search(text))
    if _YESNO.search(text) and not re.search(r"^(?:how|what|which|who|when|where|why)\b", text.strip(), re.I):
        stated = [q for q in quantities(re.sub(rf"{YEAR}\s*年?", " ", text)) if q.unit in _CLAIM_UNITS]
        if stated:  # "约占全国一半吗": the figure stated decides what kind of figure answers (a share, not 经费's money)
            common.update(qtype="rank" if stated[0].unit == "rank" else "number", unit=_CLAIM_UNITS[stated[0].unit])
        return Intent(YESNO, **common, future=future)
    if _SUMMARY.search(text):
        return Intent(SUMMARY, **common, future=future)
    # a plan question asks what will be done; "准备组建的机构叫什么" asks for one thing's name, which a plan may hold
    if future and not (qtype in SINGLE_THING and not _LIST.search(text)) and not common["past"]:
        return Intent(PLAN, **common, future=True)
    if (_LIST.search(text) or _plural_which(text)) and qtype not in ("number", "date", "rank", "duration", "phone"):
        return Intent(LIST, **common)
    return Intent(FACTOID, **common, future=future)
