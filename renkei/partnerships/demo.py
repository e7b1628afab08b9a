"""Demo partnerships from the seed documents (idempotent, matched by slug): the Toyama–World Bank
MoU of 3 November 2016, the IUC pairings Koriyama–Essen, Nagano/Obuse–Turku and Kamakura–Umeå
(2017–2020) with action plans and pilots, and the JICA–Kamaishi–Banda Aceh triangle. Each has its
status history dated when it happened (Toyama selected on 4 July 2016, the MoU signed on 3 November
2016, the IUC pairings ending with the programme in 2020), not on the day the demo is loaded.
Signatories the sources do not name are left out; what the sources do not say (the plans' later
steps, the pilots of the two live partnerships) is sample data and says so. A second load writes
nothing: rows are saved only when they differ."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from renkei.core.demo import sync
from renkei.partnerships.models import Action, Agreement, Member, Milestone, Objective, Partnership, Pilot, StatusChange
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
                   "themes": ["compact-city", "disaster-risk", "ageing-accessibility", "solid-waste"]},
     "history": [(date(2016, 7, 4), "", "proposed", "Toyama selected for the City Partnership Program's first batch · "
                  "シティ・パートナーシップ・プログラムの最初の参加都市に富山市が選ばれる"),
                 (date(2016, 11, 3), "proposed", "agreed",
                  "Memorandum of understanding signed in Toyama · 富山市で覚書に署名"),
                 (date(2016, 11, 4), "agreed", "active", "Joint work starts after the Technical Deep Dive · "
                  "テクニカル・ディープダイブを経て共同の取組が始まる")],
     "plan": [
         {"objective": ("Document Toyama's compact city experience as practical know-how",
                        "富山市のコンパクトシティの経験を実践的なノウハウとして記録する"),
          "actions": [{"title": ("Knowledge notes, toolkits and a good practice guide on compact cities",
                                 "コンパクトシティに関するナレッジノート、ツールキット、グッドプラクティス集"),
                       "status": "in_progress", "starts": date(2016, 11, 4), "due": 120,
                       "milestones": [(("Technical Deep Dive on compact cities held", "コンパクトシティに関する"
                                        "テクニカル・ディープダイブを開催"), date(2016, 11, 4), date(2016, 11, 4)),
                                      (("Good practice guide drafted" + " (sample)", "グッドプラクティス集の草案"
                                        "（サンプル）"), 60, None)]}]},
         {"objective": ("Share the experience with cities in developing countries",
                        "途上国の都市と経験を共有する"),
          "actions": [{"title": ("Public seminar on transit-oriented development and compact cities",
                                 "公共交通指向型開発（TOD）とコンパクトシティに関する公開セミナー"),
                       "status": "planned", "starts": -30, "due": 21,
                       "milestones": [(("Seminar programme agreed (sample)", "セミナーのプログラムに合意（サンプル）"),
                                       7, None)]}]}],
     "pilot": {"en": "Compact city toolkit tried with a client city (sample)",
               "ja": "コンパクトシティ・ツールキットを途上国の都市で試行（サンプル）"},
     "pilot_status": "running",
     # the sample online session on compact cities 30 days before the load (activities' demo)
     "recent_activity": -30},
    {"slug": "koriyama-essen", "title": {"en": "Koriyama — Essen (IUC)", "ja": "郡山市 — エッセン市（IUC）"},
     "kind": "bilateral", "status": "completed", "programme": "eu-international-urban-cooperation",
     "starts_on": date(2017, 1, 1), "last_activity_on": date(2020, 12, 31),
     "members": [("place", "koriyama", "4"), ("place", "essen", "4")],
     "themes": ["renewable-energy", "energy-efficiency", "energy-storage", "climate-adaptation"],
     "description": {"en": "Tackling climate change with renewable energy sources and efficiency, including "
                           "storage, one of renewables' hardest problems.",
                     "ja": "再生可能エネルギーと省エネルギー、そしてその大きな課題である蓄電に取り組み、"
                           "気候変動に対応します。"},
     "history": [(date(2017, 1, 1), "", "active", "IUC city pairing starts · IUCの都市間ペアが始動"),
                 (date(2020, 12, 31), "active", "completed", "The IUC programme in Japan ended (2017–2020) · "
                  "日本でのIUCプログラムが終了（2017〜2020年）")],
     "plan": [{"objective": ("Scale up renewable energy and its storage", "再生可能エネルギーとその蓄電を拡大する"),
               "actions": [{"title": ("Exchange on storage solutions for renewables",
                                      "再生可能エネルギーの蓄電手法について意見交換"), "status": "done",
                            "starts": date(2017, 1, 1), "due": date(2020, 12, 31), "milestones": []}]}],
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
     "history": [(date(2017, 1, 1), "", "active", "IUC city pairing starts · IUCの都市間ペアが始動"),
                 (date(2020, 12, 31), "active", "completed", "The IUC programme in Japan ended (2017–2020) · "
                  "日本でのIUCプログラムが終了（2017〜2020年）")],
     "plan": [{"objective": ("Strengthen the circular economy", "循環経済を強化する"),
               "actions": [{"title": ("Compare sustainable production and consumption across sectors",
                                      "分野を横断して持続可能な生産と消費を比較"), "status": "done",
                            "starts": date(2017, 1, 1), "due": date(2020, 12, 31), "milestones": []}]}]},
    {"slug": "kamakura-umea", "title": {"en": "Kamakura — Umeå (IUC)", "ja": "鎌倉市 — ウメオ市（IUC）"},
     "kind": "bilateral", "status": "completed", "programme": "eu-international-urban-cooperation",
     "starts_on": date(2017, 1, 1), "last_activity_on": date(2020, 12, 31),
     "members": [("place", "kamakura", "4"), ("place", "umea", "4")],
     "themes": ["participatory-innovation"],
     "description": {"en": "Participatory social innovation: Kamakura's monthly Kamacon brainstorming sessions "
                           "adapted by Umeå as town meetings.",
                     "ja": "市民参加型の社会イノベーション。鎌倉の毎月のカマコンを、"
                           "ウメオ市がタウンミーティングとして応用します。"},
     "history": [(date(2017, 1, 1), "", "active", "IUC city pairing starts · IUCの都市間ペアが始動"),
                 (date(2020, 12, 31), "active", "completed", "The IUC programme in Japan ended (2017–2020) · "
                  "日本でのIUCプログラムが終了（2017〜2020年）")],
     "plan": [{"objective": ("Bring citizens and companies together to solve local challenges",
                             "市民と企業が集まり地域の課題を解決する"),
               "actions": [{"title": ("Hold Umecon town meetings", "ウメコン（タウンミーティング）を開催"),
                            "status": "done", "starts": date(2017, 1, 1), "due": date(2020, 12, 31),
                            "milestones": []}]}],
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
                           "釜石市に持ち帰ります。"},
     # the sources give no start date: 2019 is illustrative (as starts_on)
     "history": [(date(2019, 1, 1), "", "active", "JICA partnership project with Banda Aceh under way "
                                                  "(illustrative date) · バンダアチェ市でのJICAパートナー"
                                                  "シップ事業が進行中（日付は例示）")],
     "plan": [
         {"objective": ("Apply Kamaishi's Open City Promotion Strategy with partner cities",
                        "釜石市のオープンシティ推進戦略をパートナー都市で活かす"),
          "actions": [{"title": ("JICA partnership project for Banda Aceh",
                                 "バンダアチェ市でのJICAパートナーシップ事業"),
                       "status": "in_progress", "starts": date(2019, 1, 1), "due": 180,
                       "milestones": [(("Session at the World Urban Forum 11",
                                        "第11回世界都市フォーラムでのセッション"),
                                       date(2022, 6, 29), date(2022, 6, 29))]}]},
         {"objective": ("Nurture future city leaders", "未来のまちのリーダーを育てる"),
          "actions": [{"title": ("High school project linking Kamaishi and Banda Aceh (sample)",
                                 "釜石市とバンダアチェ市の高校生をつなぐプロジェクト（サンプル）"),
                       "status": "in_progress", "starts": -120, "due": 150,
                       "milestones": [(("Online exchange between the two high schools (sample)",
                                        "両市の高校のオンライン交流（サンプル）"), -45, -45),
                                      (("Students present their proposals (sample)",
                                        "高校生による提案の発表（サンプル）"), 45, None)]}]}],
     "pilot": {"en": "Attractive high school programme for future city leaders",
               "ja": "未来のまちのリーダーを育てる高校の魅力化プロジェクト"},
     "pilot_status": "running",
     # the sample follow-up with Banda Aceh 45 days before the load (see the plan): the partnership is alive
     "recent_activity": -45},
]


def _day(value: date | int | None, today: date) -> date | None:
    """A date from the sources, or a number of days from the day the demo is loaded (sample steps
    that stay upcoming or recent however late the demo is loaded)."""
    return today + timedelta(days=value) if isinstance(value, int) else value


def _history(p: Partnership, history) -> int:
    """The status changes, dated when they happened; an earlier load's undated change is replaced."""
    changed = 0
    if history and StatusChange.objects.filter(partnership=p, reason="Recorded from the programme's public "
                                                                         "reports").exists():
        StatusChange.objects.filter(partnership=p, reason="Recorded from the programme's public reports").delete()
        changed += 1
    for on, before, after, reason in history:
        when = timezone.make_aware(datetime.combine(on, time(12)))
        change = StatusChange.objects.filter(partnership=p, from_status=before, to_status=after).first()
        if change is None:
            change = StatusChange.objects.create(partnership=p, from_status=before, to_status=after, reason=reason)
            changed += 1
        if (change.changed_at, change.reason) != (when, reason):  # auto_now_add: dated through an update
            StatusChange.objects.filter(pk=change.pk).update(changed_at=when, reason=reason)
            changed += 1
    return changed


