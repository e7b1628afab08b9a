"""The vectorised engine and the plain pure-Python reference (bench/reference_matching.py) give the
same scores and the same rankings on small random inputs: every component, every preset, filters."""

import sys
from pathlib import Path

import numpy as np
import pytest

from renkei.engine.embedding import HashingEmbedder
from renkei.engine.index import MatchIndex
from renkei.engine.types import COMPONENTS, PRESETS, Filters, PlaceProfile, Statement, ThemeNode, Weights

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from bench.reference_matching import Reference  # noqa: E402

WORDS = ["waste", "recycling", "tsunami", "recovery", "light", "rail", "ageing", "care", "ごみ", "津波", "復興"]
HAZARDS = ["earthquake", "tsunami", "flood", "heat", "drought"]


def random_world(seed: int, n: int = 40) -> tuple[list[ThemeNode], list[PlaceProfile]]:
    rng = np.random.default_rng(seed)
    themes = [ThemeNode(1, "a"), ThemeNode(2, "b"), ThemeNode(3, "c")]
    for i in range(4, 19):  # a three-level tree with some declared relations
        parent = int(rng.integers(1, i))
        related = (int(rng.integers(1, i)),) if rng.random() < 0.3 else ()
        themes.append(ThemeNode(i, f"t{i}", parent, related))

    def maybe(value, p=0.15):
        return None if rng.random() < p else value

    def statements():
        return tuple(Statement(int(rng.integers(1, 20)), int(rng.integers(1, 6)),
                               " ".join(rng.choice(WORDS, int(rng.integers(0, 4)))))
                     for _ in range(int(rng.integers(0, 4))))

    places = []
    for i in range(1, n + 1):
        places.append(PlaceProfile(
            id=int(i * 7 % 97), name=f"P{i}", country=str(rng.choice(["JP", "DE", "ID", "FR"])),
            level=str(rng.choice(["city", "city", "region"])), population=maybe(float(10 ** rng.uniform(3, 7))),
            area_km2=maybe(float(rng.uniform(5, 3000))), share_65_plus=maybe(float(rng.uniform(3, 40))),
            growth=maybe(float(rng.uniform(-2, 3))), hazards=frozenset(h for h in HAZARDS if rng.random() < 0.3),
            coastal=maybe(bool(rng.random() < 0.5)), income_group=str(rng.choice(["", "LMC", "UMC", "HIC"])),
            lat=maybe(float(rng.uniform(-50, 65))), lon=float(rng.uniform(-170, 175)),
            languages=frozenset(x for x in ("ja", "en", "de") if rng.random() < 0.4),
            needs=statements(), expertise=statements(),
            partners=frozenset(int(x * 7 % 97) for x in rng.integers(1, n + 1, 2) if rng.random() < 0.3),
        ))
    return themes, places


WEIGHTS = {**PRESETS, **{name: Weights(**{name: 1.0}) for name in COMPONENTS},
           "everything": Weights(**dict.fromkeys(COMPONENTS, 1.0))}


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_engine_and_reference_score_and_rank_alike(seed):
    themes, places = random_world(seed)
    embedder = HashingEmbedder(64)
    index = MatchIndex(themes, places, embedder=embedder)
    reference = Reference(themes, places, embedder=embedder)
    filters = [Filters(), Filters(exclude_countries={"JP"}, min_population=5_000),
               Filters(countries={"DE", "ID"}, levels={"city"}, exclude_partners=True)]
    compared = 0
    for name, weights in WEIGHTS.items():
        for place in places[:8]:
            for f in filters:
                engine = [(r.place_id, r.score) for r in index.rank(place.id, weights, f, top=10,
                                                                      explain_results=False)]
                expected = reference.rank(place.id, weights, 10, f)
                assert [pid for pid, _ in engine] == [pid for pid, _ in expected], (name, place.id, f)
                assert [s for _, s in engine] == pytest.approx([s for _, s in expected], abs=1.01e-4)
                compared += 1
    assert compared == len(WEIGHTS) * 8 * 3
