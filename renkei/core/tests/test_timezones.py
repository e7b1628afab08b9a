"""One list of time zones on every machine: what a zone folder holds besides zones is neither
accepted nor offered."""

from renkei.core.timezones import COMMON_ZONES, is_zone, known_zones, offered_zones


def test_files_of_the_zone_folder_are_not_zones():
    for name in ("localtime", "posixrules", "Factory", "", None, 9):
        assert not is_zone(name), name
    assert not {"localtime", "posixrules", "Factory"} & set(offered_zones())


def test_zones_and_their_old_names_are_accepted_but_only_area_and_city_are_offered():
    assert is_zone("Asia/Tokyo") and is_zone("UTC") and is_zone("Japan") and is_zone("US/Eastern")
    offered = offered_zones()
    assert "Asia/Tokyo" in offered and "UTC" in offered and "America/Argentina/Buenos_Aires" in offered
    assert "Japan" not in offered and "US/Eastern" not in offered and "Etc/GMT+9" not in offered
    assert list(offered) == sorted(offered) and set(offered) <= known_zones() and len(offered) > 300
    assert set(COMMON_ZONES) <= set(offered)