def _plan(p: Partnership, plan, today: date) -> int:
    """Objectives → actions → milestones, matched by their English text."""
    changed = 0
    for n, row in enumerate(plan):
        en, ja = row["objective"]
        objective, state = sync(Objective, {"partnership": p}, {"position": n, "text": {"en": en, "ja": ja}},
                                find={"partnership": p, "text__en": en})
        changed += bool(state)
        for a in row["actions"]:
            (title_en, title_ja), status = a["title"], a["status"]
            action, state = sync(Action, {"objective": objective}, {
                "title": {"en": title_en, "ja": title_ja}, "status": status,
                "starts_on": _day(a["starts"], today), "due_on": _day(a["due"], today)},
                find={"objective": objective, "title__en": title_en})
            changed += bool(state)
            for (m_en, m_ja), due, done in a["milestones"]:
                _m, state = sync(Milestone, {"action": action}, {
                    "title": {"en": m_en, "ja": m_ja}, "due_on": _day(due, today), "done_on": _day(done, today)},
                    find={"action": action, "title__en": m_en})
                changed += bool(state)
    return changed


@transaction.atomic
def partnerships_demo_load() -> int:
    from renkei.programmes.models import Application, Programme

    changed = 0
    today = timezone.localdate()
    for row in PARTNERSHIPS:
        programme = Programme.objects.filter(slug=row.get("programme")).first() if row.get("programme") else None
        # the latest recorded activity: the sources' date, or a sample step of the last weeks (never moved back)
        last = max(row["last_activity_on"], _day(row.get("recent_activity", 0), today) if "recent_activity" in row
                   else row["last_activity_on"])
        current = Partnership.objects.filter(slug=row["slug"]).values_list("last_activity_on", flat=True).first()
        p, made = sync(Partnership, {"slug": row["slug"]}, {
            "title": row["title"], "kind": row["kind"], "status": row["status"],
            "programme": programme, "description": row["description"], "starts_on": row["starts_on"],
            "last_activity_on": max(last, current) if current else last})
        changed += bool(made)
        p.themes.set(Theme.objects.filter(code__in=row["themes"]))
        changed += _history(p, row.get("history", []))
        changed += _plan(p, row.get("plan", []), today)
        if "pilot" in row:
            _pilot, state = sync(Pilot, {"partnership": p}, {
                "title": row["pilot"], "status": row.get("pilot_status", Pilot.Status.FINISHED)},
                find={"partnership": p, "title__en": row["pilot"]["en"]})
            changed += bool(state)
        if made != "created":
            continue
        for kind, slug, role in row["members"]:
            target = (Place if kind == "place" else Organisation).objects.filter(slug=slug).first()
            if target is not None:
                Member.objects.create(partnership=p, role=role, **{"place" if kind == "place" else
                                                                   "organisation": target})
        if "agreement" in row:
            a = row["agreement"]
            agreement = Agreement.objects.create(partnership=p, kind=a["kind"], signed_on=a["signed_on"],
                                                 signed_at=a["signed_at"])
            agreement.themes.set(Theme.objects.filter(code__in=a["themes"]))
    toyama_application = Application.objects.filter(call__slug="cpp-2016-call", place__slug="toyama").first()
    if toyama_application is not None:
        Partnership.objects.filter(slug="toyama-world-bank-cpp", application__isnull=True).update(
            application=toyama_application)
    return changed

