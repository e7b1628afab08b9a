"""Kamaishi's connected population as invented sample data: a few thousand people who do not exist,
each named as a sample in English and Japanese, spread over the kinds of connection the Open City
strategy (2016) counts, the years since the 2011 earthquake, prefectures and countries — a few of them
alone in their country, so that the public dashboard shows its small-count protection. Loaded through
the CSV import service (every line or none); a second load writes nothing. About a third of those who
reached stage 2 or beyond are imported as visitors and moved up through recorded contacts over the years,
so that the dashboard shows moves between stages over time."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from django.utils import timezone

from renkei.accounts.permissions import SYSTEM
from renkei.activities.models import Activity, Participant
from renkei.connections import services
from renkei.connections.models import ConnectedPerson, RetentionRule
from renkei.places.models import Place

PLACE = "kamaishi"
PEOPLE = 3000
SAMPLE = "(sample · サンプル)"
FAMILY = ["Sato", "Suzuki", "Takahashi", "Tanaka", "Ito", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
          "Yoshida", "Yamada", "Sasaki", "Chiba", "Kikuchi", "Abe", "Oikawa", "Murakami", "Endo", "Ogasawara"]
GIVEN = ["Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi", "Minato", "Mei", "Riku", "Sakura", "Kaito", "Yuna",
         "Daiki", "Akari", "Kenta", "Mio", "Shota", "Rin", "Takumi", "Emi"]
ABROAD_GIVEN = ["Alex", "Sam", "Maya", "Noah", "Lea", "Omar", "Dewi", "Rizky", "Putri", "Tom", "Aroha", "Liam"]
ABROAD_FAMILY = ["Smith", "Nugroho", "Santoso", "Brown", "Wilson", "Tan", "Lee", "Garcia", "Taylor", "Ngata"]
KINDS = [("hometown_tax_donor", 30), ("volunteer", 16), ("repeat_visitor", 12), ("online_community", 10),
         ("former_resident", 8), ("study_tour_alumnus", 6), ("training_alumnus", 5), ("business_partner", 5),
         ("partner_city_citizen", 4), ("researcher", 3), ("other", 1)]
PREFECTURES = [("03", 30), ("13", 18), ("04", 9), ("14", 7), ("11", 5), ("12", 4), ("27", 4), ("23", 3), ("01", 3),
               ("02", 2), ("07", 2), ("05", 2), ("40", 2), ("28", 2), ("26", 2), ("22", 1), ("34", 1), ("47", 1)]
ABROAD = [("ID", 40), ("US", 14), ("GB", 8), ("NZ", 8), ("AU", 6), ("TW", 6), ("PH", 5), ("FR", 2), ("CL", 1)]
# people alone or nearly alone in their country: the public dashboard must not show them
RARE = [("IS", 1), ("PE", 2), ("KE", 3)]


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def _since(rng: random.Random, kind: str, today: date) -> date:
    if kind == "volunteer":
        year = rng.choices([2011, 2012, 2013, 2014, 2015] + list(range(2016, today.year + 1)),
                           weights=[30, 18, 10, 6, 4] + [2] * (today.year - 2015))[0]
    elif kind == "hometown_tax_donor":
        year = rng.randint(2012, today.year)
    elif kind == "partner_city_citizen":
        year = rng.randint(2017, today.year)
    else:
        year = rng.choices(list(range(2011, today.year + 1)),
                           weights=[3 if y in (2016, 2019) else 1 for y in range(2011, today.year + 1)])[0]
    start = date(year, 1, 1)
    end = min(date(year, 12, 31), today)
    return start + timedelta(days=rng.randint(0, (end - start).days))


def sample_rows(today: date | None = None, people: int = PEOPLE, seed: int = 2016) -> list[dict[str, str]]:
    """The invented people, as lines of the CSV import format."""
    today = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 - invented sample data, the same on every load
    rows = []
    wheres = [(c, 1) for c, n in RARE for _i in range(n)]
    for n in range(people):
        kind = _pick(rng, KINDS)
        if n < len(wheres):
            country, prefecture = wheres[n][0], ""
        elif kind == "partner_city_citizen":
            country, prefecture = "ID", ""
        elif rng.random() < 0.12:
            country, prefecture = _pick(rng, ABROAD), ""
        else:
            country, prefecture = "JP", _pick(rng, PREFECTURES)
        since = _since(rng, kind, today)
        stage = rng.choices([1, 2, 3, 4, 5], weights=[34, 26, 18, 14, 8])[0]
        interactions = max(1, int(rng.expovariate(1 / (2 + 3 * stage))))
        quiet = int(rng.expovariate(1 / 500))
        last = max(since, today - timedelta(days=quiet))
        if country == "JP":
            name = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)} {SAMPLE}"
        else:
            name = f"{rng.choice(ABROAD_GIVEN)} {rng.choice(ABROAD_FAMILY)} {SAMPLE}"
        organisation = kind == "business_partner" and rng.random() < 0.5
        if organisation:
            name = f"Sample Trading Co. {n} {SAMPLE}"
        rows.append({
            "name": name, "kind": kind, "since": since.isoformat(), "country": country, "prefecture": prefecture,
            "is_organisation": "yes" if organisation else "", "stage": str(stage),
            "partnership": "jica-kamaishi-banda-aceh" if kind == "partner_city_citizen" else "",
            "interactions": str(interactions), "last_contact_on": last.isoformat(), "reference": f"sample-{n:05d}",
            "notes": "Invented sample record; no real person. 見本のデータです（実在の人物ではありません）。",
            "consent_purpose": "Keeping in touch about Kamaishi's Open City activities",
            "consent_scope": rng.choice(["record", "contact"]), "consent_given_on": since.isoformat(),
            "consent_source": rng.choice(["online sign-up", "paper form at an event", "hometown-tax donation form",
                                          "e-mail reply"]),
        })
    return rows


def sample_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*rows[0].keys()])
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _climb(place: Place, climbers: dict[str, int], rng: random.Random) -> None:
    """Move the chosen sample people from visitor up to the stage they reached, one recorded contact per
    step, on dates between their connection and today."""
    today = timezone.localdate()
    kinds = {2: "visit", 3: "event", 4: "donation", 5: "donation"}
    for person in ConnectedPerson.objects.filter(place=place, reference__in=climbers).order_by("pk"):
        target = climbers[person.reference]
        steps = sorted(set(rng.sample(range(2, target + 1), k=min(target - 1, rng.randint(1, 2)))) | {target})
        span = max((today - person.since).days, 0)
        days = sorted(rng.randint(0, span) for _step in steps)
        for stage, day in zip(steps, days, strict=True):
            person = services.interaction_record(actor=SYSTEM, person=person, data={
                "kind": kinds[stage], "on": person.since + timedelta(days=day), "stage": stage,
                "note": "sample"}).person


def connections_demo_load(people: int = PEOPLE) -> int:
    """Load Kamaishi's sample connected population (when Kamaishi has none yet); how many were written."""
    place = Place.objects.filter(slug=PLACE).first()
    if place is None or ConnectedPerson.objects.filter(place=place, is_sample=True).exists():
        return 0
    rows = sample_rows(people=people)
    rng = random.Random(2011)  # noqa: S311 - invented sample data
    climbers = {}
    for row in rows:
        row["is_sample"] = "yes"
        if int(row["stage"]) >= 2 and rng.random() < 0.35:
            climbers[row["reference"]] = int(row["stage"])
            row["stage"] = "1"
    report = services.people_import(actor=SYSTEM, place=place, source=sample_csv(rows))
    if report.errors:
        raise services.ApplicationError("; ".join(report.error_lines()[:5]))
    _climb(place, climbers, rng)
    if not RetentionRule.objects.filter(place=place).exists():
        services.retention_set(actor=SYSTEM, place=place, data={"years": 10})
    wuf = Activity.objects.filter(slug="wuf11-jica-kamaishi-session").first()
    if wuf is not None and not wuf.participants.exists():
        banda_aceh = Place.objects.filter(slug="banda-aceh").first()
        for name in ("Dewi Lestari", "Rizky Pratama", "Putri Maharani", "Agus Setiawan", "Siti Rahma"):
            Participant.objects.create(activity=wuf, name=f"{name} {SAMPLE}", place=banda_aceh, attended=True)
    return report.created
