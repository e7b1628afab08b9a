import json

from django.core.management.base import BaseCommand, CommandError

from renkei.accounts.permissions import SYSTEM
from renkei.core.errors import ApplicationError
from renkei.engine.types import DEFAULT_PRESET, PRESETS
from renkei.matching.services import MatchRequest, match_find, tuning_reset, tuning_run, tuning_start
from renkei.places.selectors import place_get_by_ref
from renkei.programmes.selectors import programme_for


class Command(BaseCommand):
    help = ("Rank partners for a place (PLACE is a URL name, an external id or a name), or "
            "`renkei match tune PROGRAMME`: tune a programme's weights on its decisions and print the figures.")

    def add_arguments(self, parser):
        parser.add_argument("place", help="the place, or `tune` followed by a programme's URL name")
        parser.add_argument("programme_slug", nargs="?", metavar="PROGRAMME", help="with `tune`: the programme")
        parser.add_argument("--programme", help="search in a programme's context: its tuned weights when in use")
        parser.add_argument("--no-tuned", action="store_true",
                            help="the preset's own weights even when the programme has tuned ones")
        parser.add_argument("--reset", action="store_true",
                            help="with `tune`: return the programme to the preset's own weights instead")
        parser.add_argument("--preset", choices=list(PRESETS), default=None,
                            help="either (default): they can help us or we can help them; expertise: who can help us; "
                                 "peer: places like us; mutual: both learn; offer: who needs what we offer")
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument("--country", action="append", default=[], metavar="XX")
        parser.add_argument("--exclude-country", action="append", default=[], metavar="XX")
        parser.add_argument("--min-population", type=int)
        parser.add_argument("--max-population", type=int)
        parser.add_argument("--level", action="append", default=[], choices=["city", "region", "country"])
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **o):
        o["preset_given"] = o["preset"] is not None
        o["preset"] = o["preset"] or DEFAULT_PRESET
        if o["place"] == "tune" and o["programme_slug"]:
            return self.tune(o)
        if o["programme_slug"]:
            raise CommandError(f"unexpected argument {o['programme_slug']!r}: give one place "
                               "(or `renkei match tune PROGRAMME`)")
        try:
            place = place_get_by_ref(viewer=SYSTEM, ref=o["place"])
            programme = programme_for(SYSTEM, o["programme"]) if o["programme"] else None
            found = match_find(viewer=SYSTEM, place=place, save=False, request=MatchRequest(
                preset=o["preset"], countries=tuple(o["country"]), exclude_countries=tuple(o["exclude_country"]),
                levels=tuple(o["level"] or ["city"]), min_population=o["min_population"],
                max_population=o["max_population"], top=o["top"], programme=programme,
                use_tuned=not o["no_tuned"]))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        tuning = found.tuning
        if o["json"]:
            out = {"place": {"id": place.external_id or place.slug, "name": place.name_en, "country": place.country,
                             "slug": place.slug},
                   "preset": o["preset"],
                   **({"tuning": {"id": tuning.pk, "programme": tuning.programme.slug,
                                  "weights": found.weights.as_dict(), "decisions": tuning.decisions,
                                  "held_back_before": tuning.held_back_before,
                                  "held_back_after": tuning.held_back_after}} if tuning else {}),
                   "results": [{"place": {"id": m.place.external_id or m.place.slug, "name": m.place.name_en,
                                          "country": m.place.country, "slug": m.place.slug},
                                "score": m.score, "score_100": m.points, "band": m.band,
                                "components": dict(m.components), "explanation": m.reasons("en")}
                               for m in found.results]}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        if tuning:
            self.stdout.write(f"Weights tuned for {tuning.programme.slug} on {tuning.decisions} decisions "
                              f"(held-back pairwise AUC {tuning.held_back_before:.3f} with the preset, "
                              f"{tuning.held_back_after:.3f} tuned); --no-tuned for the preset's own.")
        self.stdout.write(f"{o['preset']} matches for {place.name_en} (scores 0–100: strong 60+, good 45–59, "
                          "partial 30–44, weak under 30):")
        for n, m in enumerate(found.results, 1):
            self.stdout.write(f"{n:>3}. {m.place.name_en} ({m.place.country})  {m.points}/100 {m.band}")
            for line in m.reasons("en"):
                self.stdout.write(f"       · {line}")

    def tune(self, o):
        try:
            programme = programme_for(SYSTEM, o["programme_slug"])
            if o["reset"]:
                n = tuning_reset(actor=SYSTEM, programme=programme,
                                 preset=o["preset"] if o["preset_given"] else None)
                self.stdout.write(f"{programme.slug}: back to the preset's own weights ({n} tuned set(s) set aside).")
                return
            tuning = tuning_run(tuning_start(actor=SYSTEM, programme=programme, preset=o["preset"],
                                             background=False).pk)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if tuning.status == tuning.Status.FAILED:
            raise CommandError(tuning.reason)
        if o["json"]:
            figures = {name: getattr(tuning, name) for name in (
                "applied", "in_use", "reason", "metric", "comparison", "weights", "preset_weights", "decisions",
                "positives", "negatives", "sources", "train_pairs", "held_back_pairs", "train_before",
                "train_after", "held_back_before", "held_back_after")}
            self.stdout.write(json.dumps({"id": tuning.pk, "programme": programme.slug, "preset": tuning.preset,
                                          **figures}, ensure_ascii=False, indent=2))
            return
        w = self.stdout.write
        w(f"Tuning the {tuning.preset} weights of {programme.slug} on its decisions:")
        w(f"  decided pairs: {tuning.decisions} ({tuning.positives} yes, {tuning.negatives} no); by source: "
          + ", ".join(f"{k} {v}" for k, v in tuning.sources.items()))
        if tuning.held_back_before is not None:
            w(f"  {tuning.metric}, {tuning.comparison}: training {tuning.train_before:.3f} → {tuning.train_after:.3f} "
              f"({tuning.train_pairs} pairs); held back {tuning.held_back_before:.3f} → "
              f"{tuning.held_back_after:.3f} ({tuning.held_back_pairs} pairs)")
            w("  weights (preset → tuned): " + ", ".join(
                f"{k} {tuning.preset_weights.get(k, 0):.2f}→{v:.2f}" for k, v in tuning.weights.items()
                if v or tuning.preset_weights.get(k)))
        w(f"  {'APPLIED' if tuning.applied else 'NOT APPLIED'}: {tuning.reason}")
