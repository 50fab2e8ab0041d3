"""Text primitives shared by every stage: normalisation, sentences, tokens, language."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
_LATIN_RE = re.compile(r"[A-Za-z]")

# Sentence ends. A closing quote or bracket right after the mark stays with its sentence.
SENTENCE_END = "。！？!?；;"
_SENTENCE_RE = re.compile(rf"[^{SENTENCE_END}\n]*(?:[{SENTENCE_END}]+[”’」』）)\"']*|\n|$)")

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Function words and question words: they carry no topic, so they do not count as matches.
ZH_STOPWORDS = frozenset(
    """的 了 和 与 及 或 等 是 在 对 为 把 被 从 向 以 于 之 其 这 那 这些 那些 该 各 有 有关 相关 中 上 下
    也 都 就 还 又 并 并且 而 而且 但 但是 如 如何 怎么 怎样 什么 哪 哪个 哪些 哪里 哪儿 哪一 哪年 哪一年 哪家 哪位
    谁 多少 几 几个 几家 几项 吗 呢 吧 啊 么 请问 请 是否 是不是 能否 已 已经 将 会 要 个 家 项 位 所 年 月 日
    我 我们 你 您 您们 他 她 它 他们 通过 进行 开展 情况 方面 问题 目前 共 共有 一共 总共 到底 具体 主要 分别
    有没有 没有 提到 提及 说 讲 答复 答复中 文件 哪份 哪些份 哪份答复 哪次 哪几个 哪几位 哪几家 哪几项 几位 什么样 怎样的
    哪种 哪类 哪方面 第几 几号 编号 号码 日期 时间 哪天 名称 名字 叫什么 数量 数目 多大 多高 多久 提的 来着 一下 么样""".split()
)

# A demonstrative with its measure word (这位, 那出, 该项, 哪所) points at what the question names
# elsewhere; it is no word of its topic. (本 is left out: 本市 names the city.)
DEMONSTRATIVE = re.compile(r"[这那该此每各某哪][位个所家项出部种条次座台套支篇件名批类场届样些份门只张块段句片节期轮]")

EN_STOPWORDS = frozenset(
    """a an the of in on at to for from by with about into over under as and or but not no nor is are was were be
    been being am do does did doing have has had having it its this that these those there here what which who whom
    whose when where why how many much what's whats is's s i me my we our you your he she they them their his her
    can could should would will shall may might must any some all each every both either neither than then so such
    very also just only more most other same own too up down out off again further once per according reply replies
    document documents say says said mention mentions mentioned tell give given number amount total listed named
    called addressed addressee stated describe described answer answered answers replied respond responded""".split()
)


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lower case, control characters removed."""
    return _CONTROL_RE.sub(" ", unicodedata.normalize("NFKC", text)).lower()


def squash(text: str) -> str:
    """Text with all whitespace removed: for containment checks that must ignore spacing."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def cjk_ratio(text: str) -> float:
    letters = len(_CJK_RE.findall(text)) + len(_LATIN_RE.findall(text))
    return len(_CJK_RE.findall(text)) / letters if letters else 0.0


def detect_lang(text: str) -> str:
    """"zh" when Chinese characters make up a real part of the letters, else "en"."""
    return "zh" if cjk_ratio(text) >= 0.2 else "en"


def is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


TITLE_REACH = 40  # characters a title may run on past a mark inside it


def _open_title(text: str, s: int, e: int) -> bool:
    """A book or work title opened before e and closed soon after (《卡拉OK.LIVE！‧台北‧我》): the mark
    inside it ends no sentence. A title never closed does not swallow the sentences after it."""
    if text.count("《", s, e) <= text.count("》", s, e) or "\n" in text[e - 1:e]:
        return False
    close = text.find("》", e, e + TITLE_REACH)
    return close >= 0 and "《" not in text[e:close] and "\n" not in text[e:close]


def sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of text (shifted by offset), whitespace trimmed. A mark inside
    a title (《…！…》) does not end the sentence."""
    spans = []
    start = 0
    for m in _SENTENCE_RE.finditer(text):
        if m.end() < len(text) and _open_title(text, start, m.end()):
            continue
        s, e, start = start, m.end(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s + offset, e + offset))
    return spans


_pending_words: list[str] = []


@lru_cache(maxsize=1)
def _segmenter():
    """rjieba (jieba's dictionary and algorithm in Rust, loaded in about 0.1 s, where jieba takes
    0.6–1.2 s): only text with Chinese in it needs this."""
    import rjieba

    for w in _pending_words:
        rjieba.add_word(w, 1000, None)
    return rjieba


def add_words(words) -> None:
    """Teach the segmenter words it would split (names from document metadata: 李琛浩 not 李琛/浩).
    The index stores these words so queries are segmented the same way as passages. Added when
    the segmenter is loaded, so that a question without Chinese never loads it."""
    words = [w for w in words if w and len(w) >= 2]
    if _segmenter.cache_info().currsize:
        for w in words:
            _segmenter().add_word(w, 1000, None)
    else:
        _pending_words.extend(words)


