"""Demo partnerships from the seed documents (idempotent, matched by slug): the Toyama–World Bank
MoU of 3 November 2016, the IUC pairings Koriyama–Essen, Nagano/Obuse–Turku and Kamakura–Umeå
with action plans and pilots, and the JICA–Kamaishi–Banda Aceh triangle. Signatories the sources
do not name are left out. A second load writes nothing: rows are saved only when they differ."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from renkei.core.demo import sync
from renkei.partnerships.models import Action, Agreement, Member, Objective, Partnership, Pilot, StatusChange
from renkei.places.models import Organisation, Place, Theme

PARTNERSHIPS = [
    {"slug": "toyama-world-bank-cpp", "title": {"en": "Toyama — World Bank City Partnership Program",
                                                "ja": "富山市 — 世界銀行シティ・パートナーシップ・プログラム"},
     "kind": "network", "status": "active",
     "programme": "world-bank-city-partnership-program", "starts_on": date(2016, 11, 3),
     "last_activity_on": date(2016, 11, 4),
     "members": [("org", "world-bank", "2"), ("org", "tdlc", "3"), ("place", "toyama", "4")],
     "themes": ["compact-city", "disaster-risk", "ageing-accessibility", "solid-waste"],
     "description": {"en": "Joint research, good practices and learning activities on compact cities, natural "
                           "disaster risk management, ageing society and accessibility, and solid waste.",
                     "ja": "コンパクトシティ、自然災害リスク管理、高齢化・バリアフリー、廃棄物管理に関する共同研究、"
                           "グッドプラクティスの共有、学習活動。"},
     "agreement": {"kind": "mou", "signed_on": date(2016, 11, 3), "signed_at": "Toyama",
                   "themes": ["compact-city", "disaster-risk", "ageing-accessibility", "solid-waste"]}},
    {"slug": "koriyama-essen", "title": {"en": "Koriyama — Essen (IUC)", "ja": "郡山市 — エッセン市（IUC）"},
     "kind": "bilateral", "status": "completed", "programme": "eu-international-urban-cooperation",
     "starts_on": date(2017, 1, 1), "last_activity_on": date(2020, 12, 31),
     "members": [("place", "koriyama", "4"), ("place", "essen", "4")],
     "themes": ["renewable-energy", "energy-efficiency", "energy-storage", "climate-adaptation"],
     "description": {"en": "Tackling climate change with renewable energy sources and efficiency, including "
                           "storage, one of renewables' hardest problems.",
                     "ja": "再生可能エネルギーと省エネルギー、そしてその大きな課題である蓄電に取り組み、"
                           "気候変動に対応します。"},
     "plan": [("Scale up renewable energy and its storage", "Exchange on storage solutions for renewables")],
     "pilot": {"en": "Exploring energy storage for local renewable sources",
               "ja": "地域の再生可能エネルギーの蓄電の検討"}},
    {"slug": "nagano-obuse-turku", "title": {"en": "Nagano and Obuse — Turku (IUC)",
                                             "ja": "長野市・小布施町 — トゥルク市（IUC）"},
     "kind": "network", "status": "completed",
     "programme": "eu-international-urban-cooperation", "starts_on": date(2017, 1, 1),
     "last_activity_on": date(2020, 12, 31),
     "members": [("place", "nagano", "4"), ("place", "obuse", "4"), ("place", "turku", "4")],
     "themes": ["circular-economy", "urban-rural-nexus"],
     "description": {"en": "Circular economy across sectors, with sustainable production and consumption and a "
                           "focus on the urban–rural nexus.",
                     "ja": "都市と農村の結びつきに重点を置き、分野を横断して"
                           "持続可能な生産と消費、循環経済に取り組みます。"},
     "plan": [("Strengthen the circular economy", "Compare sustainable production and consumption across sectors")]},
    {"slug": "kamakura-umea", "title": {"en": "Kamakura — Umeå (IUC)", "ja": "鎌倉市 — ウメオ市（IUC）"},
     "kind": "bilateral", "status": "completed", "programme": "eu-international-urban-cooperation",
     "starts_on": date(2017, 1, 1), "last_activity_on": date(2020, 12, 31),
     "members": [("place", "kamakura", "4"), ("place", "umea", "4")],
     "themes": ["participatory-innovation"],
     "description": {"en": "Participatory social innovation: Kamakura's monthly Kamacon brainstorming sessions "
                           "adapted by Umeå as town meetings.",
                     "ja": "市民参加型の社会イノベーション。鎌倉の毎月のカマコンを、"
                           "ウメオ市がタウンミーティングとして応用します。"},
     "plan": [("Bring citizens and companies together to solve local challenges", "Hold Umecon town meetings")],
     "pilot": {"en": "Umecons: town meetings for creative local solutions",
               "ja": "ウメコン：地域課題の解決策を生み出すタウンミーティング"}},
    {"slug": "jica-kamaishi-banda-aceh", "title": {"en": "JICA — Kamaishi — Banda Aceh",
                                                   "ja": "JICA — 釜石市 — バンダアチェ市"},
     "kind": "triangular", "status": "active",
     "starts_on": date(2019, 1, 1), "last_activity_on": date(2022, 6, 29),
     "members": [("org", "jica", "1"), ("place", "kamaishi", "4"), ("place", "banda-aceh", "4")],
     "themes": ["tsunami-reconstruction", "city-revitalisation", "relationship-population", "human-resources"],
     "description": {"en": "JICA links Kamaishi's recovery and revitalisation experience with Banda Aceh, and "
                           "brings lessons from Banda Aceh back to Kamaishi.",
                     "ja": "JICAが釜石市の復興とまちの活性化の経験をバンダアチェ市につなぎ、バンダアチェ市の教訓を"
                           "釜石市に持ち帰ります。"}},
]


@transaction.atomic
def partnerships_demo_load() -> int:
    from renkei.programmes.models import Application, Programme

    changed = 0
    for row in PARTNERSHIPS:
        programme = Programme.objects.filter(slug=row.get("programme")).first() if row.get("programme") else None
        p, state = sync(Partnership, {"slug": row["slug"]}, {
            "title": row["title"], "kind": row["kind"], "status": row["status"],
            "programme": programme, "description": row["description"], "starts_on": row["starts_on"],
            "last_activity_on": row["last_activity_on"]})
        changed += bool(state)
        p.themes.set(Theme.objects.filter(code__in=row["themes"]))
        if state != "created":
            continue
        for kind, slug, role in row["members"]:
            target = (Place if kind == "place" else Organisation).objects.filter(slug=slug).first()
            if target is not None:
                Member.objects.create(partnership=p, role=role, **{"place" if kind == "place" else
                                                                   "organisation": target})
        StatusChange.objects.create(partnership=p, from_status="", to_status=row["status"],
                                    reason="Recorded from the programme's public reports")
        if "agreement" in row:
            a = row["agreement"]
            agreement = Agreement.objects.create(partnership=p, kind=a["kind"], signed_on=a["signed_on"],
                                                 signed_at=a["signed_at"])
            agreement.themes.set(Theme.objects.filter(code__in=a["themes"]))
        for n, (objective, action) in enumerate(row.get("plan", [])):
            obj = Objective.objects.create(partnership=p, position=n, text={"en": objective})
            Action.objects.create(objective=obj, title={"en": action}, status=Action.Status.DONE)
        if "pilot" in row:
            Pilot.objects.create(partnership=p, title=row["pilot"], status=Pilot.Status.FINISHED)
    toyama_application = Application.objects.filter(call__slug="cpp-2016-call", place__slug="toyama").first()
    if toyama_application is not None:
        Partnership.objects.filter(slug="toyama-world-bank-cpp", application__isnull=True).update(
            application=toyama_application)
    return changed

