"""The IANA time zones Renkei knows: one list for validation (forms, API, imports) and for the
choices offered in forms, the same on every machine.

``zoneinfo.available_timezones()`` also returns what a system's zone folder happens to hold
(``localtime``, ``posixrules``, ``Factory``), which are not zones a person chooses; they are left out.
Old aliases (``Japan``, ``US/Eastern``) are accepted when typed but only the ``Area/City`` names are offered.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

#: file names in a zone folder that are not time zones
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory", "leapseconds", "tzdata.zi"})
#: the regions of the canonical ``Area/City`` names
_AREAS = frozenset({"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
                    "Indian", "Pacific"})

#: the zones programme officers use most, offered first
COMMON_ZONES = ("Asia/Tokyo", "UTC", "Europe/Brussels", "Europe/Paris", "Europe/Berlin", "Asia/Jakarta",
                "Asia/Bangkok", "Asia/Manila", "Asia/Ho_Chi_Minh")


@cache
def known_zones() -> frozenset[str]:
    """Every zone name accepted as input."""
    return frozenset(available_timezones()) - _NOT_ZONES


def is_zone(value: object) -> bool:
    return isinstance(value, str) and value in known_zones()


@cache
def offered_zones() -> tuple[str, ...]:
    """The zones offered in a list: ``Area/City`` names and UTC, in alphabetical order."""
    return tuple(sorted(zone for zone in known_zones() if zone == "UTC" or zone.split("/", 1)[0] in _AREAS))
