"""Optional answers written by a language model, in the question's language, checked sentence by
sentence against the passages it was shown.

Any OpenAI-compatible /v1 endpoint serves (Ollama, vLLM, a llama.cpp server, a hosted API):
RAG_LLM_URL, RAG_LLM_MODEL and, when the endpoint wants one, RAG_LLM_API_KEY; RAG_LLM_TIMEOUT
bounds the wait (seconds, default 20). The model gets the numbered passages and is asked to cite
them as [n]. Every sentence it writes then passes the claim verifier: a sentence that no passage
supports, or that a passage contradicts, is removed (and listed with the reason); a citation that
points at a passage which does not say it is corrected to one that does. The extractive answer —
the verbatim quotes — always stays beside it as evidence. An unset, slow, failing or garbled
endpoint falls back to the extractive answer with a notice that says why. The key is never
logged, printed or returned.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from rag.draft import sentence_spans
from rag.text import detect_lang
from rag.verify import SUPPORTED

DEFAULT_TIMEOUT = 20.0
MAX_ANSWER_CHARS = 4000  # a longer reply is not an answer to one question
PASSAGE_CHARS = 700  # each passage as the model sees it
_CITE = re.compile(r"\s*[\[【]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】]")

INSTRUCTIONS = {
    "en": "Answer in English.",
    "zh": "请用中文回答。",
}
SYSTEM = (
    "You answer questions about the published replies of the Shanghai Science and Technology Commission. "
    "Use only the numbered passages you are given. End every sentence with the number of the passage that states it, "
    "in square brackets, e.g. [1] or [1][3]. Copy figures, units, years, dates, names and document numbers (文号) exactly "
    "as the passages write them; translate the rest. Write at most four sentences. If the passages do not answer the "
    "question, say so in one sentence without a citation. {instruction}"
)


@dataclass(frozen=True)
class LLMSettings:
    """Where the model is. The key is kept out of repr and never shown."""

    url: str | None = None
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_env(cls, environ=None) -> LLMSettings:
        env = os.environ if environ is None else environ
        try:
            timeout = float(env.get("RAG_LLM_TIMEOUT") or DEFAULT_TIMEOUT)
        except ValueError:
            timeout = DEFAULT_TIMEOUT
        return cls(
            url=(env.get("RAG_LLM_URL") or "").strip() or None,
            model=(env.get("RAG_LLM_MODEL") or "").strip() or None,
            api_key=(env.get("RAG_LLM_API_KEY") or "").strip() or None,
            timeout=timeout if timeout > 0 else DEFAULT_TIMEOUT,
        )

    @property
    def configured(self) -> bool:
        return bool(self.url and self.model)

    def scrub(self, text: str) -> str:
        """A message with the key (should an error echo it) masked."""
        text = str(text)
        return text.replace(self.api_key, "***") if self.api_key else text


class Unavailable(Exception):
    """The model could not give a usable answer; the message says why (without the key)."""


def prompt(question: str, lang: str, passages) -> list[dict]:
    """The chat messages: instructions, then the numbered passages and the question."""
    lines = []
    for n, hit in enumerate(passages, start=1):
        c = hit.chunk
        text = c.text if len(c.text) <= PASSAGE_CHARS else c.text[:PASSAGE_CHARS] + "…"
        where = f"{c.doc_number or c.doc_id}" + (f" › {c.section_path}" if c.section else "")
        lines.append(f"[{n}] ({where})\n{text}")
    user = "Passages:\n\n" + "\n\n".join(lines) + f"\n\nQuestion: {question}"
    return [{"role": "system", "content": SYSTEM.format(instruction=INSTRUCTIONS[lang])}, {"role": "user", "content": user}]


def complete(settings: LLMSettings, messages: list[dict]) -> str:
    """The model's reply text. Raises Unavailable with the reason on any failure."""
    import openai  # only when generation is asked for: the CLI stays fast

    try:
        client = openai.OpenAI(base_url=settings.url, api_key=settings.api_key or "none", timeout=settings.timeout, max_retries=0)
        response = client.chat.completions.create(model=settings.model, messages=messages, temperature=0)
    except openai.APITimeoutError:
        raise Unavailable(f"the language model at {settings.url} did not answer within {settings.timeout:g} s") from None
    except openai.APIConnectionError as e:
        raise Unavailable(f"cannot reach the language model at {settings.url} ({settings.scrub(_reason(e))})") from None
    except openai.APIStatusError as e:
        raise Unavailable(f"the language model at {settings.url} answered HTTP {e.status_code} ({settings.scrub(_reason(e))[:200]})") from None
    except (openai.OpenAIError, ValueError, TypeError) as e:  # a body that is not a chat completion
        raise Unavailable(f"the language model's reply could not be read ({settings.scrub(_reason(e))[:200]})") from None
    try:
        text = response.choices[0].message.content
    except (AttributeError, IndexError, TypeError):
        raise Unavailable("the language model's reply holds no answer") from None
    if not isinstance(text, str) or not text.strip():
        raise Unavailable("the language model's reply is empty")
    if len(text) > MAX_ANSWER_CHARS:
        raise Unavailable(f"the language model's reply is {len(text):,} characters long, not an answer")
    return text.strip()


