"""Demo partnerships from the seed documents (idempotent, matched by slug): the Toyama–World Bank
MoU of 3 November 2016, the IUC pairings Koriyama–Essen, Nagano/Obuse–Turku and Kamakura–Umeå
with action plans and pilots, and the JICA–Kamaishi–Banda Aceh triangle. Signatories the sources
do not name are left out. A second load writes nothing: rows are saved only when they differ."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

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


def _sync(model, lookup: dict, values: dict):
    """Create the row, or bring it in line with `values`, saving only when something differs.
    Returns the row and what happened: "created", "changed" or "" (nothing)."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values), "created"
    stale = [name for name, value in values.items() if getattr(row, name) != value]
    if stale:
        for name in stale:
            setattr(row, name, values[name])
        row.save()
    return row, "changed" if stale else ""


@transaction.atomic
def partnerships_demo_load() -> int:
    from renkei.programmes.models import Application, Programme

    changed = 0
    for row in PARTNERSHIPS:
        programme = Programme.objects.filter(slug=row.get("programme")).first() if row.get("programme") else None
        p, state = _sync(Partnership, {"slug": row["slug"]}, {
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


# The press release names the deep dive's topics and the signing of the MoU on 3 November, not a
# timetable: the sessions spread those topics over the days at indicative times.
DEEP_DIVE_SESSIONS = [
    ((2016, 10, 30, 9, 30), (2016, 10, 30, 12, 0), "Compact cities: Toyama's approach",
     "コンパクトシティ：富山市の取組", []),
    ((2016, 10, 31, 9, 30), (2016, 10, 31, 17, 0), "Policy decisions behind a compact city",
     "コンパクトシティを支える政策判断", []),
    ((2016, 11, 1, 9, 30), (2016, 11, 1, 17, 0), "Successful interventions: examples to share",
     "成功した取組の事例共有", []),
    ((2016, 11, 3, 10, 0), (2016, 11, 3, 11, 30), "Signing of the Memorandum of Understanding on the City "
     "Partnership Program", "シティ・パートナーシップ・プログラムに関する覚書の署名",
     [("Yasusuke Tsukagoshi", "speaker"), ("Masashi Mori", "speaker")]),
    ((2016, 11, 4, 9, 30), (2016, 11, 4, 12, 0), "Next steps: knowledge exchange on transit-oriented development "
     "and compact cities", "今後の展開：公共交通指向型開発（TOD）とコンパクトシティに関する知識交流", []),
]
WUF11_SPEAKERS = [("Atsutoshi Hirabayashi", "moderator"), ("Reiko Fujihara", "speaker"), ("Hisashi Konno", "speaker"),
                  ("Eri Hosoe", "speaker")]


def _session(activity, *, starts, ends, title_en: str, title_ja: str, room: str, speakers) -> int:
    """One agenda session with its speakers, in order; speakers already recorded for the activity as
    a whole move into the session."""
    from renkei.partnerships.models import Session, Speaker
    from renkei.places.models import Contact

    session, state = _sync(Session, {"activity": activity, "title_en": title_en},
                           {"title_ja": title_ja, "starts_at": starts, "ends_at": ends, "room": room})
    changed = bool(state)
    for position, (name, role) in enumerate(speakers):
        contact = Contact.objects.filter(name=name).first()
        if contact is None:
            continue
        speaker = Speaker.objects.filter(activity=activity, contact=contact).first()
        if speaker is None:
            Speaker.objects.create(activity=activity, session=session, contact=contact, role=role, position=position)
            changed = True
        elif (speaker.session_id, speaker.role, speaker.position) != (session.pk, role, position):
            speaker.session, speaker.role, speaker.position = session, role, position
            speaker.save()
            changed = True
    return int(changed)


@transaction.atomic
def activities_demo_load() -> int:
    """The Technical Deep Dive on compact cities in Toyama (30 Oct – 4 Nov 2016) with its sessions, and
    the JICA session at the World Urban Forum, 29 June 2022, with its speakers as the public programme
    lists them."""
    from zoneinfo import ZoneInfo

    from renkei.partnerships.models import Activity
    from renkei.programmes.models import Programme

    tokyo, warsaw = ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/Warsaw")
    changed = 0
    deep_dive, made = _sync(Activity, {"slug": "toyama-technical-deep-dive-2016"}, {
        "kind": Activity.Kind.DEEP_DIVE, "title_en": "Technical Deep Dive on Compact Cities",
        "title_ja": "コンパクトシティに関するテクニカル・ディープダイブ",
        "starts_at": datetime(2016, 10, 30, 9, 0, tzinfo=tokyo),
        "ends_at": datetime(2016, 11, 4, 17, 0, tzinfo=tokyo),
        "timezone": "Asia/Tokyo", "venue": "Toyama",
        "partnership": Partnership.objects.filter(slug="toyama-world-bank-cpp").first(),
        "programme": Programme.objects.filter(slug="world-bank-city-partnership-program").first(),
        "organiser": Organisation.objects.filter(slug="tdlc").first(),
        "description": {"en": "Held by Toyama City and the World Bank together with the 100 Resilient Cities "
                              "Summit: compact city policies, decisions and successful interventions.",
                        "ja": "富山市と世界銀行が100のレジリエントな都市サミットとあわせて開催。コンパクトシティ政策、"
                              "政策判断、成功した取組を議論しました。"}})
    changed += bool(made)
    for starts, ends, title_en, title_ja, speakers in DEEP_DIVE_SESSIONS:
        changed += _session(deep_dive, starts=datetime(*starts, tzinfo=tokyo), ends=datetime(*ends, tzinfo=tokyo),
                            title_en=title_en, title_ja=title_ja, room="", speakers=speakers)
    title_en = ("Resilient local cities through triangular cooperation of development agencies, partner "
                "countries and local cities in Japan")
    title_ja = "開発協力機関・パートナー国・日本の地方都市の三者連携によるレジリエントな地方都市づくり"
    starts, ends = datetime(2022, 6, 29, 13, 30, tzinfo=warsaw), datetime(2022, 6, 29, 15, 0, tzinfo=warsaw)
    wuf, made = _sync(Activity, {"slug": "wuf11-jica-kamaishi-session"}, {
        "kind": Activity.Kind.CONFERENCE, "title_en": title_en, "title_ja": title_ja,
        "starts_at": starts, "ends_at": ends,
        "timezone": "Europe/Warsaw", "venue": "World Urban Forum 11", "room": "Multifunction Hall Room 13",
        "partnership": Partnership.objects.filter(slug="jica-kamaishi-banda-aceh").first(),
        "organiser": Organisation.objects.filter(slug="jica").first(),
        "description": {"en": "Kamaishi's Open City strategy and JICA's work linking Japanese local cities with "
                              "developing countries, so that both gain.",
                        "ja": "釜石市のオープンシティ戦略と、日本の地方都市と途上国をつなぎ"
                              "双方が利益を得るJICAの取組。"}})
    changed += bool(made)
    changed += _session(wuf, starts=starts, ends=ends, title_en=title_en, title_ja=title_ja,
                        room="Multifunction Hall Room 13", speakers=WUF11_SPEAKERS)
    return changed
