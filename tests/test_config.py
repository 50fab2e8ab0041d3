import pytest

from rag.config import Config
from rag.errors import InputError


def test_answer_tunables_come_from_the_environment_and_are_checked(monkeypatch):
    monkeypatch.setenv("RAG_ANSWER_THRESHOLD", "0.7")
    assert Config.load().answer_threshold == 0.7
    monkeypatch.setenv("RAG_ANSWER_THRESHOLD", "high")
    with pytest.raises(InputError, match="RAG_ANSWER_THRESHOLD"):
        Config.load()
    for bad in ({"answer_threshold": 1.5}, {"max_quotes": 0}, {"list_min_coverage": 0.0}, {"list_join_share": 2.0}):
        with pytest.raises(InputError, match=next(iter(bad))):
            Config(**bad)


def test_the_answer_tunables_change_answers(seed_index_dir):
    from rag.engine import Engine

    def engine(**kw):
        return Engine(Config(corpus_dir="corpus", index_dir=str(seed_index_dir), model=None, **kw), build=False, log=lambda m: None)

    question = "2022年研发经费占GDP比重是多少？"
    assert engine().ask(question).found
    assert not engine(answer_threshold=1.0).ask(question).found  # nothing is certain enough
    assert len(engine(max_quotes=1).ask(question).citations) == 1
