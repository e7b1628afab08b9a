"""The demo's indicator values and peer groups.

Values come from renkei/data/indicators/demo_values.csv (the import's format), loaded through the
import service. None of them is a statistic: each says "sample value" in English and Japanese in
its source (the seed documents give no indicator values). Loading is idempotent: a second run
finds every value unchanged and every peer group present."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from renkei.accounts.permissions import SYSTEM
from renkei.indicators import services
from renkei.indicators.catalogue import load_catalogue
from renkei.indicators.importing import values_import
from renkei.indicators.models import Classification, Framework, Indicator, PeerGroup
from renkei.places.models import Place, Theme

DEMO_VALUES = Path(__file__).resolve().parent.parent / "data" / "indicators" / "demo_values.csv"

GROUPS = [
    {"slug": "places-like-kamaishi", "name": {"en": "Places like Kamaishi", "ja": "釜石市に似た地域"},
     "kind": "similar", "criteria": {"place": "kamaishi", "top": 15}, "shared": True},
    {"slug": "japanese-cities", "name": {"en": "Japanese cities", "ja": "日本の市町村"},
     "kind": "filter", "criteria": {"countries": ["JP"], "levels": ["city"]}, "shared": True},
    {"slug": "jica-partners", "name": {"en": "Kamaishi, Banda Aceh and Asian partner cities",
                                       "ja": "釜石市、バンダ・アチェとアジアのパートナー都市"},
     "kind": "list", "places": ["kamaishi", "banda-aceh", "surabaya", "semarang", "cebu-city", "davao-city",
                                "da-nang", "hai-phong", "chiang-mai"], "shared": True},
]


@transaction.atomic
def indicators_demo_load(path: Path = DEMO_VALUES) -> int:
    """Load the demo values and peer groups; returns how many records were created or changed. The
    shipped catalogue is loaded first when it is missing (tests that flush the tables lose it)."""
    if not Indicator.objects.filter(custom=False).exists():
        load_catalogue(Framework, Classification, Indicator, Theme)
    known = set(Place.objects.values_list("slug", flat=True))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    wanted = [lines[0], *(line for line in lines[1:] if line.split(",", 1)[0] in known)]
    if len(wanted) == 1:
        return 0
    report = values_import(source="".join(wanted), actor=SYSTEM)
    if report.errors:
        raise ValueError("; ".join(report.error_lines()[:5]))
    changed = report.created + report.revised
    for group in GROUPS:
        if PeerGroup.objects.filter(slug=group["slug"]).exists():
            continue
        if not set(group.get("places", [])) <= known or group.get("criteria", {}).get("place", "kamaishi") not in known:
            continue
        services.peer_group_create(actor=SYSTEM, data=group)
        changed += 1
    return changed
