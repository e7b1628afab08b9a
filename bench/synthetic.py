"""Synthetic places over Renkei's real taxonomy, for benchmarks (no database, no model)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from renkei.engine.themes import ThemeSpace
from renkei.engine.types import PlaceProfile, Statement, ThemeNode

DATA = Path(__file__).resolve().parent.parent / "renkei" / "data"
COUNTRIES = ["JP", "ID", "DE", "FI", "SE", "PH", "VN", "TH", "FR", "IT", "ES", "BR", "IN", "KE", "MX"]
HAZARDS = ["earthquake", "tsunami", "flood", "typhoon", "landslide", "volcanic", "drought", "heat"]
INCOME = ["LIC", "LMC", "UMC", "HIC"]


def themes() -> ThemeSpace:
    rows = json.loads((DATA / "taxonomy" / "themes.json").read_text())
    ids = {r["code"]: n + 1 for n, r in enumerate(rows)}
    return ThemeSpace([ThemeNode(id=ids[r["code"]], code=r["code"], parent_id=ids.get(r["parent"]),
                                 related=tuple(ids[c] for c in r["related"]), name_en=r["name_en"],
                                 name_ja=r["name_ja"]) for r in rows])


def places(n: int, space: ThemeSpace, seed: int = 7) -> list[PlaceProfile]:
    rng = np.random.default_rng(seed)
    theme_ids = [t.id for t in space.themes]
    out = []
    for i in range(n):
        k_need, k_offer = rng.integers(1, 5), rng.integers(1, 5)
        population = float(10 ** rng.uniform(3.5, 7))
        out.append(PlaceProfile(
            id=i + 1, name=f"Place {i + 1}", country=COUNTRIES[int(rng.integers(len(COUNTRIES)))],
            population=population, area_km2=float(population / 10 ** rng.uniform(1.5, 4)),
            share_65_plus=float(rng.uniform(3, 40)), growth=float(rng.uniform(-2, 4)),
            hazards=frozenset(h for h in HAZARDS if rng.random() < 0.25), coastal=bool(rng.random() < 0.4),
            income_group=INCOME[int(rng.integers(4))], lat=float(rng.uniform(-50, 65)),
            lon=float(rng.uniform(-170, 175)), languages=frozenset({"en"}),
            needs=tuple(Statement(int(t), int(rng.integers(1, 6))) for t in rng.choice(theme_ids, k_need, False)),
            expertise=tuple(Statement(int(t), int(rng.integers(1, 6)))
                            for t in rng.choice(theme_ids, k_offer, False)),
        ))
    return out


def random_text_vectors(index, dim: int, seed: int = 11) -> None:
    """Stand-in for sentence embeddings: random unit vectors with some shared structure."""
    rng = np.random.default_rng(seed)
    n = len(index)
    topics = rng.normal(size=(len(index.themes), dim)).astype(np.float32)
    index.need_text = index.need @ topics + 0.3 * rng.normal(size=(n, dim)).astype(np.float32)
    index.expertise_text = index.expertise @ topics + 0.3 * rng.normal(size=(n, dim)).astype(np.float32)
    for name in ("need_text", "expertise_text"):
        m = getattr(index, name)
        m /= np.linalg.norm(m, axis=1, keepdims=True) + 1e-9
        setattr(index, name, m.astype(np.float32))
