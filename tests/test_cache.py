"""Per-user caches: the inverted dictionary and jieba's dictionary cache live in the user's cache
directory, never in a /tmp file another user may own."""

import os
import subprocess
import sys

import pytest

from conftest import CORPUS
from rag.cache import cache_dir


def test_the_cache_directory_is_the_users(monkeypatch, tmp_path):
    monkeypatch.delenv("RAG_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "rag"
    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"


def test_jieba_caches_in_the_users_directory_not_in_tmp(tmp_path):
    shared_tmp = tmp_path / "tmp"
    shared_tmp.mkdir()
    (shared_tmp / "jieba.cache").mkdir()  # another user's file in the way: jieba could not replace it
    env = {**os.environ, "TMPDIR": str(shared_tmp), "RAG_CACHE_DIR": str(tmp_path / "cache"), "RAG_INDEX_DIR": str(tmp_path / "i"),
           "RAG_CORPUS_DIR": str(CORPUS), "RAG_MODEL": "none"}
    r = subprocess.run([sys.executable, "-m", "rag", "ask", "上海累计成立了多少家外资研发中心？"], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "453" in r.stdout
    assert "Traceback" not in r.stderr and "Dump cache file failed" not in r.stderr
    assert (tmp_path / "cache" / "jieba" / "jieba.cache").is_file()
    assert list(shared_tmp.iterdir()) == [shared_tmp / "jieba.cache"]


def test_the_dense_off_note_is_said_when_the_index_is_built_not_on_every_question(tmp_path):
    env = {**os.environ, "RAG_INDEX_DIR": str(tmp_path / "i"), "RAG_CORPUS_DIR": str(CORPUS), "RAG_MODEL": "none"}
    ask = [sys.executable, "-m", "rag", "ask", "How many foreign R&D centres are there?"]
    first = subprocess.run(ask, capture_output=True, text=True, env=env)
    assert first.stderr.count("dense channel off") == 1
    again = subprocess.run(ask, capture_output=True, text=True, env=env)
    assert again.returncode == 0 and "dense channel off" not in again.stderr
    index = subprocess.run([sys.executable, "-m", "rag", "index"], capture_output=True, text=True, env=env)
    assert "up to date" in index.stdout and "dense channel off" not in index.stderr
    status = subprocess.run([sys.executable, "-m", "rag", "status"], capture_output=True, text=True, env=env)
    assert "dense    OFF" in status.stdout


@pytest.mark.slow  # inverts CC-CEDICT once in a fresh cache (about 20 s)
def test_the_inverted_dictionary_is_built_once_and_read_back_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "cache"))
    from rag import cedict
    from rag.crosslingual import invert_cedict

    cedict.inverted.cache_clear()
    try:
        built = cedict.inverted()
        stored = list((tmp_path / "cache").glob("cedict-*"))
        assert len(stored) == 1 and (stored[0] / "keys.txt").is_file()
        read = cedict.InvertedDictionary.load(stored[0])
        entries, gloss_count, char_pinyin, common = invert_cedict()
        vocab = {"研发", "中心", "外资", "上海", "企业", "创新"}
        expected = [(zh, py, keys) for zh, py, keys in entries if zh in vocab]
        assert list(read.matching(vocab)) == list(built.matching(vocab)) == expected
        assert read.gloss_count == gloss_count and read.char_pinyin == char_pinyin
        assert read.common == built.common == frozenset(common)
        assert {"城市", "古老"} <= read.common and not {"上海", "北京", "印度"} & read.common  # names are glossed capitalised
    finally:
        cedict.inverted.cache_clear()
