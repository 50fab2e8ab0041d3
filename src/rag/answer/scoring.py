"""The learned answer scorer: a logistic model over the features of rag.answer.features, fitted on the
CMRC 2018 trial set by scripts/fit_answer_model.py and shipped as JSON (no pickles).

Two parts:
- the sentence model ranks candidate sentences: its logit says how likely a sentence holds the answer;
- two calibrations map the best sentence's logit (and its margin over the runner-up) to
  probabilities, measured on the trial questions asked against their own passages and against the
  passages of other articles (SQuAD 2.0's unanswerable pairs): the gate, that the replies answer the
  question at all (the best sentence comes from the question's own passage), and the confidence,
  that the answer's quotes hold the answer. An answer is given when the gate reaches the threshold
  fitted for a stated precision; its confidence is reported with it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from rag.answer.features import ALL_FEATURES, add_relative
from rag.errors import IndexProblem

MODEL_FILE = "data/answer_model.json"


@dataclass(frozen=True)
class AnswerModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    calibration: tuple[float, float, float]  # confidence: a·logit + b·margin + c
    gate: tuple[float, float, float]  # answerability: a·logit + b·margin + c
    threshold: float  # answerability needed to answer
    extra_threshold: float  # sentence probability needed to quote a supporting sentence
    meta: dict

    def logits(self, rows: np.ndarray) -> np.ndarray:
        """Sentence logits for the feature rows of one question's candidates (rag.answer.features.FEATURES;
        the gaps to the best candidate are added here)."""
        if rows.size == 0:
            return np.zeros(0)
        rows = add_relative(rows)
        return ((rows - self.mean) / self.scale) @ self.coef + self.intercept

    @staticmethod
    def _calibrated(params, best: float, runner_up: float | None) -> float:
        margin = best - runner_up if runner_up is not None else 4.0
        a, b, c = params
        return 1.0 / (1.0 + math.exp(-(a * best + b * min(margin, 4.0) + c)))

    def confidence(self, best: float, runner_up: float | None) -> float:
        """Probability that an answer from the best sentence is right (its quotes hold the answer)."""
        return self._calibrated(self.calibration, best, runner_up)

    def answerable(self, best: float, runner_up: float | None) -> float:
        """Probability that the replies answer the question at all."""
        return self._calibrated(self.gate, best, runner_up)

    @staticmethod
    def probability(logit: float) -> float:
        return 1.0 / (1.0 + math.exp(-logit))

    @classmethod
    def from_dict(cls, d: dict) -> AnswerModel:
        names = tuple(d["features"])
        if names != ALL_FEATURES:
            missing = sorted(set(ALL_FEATURES) - set(names))
            raise IndexProblem(
                f"the answer model in {MODEL_FILE} was fitted on other features (missing: {', '.join(missing) or 'none'}); "
                "run `python scripts/fit_answer_model.py` to refit it"
            )
        cal, gate = d["calibration"], d.get("gate", d["calibration"])
        return cls(
            names, np.array(d["mean"], dtype=float), np.array(d["scale"], dtype=float), np.array(d["coef"], dtype=float),
            float(d["intercept"]), (float(cal["a"]), float(cal["b"]), float(cal["c"])), (float(gate["a"]), float(gate["b"]), float(gate["c"])),
            float(d["threshold"]), float(d["extra_threshold"]),
            {k: v for k, v in d.items() if k not in {"features", "mean", "scale", "coef", "intercept", "calibration", "gate"}},
        )

    def to_dict(self) -> dict:
        a, b, c = self.calibration
        ga, gb, gc = self.gate
        return {
            "features": list(self.features), "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist(),
            "coef": self.coef.round(6).tolist(), "intercept": round(self.intercept, 6), "calibration": {"a": a, "b": b, "c": c},
            "gate": {"a": ga, "b": gb, "c": gc},
            "threshold": self.threshold, "extra_threshold": self.extra_threshold, **self.meta,
        }


@lru_cache(maxsize=1)
def load_model() -> AnswerModel:
    """The model shipped with the package."""
    data = json.loads(resources.files("rag").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    return AnswerModel.from_dict(data)


def neutral_model() -> AnswerModel:
    """Equal weights on the coverage features: what the fitting script starts from, and what tests of
    the plumbing use. Not for answering users."""
    n = len(ALL_FEATURES)
    coef = np.zeros(n)
    for name, w in (("cov_sent", 4.0), ("cov_near", 2.0), ("missing_max", -4.0), ("entity_missing", -3.0), ("typed", 1.0)):
        coef[ALL_FEATURES.index(name)] = w
    return AnswerModel(ALL_FEATURES, np.zeros(n), np.ones(n), coef, -3.0, (1.0, 0.0, 0.0), (1.0, 0.0, 0.0), 0.5, 0.5, {})
