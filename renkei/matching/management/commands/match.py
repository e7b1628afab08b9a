import json

from django.core.management.base import BaseCommand, CommandError

from renkei.accounts.permissions import SYSTEM
from renkei.core.errors import ApplicationError
from renkei.engine.types import PRESETS
from renkei.matching.services import MatchRequest, match_find
from renkei.places.selectors import place_get_by_ref


class Command(BaseCommand):
    help = "Rank partners for a place (PLACE is a URL name, an external id or a name)."

    def add_arguments(self, parser):
        parser.add_argument("place")
        parser.add_argument("--preset", choices=list(PRESETS), default="mutual",
                            help="expertise: who can help us; peer: places like us; mutual: both learn; "
                                 "offer: who needs what we offer")
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument("--country", action="append", default=[], metavar="XX")
        parser.add_argument("--exclude-country", action="append", default=[], metavar="XX")
        parser.add_argument("--min-population", type=int)
        parser.add_argument("--max-population", type=int)
        parser.add_argument("--level", action="append", default=[], choices=["city", "region", "country"])
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **o):
        try:
            place = place_get_by_ref(viewer=SYSTEM, ref=o["place"])
            found = match_find(viewer=SYSTEM, place=place, save=False, request=MatchRequest(
                preset=o["preset"], countries=tuple(o["country"]), exclude_countries=tuple(o["exclude_country"]),
                levels=tuple(o["level"] or ["city"]), min_population=o["min_population"],
                max_population=o["max_population"], top=o["top"]))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if o["json"]:
            out = {"place": {"id": place.external_id or place.slug, "name": place.name_en, "country": place.country,
                             "slug": place.slug},
                   "preset": o["preset"],
                   "results": [{"place": {"id": m.place.external_id or m.place.slug, "name": m.place.name_en,
                                          "country": m.place.country, "slug": m.place.slug},
                                "score": m.score, "score_100": m.points, "band": m.band,
                                "components": dict(m.components), "explanation": m.reasons("en")}
                               for m in found.results]}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{o['preset']} matches for {place.name_en} (scores 0–100: strong 60+, good 45–59, "
                          "partial 30–44, weak under 30):")
        for n, m in enumerate(found.results, 1):
            self.stdout.write(f"{n:>3}. {m.place.name_en} ({m.place.country})  {m.points}/100 {m.band}")
            for line in m.reasons("en"):
                self.stdout.write(f"       · {line}")
