"""Storage of the matching index: every place's profile as dense float32 arrays with spare capacity,
filled from the profiles, grown, and changed one place at a time (docs/algorithms/matching.md §3).

Layout, for N places and T themes (T ≈ 80):

* ``cover_t`` (T × N): cover_t[i, b] = max_j S[i, j] · m_b[j], how well b's expertise answers a
  need on theme i. Stored theme-major so the expertise fit of one query gathers only the few rows
  of its own need themes.
* ``need_share`` (N × T): each place's need vector scaled to sum 1. The reverse fit and the
  shared-needs cosine are products of this matrix with one T-vector of the query.
* context features (7 × N, NaN when unknown), a bit mask of known features, hazard and language bit
  masks, coordinates in radians, text vectors (N × d).

Arrays keep spare capacity so ``update`` adds or replaces one place in amortised O(T + d).
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp

from renkei.engine.embedding import Embedder, encode_unique
from renkei.engine.features import FEATURES, HAZARDS, PEER_SCALES, PEER_WEIGHTS, _num, features_of
from renkei.engine.themes import ThemeSpace
from renkei.engine.types import EngineError, PlaceProfile, ThemeNode, UnknownPlace

# which query data each component needs (a component the query lacks is left out, weights renormalised)
_NEEDS = {"expertise": ("needs",), "reverse": ("expertise",), "mutual": ("needs", "expertise"),
          "peer": ("context",), "shared_needs": ("needs",), "text": ("need_text",),
          "offer_text": ("expertise_text",), "distance": ("coordinates",),
          "language": ("languages",), "ties": ()}
_PEER_SLOPE = np.array([w / s for w, s in zip(PEER_WEIGHTS, PEER_SCALES, strict=True)], dtype=np.float32)


def _principal_directions(stacked: np.ndarray, k: int) -> np.ndarray:
    """The top-k right singular vectors of ``stacked`` (uncentred PCA, as cosines are), from the
    eigenvectors of its d × d Gram matrix: far cheaper than an SVD of the n × d matrix."""
    gram = stacked.astype(np.float64).T @ stacked.astype(np.float64)
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(-values, kind="stable")[:k]
    directions = vectors[:, order]
    directions *= np.where(directions.sum(axis=0) < 0, -1.0, 1.0)  # a fixed sign, for reproducibility
    return np.ascontiguousarray(directions.astype(np.float32))


def _renormalise(projected: np.ndarray, original: np.ndarray) -> np.ndarray:
    """Unit rows again after a projection (rows that were zero stay zero)."""
    norms = np.linalg.norm(projected, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return ((projected / norms) * (np.linalg.norm(original, axis=1, keepdims=True) > 0)).astype(np.float32)


class _Bits:
    """Names → bit positions (first come, first served; at most 63, then they share bits)."""

    def __init__(self, preset: Sequence[str] = ()):
        self.bit: dict[str, int] = {name: i for i, name in enumerate(preset)}

    def mask(self, names: Iterable[str]) -> int:
        out = 0
        for name in names:
            bit = self.bit.setdefault(name, len(self.bit) % 63)
            out |= 1 << bit
        return out


class ReadWriteLock:
    """Many readers at once, or one writer. A reader never waits for another reader (so a query may
    call another query); a writer waits until no query runs, and queries wait while it writes."""

    def __init__(self):
        self._condition = threading.Condition(threading.RLock())
        self._readers = 0

    @contextmanager
    def reading(self):
        with self._condition:
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                if not self._readers:
                    self._condition.notify_all()

    @contextmanager
    def writing(self):
        with self._condition:
            while self._readers:
                self._condition.wait()
            yield


def _holding(side: str) -> Callable[[Callable], Callable]:
    """A decorator: the method runs holding ``self._rw.<side>()``."""

    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            with getattr(self._rw, side)():
                return method(self, *args, **kwargs)

        return wrapper

    return decorate


# a query of the index runs while no ``update``/``remove`` changes it;
# a change waits for running queries, and queries wait for it
reading = _holding("reading")
writing = _holding("writing")


class IndexStorage:
    """The arrays of N places × T themes, their growth, and the look-ups from place ids to rows.

    ``themes`` is a ``ThemeSpace`` (or the ``ThemeNode``s to build one). With an ``embedder`` the
    texts of needs and expertise are embedded (each distinct text once, in batches of places); with
    ``text_dim`` the text vectors are projected onto their top principal components, fitted on a
    sample before the index is filled. ``update``, ``update_many`` and ``remove`` change places in
    place; they wait for running queries (``reading``), and queries wait for them."""

    def __init__(self, themes: ThemeSpace | Iterable[ThemeNode], profiles: Iterable[PlaceProfile] = (), *,
                 embedder: Embedder | None = None, text_dim: int | None = None):
        self.themes = themes if isinstance(themes, ThemeSpace) else ThemeSpace(themes)
        self.embedder = embedder
        self.projection: np.ndarray | None = None
        profiles = list(profiles)
        seen: set[int] = set()
        for p in profiles:
            if p.id in seen:
                raise EngineError(f"place id {p.id} appears twice")
            seen.add(p.id)
        self.text_dim = embedder.dim if embedder is not None else 0
        self._n = 0
        self._sparse: sp.csr_matrix | None = None  # need_share as CSR, for queries over the whole index
        self._dirty: set[int] = set()  # rows changed since it was built
        self.profiles: list[PlaceProfile] = []
        self.row: dict[int, int] = {}
        self._listed_by: dict[int, set[int]] = {}  # place id → ids of places that list it as partner
        self._countries: dict[str, int] = {}
        self._levels: dict[str, int] = {}
        self._hazard_bits = _Bits(HAZARDS)
        self._hazard_codes: dict[int, int] = {0: 0}  # hazard bit mask → code
        self._rw = ReadWriteLock()
        self._language_bits = _Bits()
        if embedder is not None and text_dim and text_dim < embedder.dim:
            self._fit_projection(profiles, text_dim)  # before filling: full-size text arrays never exist
        self._allocate(len(profiles))
        for start in range(0, len(profiles), self.EMBED_CHUNK):  # bounded memory for the text vectors
            chunk = profiles[start : start + self.EMBED_CHUNK]
            texts = self._texts(chunk)
            for profile, need_text, expertise_text in zip(chunk, *texts, strict=True):
                self._append(profile, need_text, expertise_text)

    EMBED_CHUNK = 4096  # places whose texts are encoded in one call while building
    PROJECTION_SAMPLE = 2500  # places (evenly spread over the input) the principal directions are fitted on

    def _fit_projection(self, profiles: Sequence[PlaceProfile], k: int) -> None:
        with_text = [p for p in profiles if any(s.text and s.text.strip() for s in (*p.needs, *p.expertise))]
        step = max(1, len(with_text) // self.PROJECTION_SAMPLE)
        sample = with_text[::step][: self.PROJECTION_SAMPLE]
        pooled = np.vstack(self._texts(sample))
        pooled = pooled[pooled.any(axis=1)]
        if len(pooled) >= 2:
            self._set_projection(pooled, k)

    def _set_projection(self, stacked: np.ndarray, k: int) -> None:
        """Top-k principal directions of the (unit) text vectors, composed with any projection
        already applied, so ``update`` can project a new place's raw vectors in one step."""
        directions = _principal_directions(stacked, k)
        if self.projection is not None:
            directions = self.projection @ directions
        self.projection = np.ascontiguousarray(directions)
        self.text_dim = self.projection.shape[1]

    # -- storage ----------------------------------------------------------------------------------
    def _allocate(self, capacity: int) -> None:
        t, d = len(self.themes), self.text_dim
        cap = max(capacity, 1)
        self._cap = cap
        self._cover_t = np.zeros((t, cap), dtype=np.float32)
        self._need_share = np.zeros((cap, t), dtype=np.float32)
        self._inv_smooth = np.zeros(cap, dtype=np.float32)  # 1 / ‖S · need_share‖ (0: no needs)
        self._has_needs = np.zeros(cap, dtype=bool)
        self._has_expertise = np.zeros(cap, dtype=bool)
        self._features = np.full((len(FEATURES), cap), np.nan, dtype=np.float32)  # scaled by weight / scale
        self._known = np.zeros(cap, dtype=np.uint8)
        self._hazards = np.zeros(cap, dtype=np.int64)
        self._hazard_code = np.zeros(cap, dtype=np.int32)  # index into _hazard_masks (distinct sets are few)
        self._languages = np.zeros(cap, dtype=np.int64)
        self._lat = np.full(cap, np.nan, dtype=np.float32)  # radians
        self._lon = np.full(cap, np.nan, dtype=np.float32)
        self._cos_lat = np.full(cap, np.nan, dtype=np.float32)
        self._ids = np.zeros(cap, dtype=np.int64)
        self._population = np.full(cap, np.nan, dtype=np.float64)
        self._country = np.full(cap, -1, dtype=np.int32)
        self._level = np.full(cap, -1, dtype=np.int32)
        self._need_text = np.zeros((cap, d), dtype=np.float32)
        self._expertise_text = np.zeros((cap, d), dtype=np.float32)
        self._has_need_text = np.zeros(cap, dtype=bool)

    _ROW_MAJOR = ("_need_share", "_inv_smooth", "_has_needs", "_has_expertise", "_known", "_hazards", "_hazard_code",
                  "_languages", "_lat", "_lon", "_cos_lat", "_ids", "_population", "_country", "_level", "_need_text",
                  "_expertise_text", "_has_need_text")
    _COLUMN_MAJOR = ("_cover_t", "_features")
    _SPARSE_PATCH = 2048
    _FILL = {"_lat": np.nan, "_lon": np.nan, "_cos_lat": np.nan, "_population": np.nan, "_features": np.nan,
             "_country": -1, "_level": -1}

    def _grow(self) -> None:
        new = max(8, self._cap * 2)
        for name in self._ROW_MAJOR:
            old = getattr(self, name)
            grown = np.full((new, *old.shape[1:]), self._FILL.get(name, 0), dtype=old.dtype)
            grown[: self._cap] = old
            setattr(self, name, grown)
        for name in self._COLUMN_MAJOR:
            old = getattr(self, name)
            grown = np.full((old.shape[0], new), self._FILL.get(name, 0), dtype=old.dtype)
            grown[:, : self._cap] = old
            setattr(self, name, grown)
        self._cap = new

    def _move(self, src: int, dst: int) -> None:
        self._dirty.add(dst)
        for name in self._ROW_MAJOR:
            array = getattr(self, name)
            array[dst] = array[src]
        for name in self._COLUMN_MAJOR:
            array = getattr(self, name)
            array[:, dst] = array[:, src]

    def __len__(self) -> int:
        return self._n

    # read-only views of the live rows (the platform and the benchmarks may read them)
    @property
    def ids(self) -> np.ndarray:
        return self._ids[: self._n]

    @property
    def cover(self) -> np.ndarray:
        """cover[b, i] = max_j S[i, j] · maturity_b[j] / 5 (a transposed view)."""
        return self._cover_t[:, : self._n].T

    @property
    def need_share(self) -> np.ndarray:
        return self._need_share[: self._n]

    @property
    def need(self) -> np.ndarray:
        """Need vectors, priority / 5 per theme (N × T, built on demand)."""
        return self._dense(lambda p: p.needs)

    @property
    def expertise(self) -> np.ndarray:
        """Expertise vectors, maturity / 5 per theme (N × T, built on demand)."""
        return self._dense(lambda p: p.expertise)

    def _dense(self, statements) -> np.ndarray:
        out = np.zeros((self._n, len(self.themes)), dtype=np.float32)
        for row, profile in enumerate(self.profiles):
            out[row] = self._vector(statements(profile))
        return out

    @property
    def features(self) -> np.ndarray:
        """Context features, N × 7, NaN when unknown (see ``FEATURES``)."""
        return (self._features[:, : self._n] / _PEER_SLOPE[:, None]).T

    @property
    def need_text(self) -> np.ndarray:
        return self._need_text[: self._n]

    @need_text.setter
    def need_text(self, matrix: np.ndarray) -> None:
        self._set_text(np.asarray(matrix, dtype=np.float32), None)

    @property
    def expertise_text(self) -> np.ndarray:
        return self._expertise_text[: self._n]

    @expertise_text.setter
    def expertise_text(self, matrix: np.ndarray) -> None:
        self._set_text(None, np.asarray(matrix, dtype=np.float32))

    @writing
    def _set_text(self, need: np.ndarray | None, expertise: np.ndarray | None) -> None:
        """Replace the text vectors of all places (e.g. vectors computed elsewhere). Rows should be
        unit length or zero; the other matrix is resized (with zeros) if the dimension changes."""
        n = self._n
        given = need if need is not None else expertise
        if given.shape[0] != n:
            raise EngineError(f"text matrix needs {n} rows, has {given.shape[0]}")
        d = given.shape[1]
        if d != self._need_text.shape[1]:
            self._need_text = np.zeros((self._cap, d), dtype=np.float32)
            self._expertise_text = np.zeros((self._cap, d), dtype=np.float32)
            self._has_need_text[:] = False
            self.text_dim = d
            self.projection = None
        if need is not None:
            self._need_text[:n] = need
            self._has_need_text[:n] = np.linalg.norm(need, axis=1) > 0
        if expertise is not None:
            self._expertise_text[:n] = expertise

    @property
    def nbytes(self) -> int:
        """Bytes held by the index's arrays (the profiles themselves not counted)."""
        names = self._ROW_MAJOR + self._COLUMN_MAJOR
        sparse = 0 if self._sparse is None else sum(
            a.nbytes for a in (self._sparse.data, self._sparse.indices, self._sparse.indptr))
        return sum(getattr(self, name).nbytes for name in names) + sparse + (
            self.projection.nbytes if self.projection is not None else 0)

    # -- building ---------------------------------------------------------------------------------
    def _vector(self, statements) -> np.ndarray:
        vector = np.zeros(len(self.themes), dtype=np.float32)
        for s in statements:
            column = self.themes.index.get(s.theme_id)
            if column is not None:
                weight = _num(s.weight)
                weight = 3.0 if math.isnan(weight) else min(max(weight, 1.0), 5.0)
                vector[column] = max(vector[column], weight / 5.0)
        return vector

    def _texts(self, profiles: Sequence[PlaceProfile]) -> tuple[list, list]:
        """Pooled (and projected) need and expertise text vectors of some places, vectorised: each
        distinct text encoded once, then one sparse place × text product per side (the mean of unit
        vectors has the direction of their sum), rows renormalised. ``None`` without an embedder."""
        if self.embedder is None:
            return [None] * len(profiles), [None] * len(profiles)
        vectors = encode_unique(self.embedder, (s.text for p in profiles for s in (*p.needs, *p.expertise)))
        column = {text: j for j, text in enumerate(vectors)}
        matrix = np.vstack(list(vectors.values())) if vectors else np.zeros((0, self.embedder.dim), np.float32)
        out = []
        for side in ("needs", "expertise"):
            rows, cols = [], []
            for i, profile in enumerate(profiles):
                for statement in getattr(profile, side):
                    if statement.text and statement.text.strip():
                        rows.append(i)
                        cols.append(column[statement.text])
            incidence = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                                      shape=(len(profiles), len(column)))
            summed = np.asarray(incidence @ matrix, dtype=np.float32).reshape(len(profiles), -1)
            pooled = _renormalise(summed, summed)
            out.append(list(self._project(pooled) if self.projection is not None else pooled))
        return out[0], out[1]

    def _append(self, profile: PlaceProfile, need_text: np.ndarray | None, expertise_text: np.ndarray | None
                ) -> None:
        if self._n == self._cap:
            self._grow()
        row = self._n
        self._n += 1
        self.profiles.append(profile)
        self._fill(row, profile, need_text, expertise_text)

    def _fill(self, row: int, profile: PlaceProfile, need_text: np.ndarray | None,
              expertise_text: np.ndarray | None) -> None:
        self.profiles[row] = profile
        self.row[profile.id] = row
        for partner in profile.partners:
            self._listed_by.setdefault(partner, set()).add(profile.id)
        sim = self.themes.similarity
        need = self._vector(profile.needs)
        expertise = self._vector(profile.expertise)
        self._cover_t[:, row] = (sim * expertise[None, :]).max(axis=1) if expertise.any() else 0.0
        total = float(need.sum())
        share = need / total if total else need
        self._need_share[row] = share
        if self._sparse is not None:
            self._dirty.add(row)
        smooth = float(np.linalg.norm(sim @ share))
        self._inv_smooth[row] = 1.0 / smooth if smooth else 0.0
        self._has_needs[row] = total > 0
        self._has_expertise[row] = bool(expertise.any())
        features = features_of(profile)
        self._features[:, row] = np.asarray(features, dtype=np.float32) * _PEER_SLOPE
        self._known[row] = sum(1 << k for k, value in enumerate(features) if not math.isnan(value))
        mask = self._hazard_bits.mask(profile.hazards)
        self._hazards[row] = mask
        self._hazard_code[row] = self._hazard_codes.setdefault(mask, len(self._hazard_codes))
        self._languages[row] = self._language_bits.mask(profile.languages)
        lat, lon = _num(profile.lat), _num(profile.lon)
        if math.isnan(lat) or math.isnan(lon) or abs(lat) > 90:
            lat = lon = math.nan
        self._lat[row], self._lon[row] = math.radians(lat), math.radians(lon)
        self._cos_lat[row] = math.cos(math.radians(lat))
        self._ids[row] = profile.id
        self._population[row] = _num(profile.population)
        self._country[row] = self._countries.setdefault(str(profile.country).upper(), len(self._countries))
        self._level[row] = self._levels.setdefault(profile.level, len(self._levels))
        if need_text is not None:
            self._need_text[row], self._expertise_text[row] = need_text, expertise_text
            self._has_need_text[row] = bool(need_text.any())
        else:  # texts computed elsewhere (``need_text = …``) are stale for a changed profile
            self._need_text[row] = self._expertise_text[row] = 0.0
            self._has_need_text[row] = False

    def _forget_ties(self, profile: PlaceProfile) -> None:
        for partner in profile.partners:
            listed = self._listed_by.get(partner)
            if listed is not None:
                listed.discard(profile.id)

    @writing
    def update(self, profile: PlaceProfile) -> None:
        """Replace (or add) one place without rebuilding the index. Its texts are embedded (through
        the embedder, so a cached embedder encodes only new texts)."""
        self._update([profile])

    @writing
    def update_many(self, profiles: Iterable[PlaceProfile]) -> None:
        """Replace (or add) several places, their texts embedded together."""
        profiles = list(profiles)
        if len({p.id for p in profiles}) != len(profiles):
            raise EngineError("a place id appears twice")
        self._update(profiles)

    def _update(self, profiles: Sequence[PlaceProfile]) -> None:
        need_texts, expertise_texts = self._texts(profiles)
        for profile, need_text, expertise_text in zip(profiles, need_texts, expertise_texts, strict=True):
            row = self.row.get(profile.id)
            if row is None:
                self._append(profile, need_text, expertise_text)
            else:
                self._forget_ties(self.profiles[row])
                self._fill(row, profile, need_text, expertise_text)

    @writing
    def remove(self, place_id: int) -> None:
        """Take one place out (the last row moves into its slot)."""
        row = self.row_of(place_id)
        self._forget_ties(self.profiles[row])
        last = self._n - 1
        if row != last:
            self._move(last, row)
            self.profiles[row] = self.profiles[last]
            self.row[self.profiles[row].id] = row
        self.profiles.pop()
        del self.row[place_id]
        self._n -= 1

    @writing
    def reduce_text_dim(self, k: int, sample: int = 5000, seed: int = 0) -> None:
        """Project text vectors onto their top-k principal directions (fitted on a sample) and
        renormalise: cosines stay close, memory and time per query shrink by dim / k."""
        n = self._n
        stacked = np.vstack([self._need_text[:n], self._expertise_text[:n]])
        stacked = stacked[np.linalg.norm(stacked, axis=1) > 0]
        if len(stacked) > sample:
            stacked = stacked[np.random.default_rng(seed).choice(len(stacked), sample, replace=False)]
        if len(stacked) < 2:
            return
        step = _principal_directions(stacked, k)
        need, expertise = (_renormalise(m @ step, m) for m in (self._need_text[:n], self._expertise_text[:n]))
        self.projection = step if self.projection is None else np.ascontiguousarray(self.projection @ step)
        self.text_dim = step.shape[1]
        self._need_text = np.zeros((self._cap, need.shape[1]), dtype=np.float32)
        self._expertise_text = np.zeros((self._cap, need.shape[1]), dtype=np.float32)
        self._need_text[:n], self._expertise_text[:n] = need, expertise

    def _project(self, matrix: np.ndarray) -> np.ndarray:
        return _renormalise(matrix @ self.projection, matrix)

    # -- look-ups ---------------------------------------------------------------------------------
    def row_of(self, place_id: int) -> int:
        """The index row of a place (``UnknownPlace`` if it is not in the index)."""
        try:
            return self.row[place_id]
        except (KeyError, TypeError):
            raise UnknownPlace(place_id) from None

    def profile(self, place_id: int) -> PlaceProfile:
        return self.profiles[self.row_of(place_id)]

    def __contains__(self, place_id: object) -> bool:
        return place_id in self.row

    def ties_of(self, row: int) -> set[int]:
        """Ids of the places tied to the place in ``row``, in either direction."""
        profile = self.profiles[row]
        return set(profile.partners) | self._listed_by.get(profile.id, set())

    def defined(self, row: int) -> set[str]:
        """The components this place has the data for, as the querying side."""
        has = {
            "needs": bool(self._has_needs[row]),
            "expertise": bool(self._has_expertise[row]),
            "context": bool(self._known[row]) or bool(self._hazards[row]),
            "need_text": bool(self._has_need_text[row]),
            "expertise_text": bool(self._expertise_text[row].any()),
            "coordinates": not math.isnan(float(self._lat[row])),
            "languages": bool(self._languages[row]),
        }
        return {name for name, needs in _NEEDS.items() if all(has[x] for x in needs)}