# Runs without Chinese characters are split by this pattern, as jieba splits them: 7.3km → 7.3 km,
# www.example.org → www . example . org; 6G and 4.2% stay whole
_ASCII_TOKEN = re.compile(r"[a-z0-9]+(?:\.\d+)?%?")
_ASCII_PIECE = re.compile(r"[A-Za-z0-9]+(?:\.\d+)?%?|[^A-Za-z0-9\s]")  # _ASCII_TOKEN, and what lies between


def _inside_next(t: str, following: list[str]) -> bool:
    for f in following:
        if not f.isascii() or f.isspace():
            return False
        if len(f) > len(t) and t in f:
            return True
    return False


def _split_ascii(tokens: list[str]) -> list[str]:
    out = []
    for i, t in enumerate(tokens):
        if t.isascii() and not t.isspace() and _inside_next(t, tokens[i + 1:i + 6]):
            continue  # search mode's pieces before www.example.org (www, example): the split below gives them
        if len(t) > 1 and t.isascii() and not t.isalnum() and not t.isspace():
            out.extend(_ASCII_PIECE.findall(t))
        else:
            out.append(t)
    return out


def _segments(text: str, search: bool) -> list[str]:
    norm = normalize(text)
    if not _CJK_RE.search(norm):
        return _ASCII_TOKEN.findall(norm)
    seg = _segmenter()
    return _split_ascii(seg.cut_for_search(norm) if search else seg.cut(norm))


def pieces(text: str) -> list[str]:
    """The text cut into words as written (their concatenation is the text): for cutting quotes at
    word boundaries."""
    if not _CJK_RE.search(text):
        return re.findall(r"\S+|\s+", text)
    return _split_ascii(_segmenter().cut(text))


def word_bounds(text: str) -> frozenset[int]:
    """The offsets where the text's words begin and end (0 and len(text) among them)."""
    bounds, at = {0}, 0
    for piece in pieces(text):
        at += len(piece)
        bounds.add(at)
    return frozenset(bounds)


def tag(word: str) -> str:
    """The segmenter's part-of-speech tag of one word (nr for 张建国, ns for 松江), "" when it cuts it."""
    tagged = _segmenter().tag(word)
    return tagged[0][1] if len(tagged) == 1 else ""


_TOKEN_OK = re.compile(rf"[{CJK}a-z0-9]")
_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?%?$")


_local = threading.local()


def _stemmer():
    """This thread's stemmer: a snowball stemmer keeps the word it is working on in the instance,
    so one shared by a web server's worker threads garbles words or raises IndexError."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer


@lru_cache(maxsize=1 << 16)  # bounded: every question may bring words never seen before
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def tokenize(text: str) -> list[str]:
    """Index/query tokens: jieba search-mode words (whole words and their sub-words), Latin words
    lower-cased and stemmed, numbers kept verbatim (4.2% also yields 4.2). Stopwords dropped."""
    out: list[str] = []
    for tok in _segments(text, search=True):
        tok = tok.strip()
        if not tok or not _TOKEN_OK.search(tok) or tok in ZH_STOPWORDS:
            continue
        if tok.isascii():
            if _NUMBER_RE.match(tok):
                out.append(tok)
                if tok.endswith("%"):
                    out.append(tok[:-1])
                continue
            if tok in EN_STOPWORDS:
                continue
            tok = stem(tok) if tok.isalpha() else tok
        out.append(tok)
    return out


def words(text: str) -> list[tuple[str, list[str]]]:
    """Query words as a reader sees them (jieba's precise cut), each with its sub-words
    (揭榜挂帅 → 揭榜, 挂帅): for judging how much of a question a sentence covers, a word and its
    pieces are one concept, not several."""
    out = []
    for w in _segments(text, search=False):
        w = w.strip()
        if not w or not _TOKEN_OK.search(w) or w in ZH_STOPWORDS or w in EN_STOPWORDS or DEMONSTRATIVE.fullmatch(w):
            continue
        if w.isascii() and w.isalpha():
            w = stem(w)
        subs = [t for t in _segments(w, search=True) if t != w and len(t) >= 2 and t not in ZH_STOPWORDS] if len(w) >= 3 else []
        out.append((w, subs))
    return out


def char_bigrams(text: str) -> list[str]:
    """Overlapping pairs of Chinese characters, letters or digits; whitespace and punctuation break
    a run. For the bigram index, which needs no segmenter."""
    out = []
    for run in re.findall(rf"[{CJK}a-z0-9]+", normalize(text)):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def tokenize_many(texts: list[str]) -> list[list[str]]:
    return [tokenize(t) for t in texts]


@lru_cache(maxsize=1)
def _t2s():
    """OpenCC's traditional → simplified converter (about 30 ms to load; only questions with Chinese need it)."""
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters made simplified (OpenCC t2s), so that 研發中心 finds 研发中心. Full-width
    forms are left to normalize(). Text without Chinese is returned as it is."""
    if not _CJK_RE.search(text):
        return text
    return _t2s().convert(text)


def mark_spans(text: str, spans) -> str:
    """The text with each key span in ** (spans: one (start, end), several, or None)."""
    if not spans:
        return text
    if isinstance(spans[0], int):
        spans = (spans,)
    out, at = [], 0
    for s, e in sorted(spans):
        if s < at:
            continue
        out += [text[at:s], "**", text[s:e], "**"]
        at = e
    return "".join(out) + text[at:]
