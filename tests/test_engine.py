"""The engine as a web server uses it: many threads, many different questions, for a long time."""

import random
import threading

from conftest import DOC_NUMBERS
from rag import crosslingual
from rag.channels.lexical import SENTENCE_CACHE
from rag.errors import InputError
from rag.lexical import PARTS_CACHE

QUESTIONS = [
    "How many foreign R&D centres are there?",
    "上海累计成立了多少家外资研发中心？",
    "揭榜挂帅工作试点是哪一年启动的？",
    "沪科建复〔2024〕31号的联系人是谁？",
    "What share of GDP was R&D spending in 2022?",
]


def test_concurrent_questions_get_the_answers_one_thread_gets(engine):
    expected = {q: engine.ask(q).to_dict() for q in QUESTIONS}
    failures, results = [], []

    def worker(seed):
        rng = random.Random(seed)
        for _ in range(15):
            q = rng.choice(QUESTIONS)
            try:
                results.append(engine.ask(q).to_dict() == expected[q])
            except Exception as e:  # noqa: BLE001 — any error on a thread is a failure here
                failures.append(repr(e))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures and len(results) == 90 and all(results)


def test_caches_keyed_by_what_users_type_stay_bounded(engine):
    rng = random.Random(7)
    words = ["research", "centres", "organisation", "labour", "programme", "licence", "metres", "colour"]
    for _ in range(300):  # long questions of random made-up words, as a public server receives
        question = " ".join(rng.choice(words) + "".join(rng.choice("abcdefghij") for _ in range(4)) for _ in range(25))
        engine.ask(question)
        engine.ask("".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(40)))
    lexical = engine.index.lexical
    assert lexical._cached_parts.cache_info().currsize <= PARTS_CACHE
    assert lexical.idf.cache_info().currsize <= PARTS_CACHE
    assert crosslingual.american.cache_info().maxsize is not None
    assert crosslingual.american.cache_info().currsize <= crosslingual.american.cache_info().maxsize
    reranker = engine.retriever._channels[0]._reranker
    assert reranker._split.cache_info().currsize <= SENTENCE_CACHE


def test_an_unknown_doc_number_lists_a_few_nearest_not_all(engine):
    try:
        engine.retriever.search("研发", doc="沪科提复〔2023〕51号")
    except InputError as e:
        message = str(e)
    named = [d for d in DOC_NUMBERS if d in message]
    assert "沪科提复〔2023〕50号" in named and 1 <= len(named) <= 3
    assert "沪科提复〔2023〕51号" in message and "\n" not in message
