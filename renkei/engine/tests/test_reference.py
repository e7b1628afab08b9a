import sys
from pathlib import Path

import pytest

from renkei.engine.index import MatchIndex
from renkei.engine.types import Weights

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from bench.reference_matching import Reference  # noqa: E402
from bench.synthetic import places, themes  # noqa: E402

WEIGHTS = {
    "expertise": Weights(expertise=0.7, peer=0.3),
    "peer": Weights(peer=1.0),
    "mutual": Weights(mutual=0.8, peer=0.2),
}


@pytest.mark.parametrize("name", list(WEIGHTS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_and_reference_rank_alike(name, seed):
    space = themes()
    rows = places(60, space, seed=seed)
    index = MatchIndex(space, rows)
    reference = Reference(space.similarity, space.index, rows)
    for place_id in (1, 17, 42):
        engine = [r.place_id for r in index.rank(place_id, WEIGHTS[name], top=10, explain_results=False)]
        assert engine == reference.rank(place_id, WEIGHTS[name], top=10)
