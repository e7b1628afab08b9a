import json

from django.core.management.base import BaseCommand, CommandError

from renkei.accounts.permissions import SYSTEM
from renkei.core.errors import ApplicationError
from renkei.engine.types import DEFAULT_PRESET, PRESETS
from renkei.matching.services import pairing_create
from renkei.places.selectors import PlaceFilters, place_list

FILTER_HELP = "a filter like country=JP, country=DE,FI,SE, theme=circular-economy, level=city, or slugs=a,b,c"


def parse_filter(text: str, flag: str) -> list[str]:
    clauses = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise CommandError(f"{flag}: {part!r} is not key=value ({FILTER_HELP})")
        key, value = (s.strip() for s in part.split("=", 1))
        if key not in {"country", "theme", "level", "slugs", "min_population", "max_population"}:
            raise CommandError(f"{flag}: unknown key {key!r} ({FILTER_HELP})")
        clauses[key] = value
    if "slugs" in clauses:
        return [s.strip() for s in clauses["slugs"].split(",") if s.strip()]
    slugs: list[str] = []
    for country in (clauses.get("country") or "").split(",") or [""]:
        try:
            filters = PlaceFilters(country=country.strip(), theme=clauses.get("theme", ""),
                                   level=clauses.get("level", "city"),
                                   min_population=int(clauses["min_population"]) if "min_population" in clauses
                                   else None,
                                   max_population=int(clauses["max_population"]) if "max_population" in clauses
                                   else None)
        except ValueError as exc:
            raise CommandError(f"{flag}: population bounds must be whole numbers") from exc
        slugs += list(place_list(viewer=SYSTEM, filters=filters).values_list("slug", flat=True))
    if not slugs:
        raise CommandError(f"{flag}: no place matches {text!r}")
    return list(dict.fromkeys(slugs))


class Command(BaseCommand):
    help = "Pair two groups of places (e.g. ten EU and ten Japanese cities) one to one, or up to K each."

    def add_arguments(self, parser):
        parser.add_argument("--a", required=True, help=FILTER_HELP)
        parser.add_argument("--b", required=True, help=FILTER_HELP)
        parser.add_argument("--capacity", type=int, default=1, metavar="K")
        parser.add_argument("--method", choices=["optimal", "stable"], default="optimal")
        parser.add_argument("--preset", choices=list(PRESETS), default=DEFAULT_PRESET)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        group_a = parse_filter(o["a"], "--a")
        group_b = parse_filter(o["b"], "--b")
        try:
            run = pairing_create(actor=SYSTEM, group_a=group_a, group_b=group_b, preset=o["preset"],
                                 capacity=o["capacity"], method=o["method"], save=False)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if o["json"]:
            self.stdout.write(json.dumps({"method": o["method"], "capacity": o["capacity"], "total": run.total,
                                          "greedy_total": run.parameters["greedy_total"], "pairs": run.results,
                                          "unmatched_a": run.parameters["unmatched_a"],
                                          "unmatched_b": run.parameters["unmatched_b"]},
                                         ensure_ascii=False, indent=2))
            return
        for pair in run.results:
            self.stdout.write(f"{pair['a']['name']:<24} ↔ {pair['b']['name']:<24} {pair['score']:.3f}")
            for line in pair["explanation"][:3]:
                self.stdout.write(f"    · {line}")
        self.stdout.write(f"Total {run.total:.3f} ({o['method']}); greedy would give "
                          f"{run.parameters['greedy_total']:.3f}.")
