"""IATI codelists shipped in renkei/data/iati (CC BY 4.0, IATI Standard)."""

from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

CODELISTS = Path(__file__).resolve().parent.parent / "data" / "iati" / "codelists"


@lru_cache
def codelist(name: str) -> dict[str, str]:
    root = ElementTree.parse(CODELISTS / f"{name}.xml").getroot()  # noqa: S314 - shipped, trusted file
    out: dict[str, str] = {}
    for item in root.iter("codelist-item"):
        code = item.findtext("code")
        name_el = item.find("name/narrative")
        if code:
            out[code] = (name_el.text or code) if name_el is not None else code
    return out


def organisation_types() -> dict[str, str]:
    return codelist("OrganisationType")
