"""The scoring components of the matching index (docs/algorithms/matching.md §4–§6): each as a
matrix over a block of query rows × candidate rows, and, for one query against the whole index,
as vectors in per-thread scratch buffers."""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

from renkei.engine.features import HAZARD_WEIGHT, PEER_WEIGHTS
from renkei.engine.storage import IndexStorage, reading
from renkei.engine.types import COMPONENTS, EngineError

EARTH_KM = 6371.0
DISTANCE_SCALE_KM = 3000.0  # closeness 1 / (1 + km / 3000): 0.5 at 3,000 km
TEXT_FLOOR, TEXT_SPAN = 0.25, 0.35  # text score clip((cos − 0.25) / 0.35, 0, 1); see the docs §5


def harmonic(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """2xy / (x + y), 0 where both are 0: low whenever either side is low."""
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    out = np.multiply(x, y)
    out *= 2.0
    total = np.add(x, y)
    np.divide(out, total, out=out, where=total > 0)  # where x + y = 0, x·y = 0 already
    return out


_BLAS = ThreadpoolController()


def _new_text_helper() -> None:
    """The helper thread of the text passes; a forked process (a server worker) makes its own, since
    the parent's thread does not exist there."""
    global _TEXT_HELPER, _TEXT_HELPER_FREE
    _TEXT_HELPER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="renkei-text")
    _TEXT_HELPER_FREE = threading.Lock()


_new_text_helper()
os.register_at_fork(after_in_child=_new_text_helper)


def _text_from_cosine(cosine: np.ndarray) -> np.ndarray:
    """clip((cos − floor) / span, 0, 1), in place."""
    cosine -= TEXT_FLOOR
    cosine *= 1.0 / TEXT_SPAN
    return np.clip(cosine, 0.0, 1.0, out=cosine)


