import numpy as np

from rag.lexical import LexicalIndex, TermGroup, plain_query, top_k

TEXTS = ["外资研发中心累计成立453家", "研发经费支出占GDP比重", "外国专家来访", "高新技术企业突破2.2万家"]


def test_plain_query_counts_each_token_once():
    groups = plain_query("研发 研发 中心")
    assert [g.alternatives[0][0] for g in groups] == ["研发", "中心"]


def test_a_group_scores_its_best_alternative_not_the_sum():
    lex = LexicalIndex.build(TEXTS)
    one = lex.score([TermGroup((("外资", 1.0),))])
    both = lex.score([TermGroup((("外资", 1.0), ("外国", 1.0)))])
    assert both[0] == one[0]  # max, not sum
    assert both[2] > 0  # the alternative found passage 2


def test_weights_scale_alternatives():
    lex = LexicalIndex.build(TEXTS)
    full = lex.score([TermGroup((("外国", 1.0),))])[2]
    half = lex.score([TermGroup((("外国", 0.5),))])[2]
    assert np.isclose(half, full / 2)


def test_phrases_match_only_where_all_parts_occur():
    lex = LexicalIndex.build(TEXTS)
    scores = lex.token_scores("外资研发中心")
    assert scores[0] > 0 and scores[1] == 0  # passage 1 has 研发 but not 外资
    assert lex.idf("外资研发中心") >= lex.idf("研发")


def test_top_k_is_deterministic_and_respects_the_mask():
    lex = LexicalIndex.build(TEXTS)
    scores = lex.score(plain_query("研发"))
    assert sorted(top_k(scores, 5)) == [0, 1] and top_k(scores, 5) == top_k(scores, 5)
    assert top_k(scores, 5, np.array([False, True, True, True])) == [1]
    assert top_k(lex.score(plain_query("量子")), 5) == []
    assert top_k(np.array([1.0, 2.0, 2.0]), 2) == [1, 2]  # ties by position


def test_save_and_load_round_trip_with_readable_vocabulary(tmp_path):
    lex = LexicalIndex.build(TEXTS, tmp_path)
    raw = (tmp_path / "lexical" / "vocab.txt").read_text(encoding="utf-8")
    assert "研发" in raw.splitlines() and "\\u" not in raw
    again = LexicalIndex.load(tmp_path)
    q = plain_query("外资研发")
    assert np.allclose(lex.score(q), again.score(q))


def test_bigrams_find_what_segmentation_split():
    from rag.lexical import BigramIndex

    texts = ["第 50 届超级碗上演唱了国歌", "超级市场里有碗", "天气晴"]
    big = BigramIndex.build(texts)
    scores = big.score([TermGroup((("超级碗演唱", 1.0),))])
    assert scores[0] > scores[1] > 0 and scores[2] == 0  # 级碗 and 演唱 only in passage 0
    assert big.parts("超级碗") == ["超级", "级碗"]


def test_weights_are_bm25s_lucene_scores(tmp_path):
    """The postings hold what bm25s (Lucene variant, k1 1.5, b 0.75) computes for the same tokens."""
    import bm25s

    from rag.text import tokenize

    texts = TEXTS + ["上海外资研发中心与外资企业", "研发研发研发中心"]
    lex = LexicalIndex.build(texts, tmp_path)
    reference = bm25s.BM25(method="lucene")
    reference.index([tokenize(t) for t in texts], show_progress=False)
    tokens = {t: i for t, i in reference.vocab_dict.items() if t}  # bm25s adds "" for unknown words
    for token, tid in tokens.items():
        expected = np.zeros(len(texts), dtype=np.float32)
        s = reference.scores
        a, b = s["indptr"][tid], s["indptr"][tid + 1]
        expected[s["indices"][a:b]] = s["data"][a:b]
        assert np.allclose(lex.token_scores(token), expected, rtol=1e-5), token
    assert len(lex.vocab) == len(tokens)
