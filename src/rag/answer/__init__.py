"""Grounded answers without a language model, by the question's intent.

    intent.py     what the question wants: a fact, a list, a plan, a verdict, a field of the reply
    features.py   features of (question, sentence, passage) for the scorer
    scoring.py    the learned scorer and its calibrated confidence (fitted on CMRC 2018 trial)
    spans.py      key spans: the number, date, name … that answers
    outline.py    enumerations in a reply: numbered paragraphs, headings, items inside a paragraph
    structure.py  lists and plans: the enumeration that answers, its items quoted
    metadata.py   fields of the reply itself (文号, date, addressee, contact …)
    verdict.py    yes/no and comparison verdicts decided by the evidence
    compose.py    the Composer that puts an Answer together
"""

__all__ = ["Composer", "REFUSAL"]


def __getattr__(name: str):
    # lazily: rag.query imports rag.answer.intent, and compose imports rag.query
    if name in __all__:
        from rag.answer import compose

        return getattr(compose, name)
    raise AttributeError(name)