def _text_score(matrix: np.ndarray, vector: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The text score of every row into ``out``: a matrix–vector product on one BLAS thread (several
    BLAS threads spin waiting for each other when another process holds a core; bench/README.md),
    which reads the rows once, at memory speed."""
    return _text_from_cosine(np.matmul(matrix, vector, out=out))


_PEER_TABLE = np.array([sum(w for k, w in enumerate(PEER_WEIGHTS) if mask >> k & 1) for mask in range(128)],
                       dtype=np.float32)  # summed weights of the features in a known-mask


class _Scratch(threading.local):
    def __init__(self):
        self.arrays: dict[str, np.ndarray] = {}


class Scoring(IndexStorage):
    """The components of a score, computed from the stored arrays without a Python loop over
    candidates."""

    def __init__(self, *args, **kwargs):
        self._scratch = _Scratch()
        super().__init__(*args, **kwargs)

    # -- components over a block: rows A (query side) × rows B (candidates) ------------------------
    def _block(self, rows_a: np.ndarray, rows_b: np.ndarray | slice, names: Iterable[str]) -> dict[str, np.ndarray]:
        """Each requested component as an (|A| × |B|) float32 matrix in [0, 1]."""
        names = set(names)
        out: dict[str, np.ndarray] = {}
        sim2 = self.themes.squared
        # products of need_share[B] with T-vectors of A: the reverse fit and the shared-needs cosine
        columns = []
        if names & {"reverse", "mutual"}:
            columns.append(self._cover_t[:, rows_a])
        if "shared_needs" in names:
            columns.append((sim2 @ self._need_share[rows_a].T) * self._inv_smooth[rows_a][None, :])
        if columns:
            product = self._need_products(rows_b, np.hstack(columns)).T  # (k·|A|) × |B|
            m = len(rows_a)
            if names & {"reverse", "mutual"}:
                out["reverse"] = np.clip(product[:m], 0.0, 1.0)
            if "shared_needs" in names:
                shared = product[-m:] * self._inv_smooth[rows_b][None, :]
                out["shared_needs"] = np.clip(shared, 0.0, 1.0)
        if names & {"expertise", "mutual"}:
            shares = self._need_share[rows_a]
            themes = np.flatnonzero(shares.any(axis=0))
            if len(themes):
                cover = (self._cover_t[themes, rows_b] if isinstance(rows_b, slice)
                         else self._cover_t[np.ix_(themes, rows_b)])
                out["expertise"] = np.clip(shares[:, themes] @ cover, 0.0, 1.0)
            else:
                out["expertise"] = np.zeros((len(rows_a), self._width(rows_b)), dtype=np.float32)
        if "mutual" in names:
            out["mutual"] = harmonic(out["expertise"], out["reverse"])
        if "peer" in names:
            out["peer"] = self._peer(rows_a, rows_b)
        if "text" in names:
            out["text"] = _text_from_cosine(self._need_text[rows_a] @ self._expertise_text[rows_b].T)
        if "offer_text" in names:  # the other way round: A's expertise in B's words of need
            out["offer_text"] = _text_from_cosine(self._expertise_text[rows_a] @ self._need_text[rows_b].T)
        if "distance" in names:
            km = self._distance_km(rows_a, rows_b)
            closeness = 1.0 / (1.0 + km / DISTANCE_SCALE_KM)
            out["distance"] = np.where(np.isnan(closeness), 0.0, closeness).astype(np.float32)
        if "language" in names:
            shared = self._languages[rows_a][:, None] & self._languages[rows_b][None, :]
            out["language"] = (shared != 0).astype(np.float32)
        if "ties" in names:
            out["ties"] = self._ties(rows_a, rows_b)
        return {name: out[name] for name in COMPONENTS if name in names}  # a fixed order

    def _need_products(self, rows_b: np.ndarray | slice, vectors: np.ndarray) -> np.ndarray:
        """need_share[B] @ vectors. For the whole index through a sparse copy of need_share (a place
        states a handful of needs among T themes), with rows changed since it was built patched in
        from the dense matrix; it is rebuilt once more than ``_SPARSE_PATCH`` rows have changed."""
        if not isinstance(rows_b, slice):
            return self._need_share[rows_b] @ vectors
        n = self._n
        if self._sparse is None or len(self._dirty) > self._SPARSE_PATCH:
            self._sparse = sp.csr_matrix(self._need_share[:n])
            self._dirty = set()
        built = min(self._sparse.shape[0], n)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        out = np.empty((n, *vectors.shape[1:]), dtype=np.float32)
        out[:built] = (self._sparse @ vectors)[:built]
        patch = [r for r in self._dirty if r < n] + list(range(built, n))
        if patch:
            patch = np.array(sorted(set(patch)), dtype=np.int64)
            out[patch] = self._need_share[patch] @ vectors
        return out[rows_b]

    def _width(self, rows_b: np.ndarray | slice) -> int:
        return len(range(*rows_b.indices(self._n))) if isinstance(rows_b, slice) else len(rows_b)

    def _peer(self, rows_a: np.ndarray, rows_b: np.ndarray | slice) -> np.ndarray:
        """Weighted mean closeness of the context features known on both sides, plus the Jaccard
        overlap of hazards. For a feature missing on either side the difference is NaN, and
        ``fmin(NaN, w) = w`` makes its term w − w = 0; the denominator counts only features known on
        both sides (a 128-entry table indexed by the AND of the two known-masks)."""
        numerator = None
        looped = 0.0
        for k, weight in enumerate(PEER_WEIGHTS):
            fa = self._features[k, rows_a]  # stored as value · weight / scale
            if np.isnan(fa).all():
                continue
            diff = self._features[k, rows_b][None, :] - fa[:, None]
            np.abs(diff, out=diff)
            np.fmin(diff, np.float32(weight), out=diff)
            numerator = diff if numerator is None else np.add(numerator, diff, out=numerator)
            looped += weight
        width = self._width(rows_b)
        if numerator is None:
            numerator = np.zeros((len(rows_a), width), dtype=np.float32)
        else:
            np.subtract(np.float32(looped), numerator, out=numerator)
        denominator = _PEER_TABLE[self._known[rows_a][:, None] & self._known[rows_b][None, :]]
        ha, hb = self._hazards[rows_a][:, None], self._hazards[rows_b][None, :]
        union = np.bitwise_count(ha | hb)
        if union.any():
            inter = np.bitwise_count(ha & hb)
            jaccard = inter.astype(np.float32) / np.maximum(union, 1).astype(np.float32)
            numerator += np.float32(HAZARD_WEIGHT) * jaccard
            denominator = denominator + np.float32(HAZARD_WEIGHT) * (union > 0)
        out = np.zeros(numerator.shape, dtype=np.float32)
        np.divide(numerator, denominator, out=out, where=denominator > 0)
        return np.clip(out, 0.0, 1.0, out=out)

    def _distance_km(self, rows_a: np.ndarray, rows_b: np.ndarray | slice) -> np.ndarray:
        lat_a, lon_a, cos_a = (x[rows_a][:, None] for x in (self._lat, self._lon, self._cos_lat))
        lat_b, lon_b, cos_b = (x[rows_b][None, :] for x in (self._lat, self._lon, self._cos_lat))
        h = np.sin((lat_b - lat_a) / 2) ** 2 + cos_a * cos_b * np.sin((lon_b - lon_a) / 2) ** 2
        return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))

    def distance_km(self, a: int, b: int) -> float | None:
        """Great-circle distance between the places in rows a and b (None if unknown)."""
        km = float(self._distance_km(np.array([a]), np.array([b]))[0, 0])
        return None if math.isnan(km) else km

    def _ties(self, rows_a: np.ndarray, rows_b: np.ndarray | slice) -> np.ndarray:
        out = np.zeros((len(rows_a), self._width(rows_b)), dtype=np.float32)
        position = None
        if not isinstance(rows_b, slice):
            position = {int(r): j for j, r in enumerate(rows_b)}
        start = 0 if not isinstance(rows_b, slice) else (rows_b.start or 0)
        for i, a in enumerate(rows_a):
            for place_id in self.ties_of(int(a)):
                row = self.row.get(place_id)
                if row is None:
                    continue
                j = position.get(row) if position is not None else row - start
                if j is not None and 0 <= j < out.shape[1]:
                    out[i, j] = 1.0
        return out

    # -- one query against the whole index, in per-thread scratch buffers -------------------------
    def _buf(self, name: str, dtype=np.float32) -> np.ndarray:
        """A per-thread scratch vector of length N, kept between queries: holding a dozen fresh
        400 kB temporaries at once costs more in page faults than the arithmetic on them."""
        arrays = self._scratch.arrays
        array = arrays.get(name)
        if array is None or len(array) < self._n or array.dtype != dtype:
            array = np.empty(max(self._cap, self._n), dtype=dtype)
            arrays[name] = array
        return array[: self._n]

    def _query(self, a: int, names: Iterable[str]) -> dict[str, np.ndarray]:
        """The components of ``_block([a], all rows)``, as vectors in scratch buffers (valid until
        the next query in the same thread)."""
        names = set(names)
        n = self._n
        out: dict[str, np.ndarray] = {}
        tmp = self._buf("tmp")
        if names & {"expertise", "mutual"}:
            fit = self._buf("expertise")
            share = self._need_share[a]
            themes = np.flatnonzero(share)
            fit.fill(0.0)
            for i in themes:  # only the rows of a's own need themes
                np.multiply(self._cover_t[i, :n], share[i], out=tmp)
                fit += tmp
            out["expertise"] = np.minimum(fit, 1.0, out=fit)
        if names & {"reverse", "mutual"}:
            out["reverse"] = np.clip(self._need_products(slice(0, n), self._cover_t[:, a]), 0.0, 1.0,
                                     out=self._buf("reverse"))
        if "shared_needs" in names:
            vector = (self.themes.squared @ self._need_share[a]) * self._inv_smooth[a]
            shared = np.multiply(self._need_products(slice(0, n), vector), self._inv_smooth[:n],
                                 out=self._buf("shared_needs"))
            out["shared_needs"] = np.clip(shared, 0.0, 1.0, out=shared)
        if "mutual" in names:
            x, y = out["expertise"], out["reverse"]
            mutual = np.multiply(x, y, out=self._buf("mutual"))
            mutual *= 2.0
            np.add(x, y, out=tmp)
            np.divide(mutual, tmp, out=mutual, where=tmp > 0)  # where x + y = 0, x·y = 0 already
            out["mutual"] = mutual
        if "peer" in names:
            out["peer"] = self._query_peer(a, tmp)
        sides = {"text": (self._expertise_text[:n], self._need_text[a]),  # their words of expertise, our needs
                 "offer_text": (self._need_text[:n], self._expertise_text[a])}  # and the other way round
        texts = [(name, *sides[name]) for name in sides if name in names]
        if texts:
            with _BLAS.limit(limits=1, user_api="blas"):
                out |= self._text_scores(texts)
        for name in ("distance", "ties"):
            if name in names:
                out[name] = self._block(np.array([a]), slice(0, n), [name])[name][0]
        if "language" in names:
            shared = np.bitwise_and(self._languages[:n], self._languages[a], out=self._buf("bits", np.int64))
            out["language"] = np.not_equal(shared, 0, out=self._buf("language", bool)).astype(np.float32)
        return {name: out[name] for name in COMPONENTS if name in names}

    def _text_scores(self, texts: list[tuple[str, np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
        """The text components of one query. Both directions at once when the helper thread is free:
        each is a pass over its own 100,000 × d array, so on two cores the query waits for one pass
        instead of two; when another query holds the helper, they run here one after the other."""
        buffers = {name: self._buf(name) for name, _, _ in texts}
        if len(texts) == 2 and _TEXT_HELPER_FREE.acquire(blocking=False):
            try:
                (first, m1, v1), (second, m2, v2) = texts
                pending = _TEXT_HELPER.submit(_text_score, m2, v2, buffers[second])
                _text_score(m1, v1, buffers[first])
                pending.result()
            finally:
                _TEXT_HELPER_FREE.release()
        else:
            for name, matrix, vector in texts:
                _text_score(matrix, vector, buffers[name])
        return buffers

    def _query_peer(self, a: int, tmp: np.ndarray) -> np.ndarray:
        """``_peer`` for one query row (same arithmetic, scratch buffers, hazards by lookup table)."""
        n = self._n
        peer = self._buf("peer")
        peer.fill(0.0)
        looped = 0.0
        for k, weight in enumerate(PEER_WEIGHTS):
            fa = self._features[k, a]
            if math.isnan(fa):
                continue
            np.subtract(self._features[k, :n], fa, out=tmp)
            np.abs(tmp, out=tmp)
            np.fmin(tmp, np.float32(weight), out=tmp)
            peer += tmp
            looped += weight
        np.subtract(np.float32(looped), peer, out=peer)
        known = np.bitwise_and(self._known[:n], self._known[a], out=self._buf("known", np.uint8))
        denominator = np.take(_PEER_TABLE, known, out=self._buf("denominator"))
        masks = np.fromiter(self._hazard_codes, dtype=np.int64, count=len(self._hazard_codes))
        union = np.bitwise_count(masks | self._hazards[a])
        if union.any():
            jaccard = np.bitwise_count(masks & self._hazards[a]) / np.maximum(union, 1)
            codes = self._hazard_code[:n]
            peer += np.take((HAZARD_WEIGHT * jaccard).astype(np.float32), codes, out=tmp)
            denominator += np.take((HAZARD_WEIGHT * (union > 0)).astype(np.float32), codes, out=tmp)
        np.divide(peer, denominator, out=peer, where=denominator > 0)
        return np.clip(peer, 0.0, 1.0, out=peer)


    @reading
    def components(self, a: int, names: Iterable[str]) -> dict[str, np.ndarray]:
        """Named components for the place in row ``a`` against every row, each a vector in [0, 1]."""
        unknown = set(names) - set(COMPONENTS)
        if unknown:
            raise EngineError(f"unknown component(s): {', '.join(sorted(unknown))}")
        return {k: v[0] for k, v in self._block(np.array([a]), slice(0, self._n), names).items()}

    def component(self, name: str, a: int) -> np.ndarray:
        """One component's scores of query row ``a`` against every place (tests, the worked example)."""
        return self.components(a, [name])[name]

    harmonic = staticmethod(harmonic)
