"""Text primitives used from a web server's worker threads at once give the same results as alone."""

import random
import threading

import snowballstemmer

from rag.text import tokenize

ENDINGS = ["ing", "ational", "ness", "ies", "ed", "ly", "ization", "fulness", "ously"]


def random_words(seed: int, n: int) -> list[str]:
    """Words never seen before (so every one reaches the stemmer, not its cache), with suffixes
    that make the stemmer backtrack."""
    rng = random.Random(seed)
    return ["".join(rng.choice("abcdeghilmnoprstuy") for _ in range(rng.randint(4, 14))) + rng.choice(ENDINGS) for _ in range(n)]


def test_english_tokens_are_right_from_four_threads_at_once():
    batches = [random_words(seed, 6000) for seed in range(4)]
    reference = snowballstemmer.stemmer("english")  # used by this thread only
    expected = [[reference.stemWord(w) for w in batch] for batch in batches]
    got: list = [None] * len(batches)
    errors: list[BaseException] = []
    start = threading.Barrier(len(batches))

    def work(i: int):
        start.wait()
        try:
            got[i] = [tok for w in batches[i] for tok in tokenize(w)]
        except BaseException as e:  # noqa: BLE001 — reported below with the others
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    for want, have in zip(expected, got):
        assert have == want
