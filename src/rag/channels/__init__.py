"""Retrieval channels behind one interface: `search(query, k, filters) -> list[ChannelHit]`.

    base.py     ChannelHit, Filters, the Channel protocol
    lexical.py  BM25 over words and character pairs, English questions through the dictionary
    dense.py    sentence embeddings in FAISS (flat, or HNSW above a size)

rag.hybrid fuses what the channels return; rag.backends.qdrant implements the same channels on a
Qdrant server. A channel returns passage rows of the opened index, best first.
"""

from rag.channels.base import Channel, ChannelHit, Filters

__all__ = ["Channel", "ChannelHit", "Filters"]
