"""Embedders for the dense channel. The model loads lazily; nothing here imports torch until a
model is actually loaded, so the lexical-only path stays fast."""

from __future__ import annotations

import os
import socket
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from rag.errors import ModelUnavailable

# e5 models are trained with these prefixes; without them retrieval quality drops.
E5_PROMPTS = {"query": "query: ", "document": "passage: "}


@dataclass(frozen=True)
class ModelLocation:
    """Where a model would load from, or why it cannot. source: path, cache, hub or None."""

    model: str
    target: str | None
    source: str | None
    reason: str

    @property
    def available(self) -> bool:
        return self.target is not None


def _looks_like_path(model: str) -> bool:
    return model.startswith(("/", ".", "~")) or os.sep in model.strip("/").split("/", 1)[-1] or model.count("/") > 1


def locate_model(model: str, probe_timeout: float = 3.0) -> ModelLocation:
    """Find a model without importing torch: a local directory, the Hugging Face cache, or the hub
    if it answers within probe_timeout seconds (a plain load would retry for over a minute)."""
    path = Path(model).expanduser()
    if path.is_dir():
        return ModelLocation(model, str(path), "path", f"local directory {path}")
    if _looks_like_path(model):
        return ModelLocation(model, None, None, f"{model} is not a directory; give a model directory or a hub id such as intfloat/multilingual-e5-small")
    try:
        from huggingface_hub import snapshot_download

        cached = snapshot_download(model, local_files_only=True)
        return ModelLocation(model, cached, "cache", f"cached at {cached}")
    except Exception:
        pass
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes"}:
        return ModelLocation(model, None, None, f"{model} is not in the local Hugging Face cache and HF_HUB_OFFLINE is set")
    host = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname or "huggingface.co"
    try:
        socket.create_connection((host, 443), timeout=probe_timeout).close()
    except OSError as e:
        return ModelLocation(model, None, None, f"{model} is not in the local cache and {host} cannot be reached ({e.strerror or e})")
    return ModelLocation(model, model, "hub", f"will download {model} from {host}")


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors. Subclasses implement embed_batch."""

    model_id: str

    @property
    @abstractmethod
    def dimension(self) -> int: ...

    @property
    def signature(self) -> str:
        """Identifies the vectors this embedder makes: a change invalidates stored embeddings."""
        return self.model_id

    @abstractmethod
    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        """Embed texts; kind is "query" or "document"."""

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_batch([text], "query")[0]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Several questions at once: an evaluation's questions embed far faster in batches."""
        return self.embed_batch(list(texts), "query")

    def embed_documents(self, texts: list[str], batch_size: int = 32, progress=None) -> np.ndarray:
        out = []
        for i in range(0, len(texts), batch_size):
            batch = texts[i:i + batch_size]
            out.append(self.embed_batch(batch, "document"))
            if progress is not None:
                progress(len(batch))
        if not out:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack(out)


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model by hub id or local path, with its query/document prompts."""

    def __init__(self, model_id: str, device: str = "cpu"):
        self.model_id = model_id
        self.device = device
        self._model = None
        self._prompts: dict[str, str] = {}
        self._lock = threading.Lock()  # a web server's first two requests must not load it twice

    def warm_up(self) -> None:
        if self._model is not None:
            return
        with self._lock:
            if self._model is None:
                self._load()

    def _load(self) -> None:
        location = locate_model(self.model_id)
        if not location.available:
            raise ModelUnavailable(location.reason)
        try:
            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer(location.target, device=self.device, local_files_only=location.source != "hub")
        except Exception as e:  # a damaged or incompatible model directory
            raise ModelUnavailable(f"cannot load model {self.model_id}: {type(e).__name__}: {e}") from None
        prompts = {k: v for k, v in (getattr(model, "prompts", {}) or {}).items() if v}  # saved models carry empty ones
        if "query" not in prompts and "e5" in self.model_id.lower():
            prompts.update(E5_PROMPTS)
        self._prompts = {k: v for k, v in prompts.items() if k in ("query", "document", "passage")}
        import torch

        self._default_threads = torch.get_num_threads()
        self._model = model

    @property
    def dimension(self) -> int:
        self.warm_up()
        get = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(get())

    @property
    def signature(self) -> str:
        self.warm_up()
        return f"{self.model_id}|q={self._prompts.get('query', '')}|d={self._prompts.get('document', self._prompts.get('passage', ''))}"

    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        self.warm_up()
        prompt = self._prompts.get("query", "") if kind == "query" else self._prompts.get("document", self._prompts.get("passage", ""))
        encode = getattr(self._model, "encode_query" if kind == "query" else "encode_document", None) or self._model.encode
        extra = {"prompt": prompt} if prompt else {}
        _use_threads(QUERY_THREADS if kind == "query" else self._default_threads)
        vectors = encode(list(texts), batch_size=32, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False, **extra)
        return normalize_rows(vectors)


# A question is a few dozen tokens: splitting its matrix products over two threads costs more in
# synchronisation than it saves, badly so on a busy machine (742 ms per query with torch's default
# of 2 threads, 30 ms with 1, measured on 2 shared cores). Passages, in batches, keep the default.
QUERY_THREADS = 1


def _use_threads(count: int) -> None:
    """torch's intra-op thread count (process-wide; set only when it changes)."""
    import torch

    if torch.get_num_threads() != count:
        torch.set_num_threads(count)
