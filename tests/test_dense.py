"""The dense index: exact below the size threshold, an HNSW graph above it; filters exact."""

import numpy as np

from rag.dense import DenseIndex


def vectors(n=2000, dim=32, seed=3):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_hnsw_above_the_threshold_and_close_to_exact(tmp_path):
    data = vectors()
    flat, hnsw = DenseIndex.build(data, hnsw_above=len(data)), DenseIndex.build(data, hnsw_above=100)
    assert flat.kind == "flat" and hnsw.kind == "hnsw"
    queries = vectors(50, seed=4)
    exact, approx = flat.search_many(queries, 10), hnsw.search_many(queries, 10)
    recall = np.mean([len({i for i, _ in a} & {i for i, _ in e}) / 10 for a, e in zip(approx, exact)])
    assert recall >= 0.95
    hnsw.save(tmp_path)
    np.save(tmp_path / "embeddings.npy", data)
    again = DenseIndex.load(tmp_path)
    assert again.kind == "hnsw" and again.search(queries[0], 10) == hnsw.search(queries[0], 10)


def test_a_filter_is_searched_exactly_over_its_rows():
    data = vectors()
    hnsw = DenseIndex.build(data, hnsw_above=100)
    allowed = np.arange(500, 520)
    found = hnsw.search(data[505], 5, allowed)
    assert found[0][0] == 505 and abs(found[0][1] - 1.0) < 1e-5
    assert all(500 <= i < 520 for i, _ in found) and len(found) == 5
    scores = data[allowed] @ data[505]
    assert [i for i, _ in found] == [int(allowed[j]) for j in np.argsort(-scores)[:5]]