def _reason(e: Exception) -> str:
    cause = e.__cause__ or e.__context__
    return str(cause or e) or type(e).__name__


def split_cited(text: str) -> list[tuple[str, list[int]]]:
    """The answer's sentences, each without its [n] markers, with the passage numbers it cites."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*+]|\d{1,2}[.)])\s+", "", line).strip()
        # a citation after the full stop belongs to the sentence before it
        line = re.sub(r"([。！？.!?])((?:\s*[\[【]\s*\d[\d\s,，、]*[\]】])+)", r"\2\1", line)
        for s, e in sentence_spans(line):
            part = line[s:e].strip()
            cited = [int(n) for m in _CITE.finditer(part) for n in re.split(r"[,，、]", m.group(1))]
            sentence = _CITE.sub("", part).strip()
            if re.search(r"[\w\u4e00-\u9fff]", sentence):
                out.append((sentence, list(dict.fromkeys(cited))))
    return out


def _cited(sentence: str, numbers: list[int]) -> str:
    """The sentence with its [n] markers before its closing mark: "… so far [1]." / "…453家[1]。"."""
    marks = "".join(f"[{n}]" for n in numbers)
    m = re.search(r"[。！？.!?；;]+[”’\"')]*$", sentence)
    at = m.start() if m else len(sentence)
    space = " " if sentence[:at].rstrip()[-1:].isascii() else ""
    return sentence[:at].rstrip() + space + marks + sentence[at:]


def check_sentences(verifier, passages, sentences: list[tuple[str, list[int]]]) -> list[dict]:
    """Each generated sentence verified: against the passages it cites, then against all of them.
    kept: supported by some passage; its citations are the passages that support it."""
    rows = []
    by_chunk = {h.chunk.chunk_id: n for n, h in enumerate(passages, start=1)}
    for sentence, cited in sentences:
        valid = [n for n in cited if 1 <= n <= len(passages)]
        v = verifier.verify(sentence, [passages[n - 1] for n in valid]) if valid else None
        note = ""
        if v is None or v.verdict != SUPPORTED:
            v_all = verifier.verify(sentence, list(passages))
            if v_all.verdict == SUPPORTED:
                wrong = [n for n in cited if n not in valid]
                support = [by_chunk[c.chunk_id] for c in v_all.citations if c.chunk_id in by_chunk]
                if wrong:
                    note = f"cited [{', '.join(map(str, wrong))}], which is not among the passages; [{support[0]}] supports it"
                elif cited:
                    note = f"cited [{', '.join(map(str, cited))}], which does not say this; corrected to [{support[0]}]"
                else:
                    note = f"no citation given; [{support[0]}] supports it"
            v = v_all
        kept = v.verdict == SUPPORTED
        numbers = list(dict.fromkeys(by_chunk[c.chunk_id] for c in v.citations if c.chunk_id in by_chunk))
        rows.append({
            "text": sentence, "verdict": v.verdict, "kept": kept, "cited": cited, "passages": numbers if kept else [],
            "citations": [c.to_dict() for c in v.citations], "note": note if kept else (v.note or ""),
        })
    return rows


def generate(engine, verifier, question: str, doc: str | None = None, year=None, settings: LLMSettings | None = None, answer=None) -> dict:
    """The extractive answer's JSON, plus "generated" (or None) and notices explaining any fallback."""
    settings = settings or LLMSettings.from_env()
    answer = answer or engine.ask(question, doc=doc, year=year)
    out = answer.to_dict()
    out["generated"] = None

    def fallback(reason: str) -> dict:
        out["notices"] = list(out["notices"]) + [f"{reason}; showing the extractive answer"]
        return out

    if not settings.configured:
        return fallback("generation is off: set RAG_LLM_URL and RAG_LLM_MODEL to an OpenAI-compatible endpoint")
    passages = list(answer.sources)
    if not passages:
        return fallback("no passage to write an answer from")
    try:
        text = complete(settings, prompt(answer.question, answer.lang, passages))
    except Unavailable as e:
        return fallback(str(e))
    sentences = split_cited(text)
    if not sentences:
        return fallback("the language model's reply holds no sentence")
    rows = check_sentences(verifier, passages, sentences)
    kept = [r for r in rows if r["kept"]]
    if not kept:
        return fallback(f"none of the {len(rows)} sentences the language model wrote is supported by the passages")
    sep = " " if answer.lang == "en" else ""
    final = sep.join(_cited(r["text"], r["passages"]) for r in kept)
    out["generated"] = {
        "text": final,
        "model": settings.model,
        "sentences": rows,
        "passages": [{"n": n, "doc_number": h.chunk.doc_number or h.chunk.doc_id, "chunk_id": h.chunk.chunk_id} for n, h in enumerate(passages, start=1)],
    }
    notices = []
    removed = len(rows) - len(kept)
    if removed:
        notices.append(f"{removed} of {len(rows)} generated sentences removed: not supported by the passages")
    if any(r["kept"] and r["note"] for r in rows):
        notices.append("citations corrected in the generated answer")
    if detect_lang(final) != answer.lang:
        notices.append(f"the language model answered in {'Chinese' if detect_lang(final) == 'zh' else 'English'}, not the question's language")
    out["notices"] = list(out["notices"]) + notices
    return out
