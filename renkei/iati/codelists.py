"""The IATI 2.03 codelists shipped in ``renkei/data/iati/codelists``, read once per process.

The XSD does not check code values, so every code the exporter writes and the importer reads is
checked here. A code whose ``status`` is ``withdrawn`` is known but not valid for new data."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

DATA = Path(__file__).resolve().parent.parent / "data" / "iati"
CODELISTS = DATA / "codelists"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@cache
def _all() -> dict[str, dict[str, tuple[str, bool]]]:
    """Every shipped list: name → code → (English name, active)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    lists: dict[str, dict[str, tuple[str, bool]]] = {}
    for path in sorted(CODELISTS.glob("*.xml")):
        root = etree.parse(str(path), parser).getroot()
        items = {}
        for item in root.iter("codelist-item"):
            code = (item.findtext("code") or "").strip()
            if not code:
                continue
            name = next((n.text for n in item.iterfind("name/narrative") if n.get(XML_LANG) in (None, "en")), code)
            items[code] = ((name or code).strip(), item.get("status", "active") != "withdrawn")
        lists[root.get("name") or path.stem] = items
    return lists


def names() -> list[str]:
    return sorted(_all())


def codes(name: str, *, active_only: bool = True) -> frozenset[str]:
    """The codes of list ``name`` (KeyError for a list that is not shipped)."""
    return frozenset(code for code, (_label, active) in _all()[name].items() if active or not active_only)


def is_valid(name: str, code: str | None) -> bool:
    item = _all()[name].get(code or "")
    return item is not None and item[1]


def label(name: str, code: str) -> str:
    item = _all()[name].get(code)
    return item[0] if item else code


def choices(name: str) -> list[tuple[str, str]]:
    """(code, "code – name") for the active codes of a list, in the list's order."""
    return [(code, f"{code} – {text}") for code, (text, active) in _all()[name].items() if active]
