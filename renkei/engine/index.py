"""The matching index: every place's profile as dense float32 arrays, scored against one place (or a
block of places) at a time with vectorised numpy (docs/algorithms/matching.md §3–§7).

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

import math
import numbers
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from renkei.engine.embedding import Embedder, encode_unique
from renkei.engine.themes import ThemeSpace
from renkei.engine.types import (
    COMPONENTS,
    EngineError,
    Filters,
    MatchResult,
    PlaceProfile,
    ThemeNode,
    UnknownPlace,
    Weights,
    resolve_weights,
)

INCOME = {"LIC": 0.0, "LMC": 1.0, "UMC": 2.0, "HIC": 3.0}
LEVELS = {"country": 0.0, "region": 1.0, "city": 2.0}
HAZARDS = ("earthquake", "tsunami", "flood", "typhoon", "landslide", "volcanic", "drought", "heat")
FEATURES = ("log_population", "log_density", "share_65_plus", "growth", "coastal", "income", "level")
PEER_SCALES = (2.0, 2.0, 20.0, 3.0, 1.0, 3.0, 2.0)  # a difference of this much (or more) scores 0
PEER_WEIGHTS = (1.5, 0.75, 1.0, 1.0, 0.5, 0.75, 0.5)
HAZARD_WEIGHT = 1.25
EARTH_KM = 6371.0
DISTANCE_SCALE_KM = 3000.0  # closeness 1 / (1 + km / 3000): 0.5 at 3,000 km
TEXT_FLOOR, TEXT_SPAN = 0.25, 0.35  # text score clip((cos − 0.25) / 0.35, 0, 1); see the docs §5
SCORE_DECIMALS = 4  # ranking uses the score rounded as shown, then the place id

# which query data each component needs (a component the query lacks is left out, weights renormalised)
_NEEDS = {"expertise": ("needs",), "reverse": ("expertise",), "mutual": ("needs", "expertise"),
          "peer": ("context",), "shared_needs": ("needs",), "text": ("need_text",), "distance": ("coordinates",),
          "language": ("languages",), "ties": ()}


def _num(value) -> float:
    try:
        out = float(value) if value is not None else math.nan
    except (TypeError, ValueError):
        return math.nan
    return out if math.isfinite(out) else math.nan


def features_of(profile: PlaceProfile) -> list[float]:
    """The seven context features of a place (NaN when unknown), in the order of ``FEATURES``."""
    population, density = _num(profile.population), _num(profile.density)
    return [
        math.log10(population) if population > 0 else math.nan,
        math.log10(density) if density > 0 else math.nan,
        _num(profile.share_65_plus),
        _num(profile.growth),
        float(profile.coastal) if profile.coastal is not None else math.nan,
        INCOME.get(profile.income_group, math.nan),
        LEVELS.get(profile.level, math.nan),
    ]


def harmonic(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """2xy / (x + y), 0 where both are 0: low whenever either side is low."""
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    out = np.multiply(x, y)
    out *= 2.0
    total = np.add(x, y)
    np.divide(out, total, out=out, where=total > 0)  # where x + y = 0, x·y = 0 already
    return out


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


@dataclass(frozen=True)
class Block:
    """Scores of query rows A × candidate rows B, the component matrices used, and each component's
    weight per query row (renormalised over the components that row has data for)."""

    score: np.ndarray
    components: dict[str, np.ndarray]
    weights: dict[str, np.ndarray]


_VECDOT = getattr(np, "vecdot", None) or (lambda m, v, out: np.matmul(m, v, out=out))  # numpy < 2
_PEER_SLOPE = np.array([w / s for w, s in zip(PEER_WEIGHTS, PEER_SCALES, strict=True)], dtype=np.float32)
_PEER_TABLE = np.array([sum(w for k, w in enumerate(PEER_WEIGHTS) if mask >> k & 1) for mask in range(128)],
                       dtype=np.float32)  # summed weights of the features in a known-mask


class _Scratch(threading.local):
    def __init__(self):
        self.arrays: dict[str, np.ndarray] = {}


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


class MatchIndex:
    """N places × T themes as arrays. ``rank`` costs a few matrix–vector products and some vector
    operations, with no Python loop over candidates; ``score_matrix`` scores a block (for cohort
    pairing) without touching the rest of the index; ``update`` and ``remove`` change one place.

    ``themes`` is a ``ThemeSpace`` (or the ``ThemeNode``s to build one). With an ``embedder`` the
    texts of needs and expertise are embedded (each distinct text once, in batches of places); with
    ``text_dim`` the text vectors are projected onto their top principal components, fitted on a
    sample before the index is filled. Queries may run concurrently; ``update`` and ``remove``
    must not run while other threads query."""

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
        self._scratch = _Scratch()
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

    def update(self, profile: PlaceProfile) -> None:
        """Replace (or add) one place without rebuilding the index. Its texts are embedded (through
        the embedder, so a cached embedder encodes only new texts)."""
        (need_text,), (expertise_text,) = self._texts([profile])
        row = self.row.get(profile.id)
        if row is None:
            self._append(profile, need_text, expertise_text)
        else:
            self._forget_ties(self.profiles[row])
            self._fill(row, profile, need_text, expertise_text)

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
            "coordinates": not math.isnan(float(self._lat[row])),
            "languages": bool(self._languages[row]),
        }
        return {name for name, needs in _NEEDS.items() if all(has[x] for x in needs)}

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
            cosine = self._need_text[rows_a] @ self._expertise_text[rows_b].T
            cosine -= TEXT_FLOOR
            cosine *= 1.0 / TEXT_SPAN
            out["text"] = np.clip(cosine, 0.0, 1.0, out=cosine)
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
        if "text" in names:
            # numpy's own vecdot loop, not BLAS: a multi-threaded BLAS matrix–vector product can take
            # four times as long when another process holds one of the cores (bench/README.md)
            text = _VECDOT(self._expertise_text[:n], self._need_text[a], out=self._buf("text"))
            text -= TEXT_FLOOR
            text *= 1.0 / TEXT_SPAN
            out["text"] = np.clip(text, 0.0, 1.0, out=text)
        for name in ("distance", "ties"):
            if name in names:
                out[name] = self._block(np.array([a]), slice(0, n), [name])[name][0]
        if "language" in names:
            shared = np.bitwise_and(self._languages[:n], self._languages[a], out=self._buf("bits", np.int64))
            out["language"] = np.not_equal(shared, 0, out=self._buf("language", bool)).astype(np.float32)
        return {name: out[name] for name in COMPONENTS if name in names}

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

    def _query_scores(self, a: int, weights: Weights) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Scores of every place for the query row ``a`` and the components used (scratch buffers)."""
        used = {k: float(w[0]) for k, w in self._weights_by_row(np.array([a]), weights).items() if w[0] > 0}
        comps = self._query(a, used)
        score = self._buf("score")
        score.fill(0.0)
        tmp = self._buf("tmp")
        for name, weight in used.items():
            np.multiply(comps[name], np.float32(weight), out=tmp)
            score += tmp
        return np.clip(score, 0.0, 1.0, out=score), comps

    # -- scores -----------------------------------------------------------------------------------
    def _weights_by_row(self, rows_a: np.ndarray, weights: Weights) -> dict[str, np.ndarray]:
        """Per query row, the weight of each active component renormalised over the components that
        row has data for (a component the query lacks would be 0 for every candidate)."""
        active = weights.active()
        if not active:
            raise EngineError("at least one weight must be above zero")
        names = list(active)
        share = np.zeros((len(rows_a), len(names)), dtype=np.float64)
        for i, a in enumerate(rows_a):
            has = self.defined(int(a))
            share[i] = [active[k] if k in has else 0.0 for k in names]
        totals = share.sum(axis=1, keepdims=True)
        share = np.divide(share, totals, out=np.zeros_like(share), where=totals > 0)
        return {k: share[:, j].astype(np.float32) for j, k in enumerate(names)}

    def score_block(self, rows_a: Sequence[int] | np.ndarray, rows_b: Sequence[int] | np.ndarray | slice,
                    weights: Weights | str | Mapping) -> Block:
        """Scores (|A| × |B|) and the components behind them, for index rows A (the querying side)
        and B (the candidates; a slice avoids copying when B is the whole index)."""
        weights = resolve_weights(weights)
        rows_a = np.asarray(rows_a, dtype=np.int64).reshape(-1)
        if not isinstance(rows_b, slice):
            rows_b = np.asarray(rows_b, dtype=np.int64).reshape(-1)
        per_row = self._weights_by_row(rows_a, weights)
        used = {k: w for k, w in per_row.items() if w.any()}
        comps = self._block(rows_a, rows_b, used)
        score = np.zeros((len(rows_a), self._width(rows_b)), dtype=np.float32)
        for name, w in used.items():
            if len(w) == 1:
                score += w[0] * comps[name]
            else:
                score += w[:, None] * comps[name]
        np.clip(score, 0.0, 1.0, out=score)
        return Block(score=score, components=comps, weights=used)

    def score_matrix(self, rows_a: Sequence[int], rows_b: Sequence[int], weights: Weights | str | Mapping
                     ) -> np.ndarray:
        """Scores of every (a, b) pair, a in ``rows_a`` × b in ``rows_b`` (index rows), computed as
        one block: the cost depends on |A| × |B|, not on the size of the index."""
        return self.score_block(rows_a, rows_b, weights).score

    def components(self, a: int, names: Iterable[str]) -> dict[str, np.ndarray]:
        """Named components for the place in row ``a`` against every row, each a vector in [0, 1]."""
        unknown = set(names) - set(COMPONENTS)
        if unknown:
            raise EngineError(f"unknown component(s): {', '.join(sorted(unknown))}")
        return {k: v[0] for k, v in self._block(np.array([a]), slice(0, self._n), names).items()}

    # single components for one query row (used by tests and the worked example)
    def expertise_fit(self, a: int) -> np.ndarray:
        return self.components(a, ["expertise"])["expertise"]

    def reverse_fit(self, a: int) -> np.ndarray:
        return self.components(a, ["reverse"])["reverse"]

    def mutual(self, a: int) -> np.ndarray:
        return self.components(a, ["mutual"])["mutual"]

    def peer(self, a: int) -> np.ndarray:
        return self.components(a, ["peer"])["peer"]

    def shared_needs(self, a: int) -> np.ndarray:
        return self.components(a, ["shared_needs"])["shared_needs"]

    def text(self, a: int) -> np.ndarray:
        return self.components(a, ["text"])["text"]

    harmonic = staticmethod(harmonic)

    # -- ranking ----------------------------------------------------------------------------------
    def mask(self, a: int, filters: Filters) -> np.ndarray:
        """Candidates (rows) that pass the filters; never the query itself."""
        n = self._n
        keep = np.ones(n, dtype=bool)
        keep[a] = False
        if filters.countries:
            keep &= self._lookup(self._countries, filters.countries)[self._country[:n]]
        if filters.exclude_countries:
            keep &= ~self._lookup(self._countries, filters.exclude_countries)[self._country[:n]]
        if filters.levels:
            keep &= self._lookup(self._levels, filters.levels)[self._level[:n]]
        with np.errstate(invalid="ignore"):
            if filters.min_population is not None:
                keep &= self._population[:n] >= filters.min_population
            if filters.max_population is not None:
                keep &= self._population[:n] <= filters.max_population
        excluded = set(filters.exclude_ids)
        if filters.exclude_partners:
            excluded |= self.ties_of(a)
        rows = [self.row[i] for i in excluded if i in self.row]
        if rows:
            keep[rows] = False
        return keep

    @staticmethod
    def _lookup(codes: dict[str, int], wanted: Iterable[str]) -> np.ndarray:
        table = np.zeros(len(codes) + 1, dtype=bool)  # the extra slot stays False for code −1
        for name in wanted:
            if name in codes:
                table[codes[name]] = True
        return table

    @staticmethod
    def top_rows(score: np.ndarray, keep: np.ndarray, ids: np.ndarray, k: int, key: np.ndarray | None = None
                 ) -> np.ndarray:
        """Rows of the k best candidates by (score rounded to ``SCORE_DECIMALS``, then id), exact
        and O(N): everything above the k-th key, then the smallest ids among those equal to it."""
        k = min(int(k), int(np.count_nonzero(keep)))
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        scaled = np.multiply(score, 10.0 ** SCORE_DECIMALS, dtype=np.float64)
        key = np.empty(len(score), dtype=np.int32) if key is None else key
        np.copyto(key, np.rint(scaled, out=scaled), casting="unsafe")
        np.putmask(key, ~keep, -1)  # below every real key (scores are ≥ 0); k never exceeds the kept count
        n = len(key)
        kth = np.partition(key, n - k)[n - k]
        above = np.flatnonzero(key > kth)
        tied = np.flatnonzero(key == kth)
        need = k - len(above)
        if len(tied) > need:
            tied = tied[np.argpartition(ids[tied], need - 1)[:need]]
        chosen = np.concatenate([above, tied])
        return chosen[np.lexsort((ids[chosen], -key[chosen]))]

    def rank(self, place_id: int, weights: Weights | str | Mapping, filters: Filters | None = None, *,
             top: int = 20, explain_results: bool = True) -> list[MatchResult]:
        """The ``top`` best partners for a place: filters applied first, then scores (rounded to 4
        decimals, as shown) descending, ties by place id. Explanations only for those returned."""
        from renkei.engine.explain import explain

        weights = resolve_weights(weights)
        a = self.row_of(place_id)
        if isinstance(top, bool) or not isinstance(top, numbers.Integral):
            raise EngineError("top must be a whole number")
        score, comps = self._query_scores(a, weights)
        rows = self.top_rows(score, self.mask(a, filters or Filters()), self.ids, top, self._buf("key", np.int32))
        picked = [(int(b), round(float(score[b]), SCORE_DECIMALS),
                   {name: round(float(vector[b]), SCORE_DECIMALS) for name, vector in comps.items()}) for b in rows]
        return [MatchResult(place_id=int(self._ids[b]), score=value, components=components,
                            explanation=explain(self, a, b, components, weights) if explain_results else ())
                for b, value, components in picked]

    def score(self, place_id: int, other_id: int, weights: Weights | str | Mapping) -> MatchResult:
        """One pair, explained: how ``other_id`` scores as a partner for ``place_id``."""
        from renkei.engine.explain import explain

        weights = resolve_weights(weights)
        a, b = self.row_of(place_id), self.row_of(other_id)
        block = self.score_block([a], [b], weights)
        score, comps = block.score, block.components
        components = {name: round(float(v[0, 0]), SCORE_DECIMALS) for name, v in comps.items()}
        return MatchResult(place_id=other_id, score=round(float(score[0, 0]), SCORE_DECIMALS), components=components,
                           explanation=explain(self, a, b, components, weights))


Index = MatchIndex
