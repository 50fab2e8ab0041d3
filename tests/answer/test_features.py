"""Features of the answer scorer that stand on their own: the order-aware alignment of a question
with a sentence."""

import random

from rag.answer.features import alignment, lcs_length
from rag.lexical import TermGroup


def _lcs_table(a: str, b: str) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        row = [0]
        for j, y in enumerate(b):
            row.append(previous[j] + 1 if x == y else max(previous[j + 1], row[j]))
        previous = row
    return previous[-1]


def test_bit_parallel_lcs_agrees_with_the_table_on_random_strings():
    rng = random.Random(7)
    for _ in range(2000):
        a = "".join(rng.choice("甲乙丙丁") for _ in range(rng.randint(0, 14)))
        b = "".join(rng.choice("甲乙丙丁戊") for _ in range(rng.randint(0, 40)))
        assert lcs_length(a, b) == _lcs_table(a, b)


def _concepts(*words):
    return tuple(TermGroup(((w, 1.0),), 1.0, w) for w in words)


def test_a_sentence_in_the_questions_order_aligns_better_than_one_with_its_words_scattered():
    concepts = _concepts("石桥", "建成", "年份")
    restated = "这座石桥建成的年份是1907年。"
    scattered = "年份不详的石碑旁，新建成了一座石桥。"
    assert alignment(concepts, restated) == 1.0
    assert alignment(concepts, restated) > alignment(concepts, scattered) > 0.0
    assert alignment(concepts, "与此无关的句子。") == 0.0


def test_an_english_question_has_no_alignment_with_chinese_text():
    concepts = (TermGroup((("石桥", 1.0),), 1.0, "stone bridge"),)
    assert alignment(concepts, "这座石桥建成于1907年。", "en") is None
