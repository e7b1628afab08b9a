from xml.etree import ElementTree

import pytest

from renkei.places.codelists import CODELISTS
from renkei.places.models import Theme
from renkei.places.taxonomy import load_taxonomy, read_taxonomy

ROWS = read_taxonomy()
CODES = {row["code"] for row in ROWS}


def _codes(name: str) -> set[str]:
    root = ElementTree.parse(CODELISTS / f"{name}.xml").getroot()  # noqa: S314
    return {item.findtext("code") for item in root.iter("codelist-item")}


def test_size_and_shape():
    assert len(ROWS) >= 60
    assert len(CODES) == len(ROWS)
    seen = set()
    for row in ROWS:
        assert row["parent"] is None or row["parent"] in seen, row["code"]
        seen.add(row["code"])
        assert row["name_en"] and row["name_ja"] and row["synonyms_en"] and row["synonyms_ja"], row["code"]
        assert set(row["related"]) <= CODES


def test_dac_codes_and_sdg_targets_exist_in_the_iati_codelists():
    dac, sdg = _codes("Sector"), _codes("UNSDG-Targets")
    for row in ROWS:
        assert row["dac_codes"] and set(row["dac_codes"]) <= dac, row["code"]
        assert row["sdg_targets"] and set(row["sdg_targets"]) <= sdg, row["code"]


def test_a_synonym_belongs_to_one_theme():
    owner = {}
    for row in ROWS:
        for word in row["synonyms_en"] + row["synonyms_ja"]:
            assert owner.setdefault(word.lower(), row["code"]) == row["code"], word


@pytest.mark.parametrize("code", [
    "compact-city", "seismic-risk", "disaster-risk", "tsunami-reconstruction", "ageing-accessibility",
    "declining-birthrate", "solid-waste", "green-growth", "smart-city", "ict-government", "renewable-energy",
    "energy-storage", "circular-economy", "urban-rural-nexus", "mobility", "social-inclusion", "healthy-cities",
    "climate-adaptation", "nature-based-solutions", "port-regeneration", "participatory-innovation",
    "city-revitalisation", "relationship-population", "human-resources", "regional-innovation",
    "demographics-competitiveness", "sustainable-economy", "low-carbon", "public-transport",
])
def test_covers_the_seed_themes(code):
    assert code in CODES


@pytest.mark.django_db
def test_migration_loaded_the_file_and_reload_is_idempotent():
    assert Theme.objects.count() == len(ROWS)
    compact = Theme.objects.get(code="compact-city")
    assert compact.parent.code == "urban-planning"
    assert compact.related.filter(code="public-transport").exists()
    assert Theme.objects.get(code="public-transport").related.filter(code="compact-city").exists()
    load_taxonomy(Theme)
    assert Theme.objects.count() == len(ROWS)
