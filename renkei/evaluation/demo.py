"""Demo results and evaluations for the seeds' partnerships (idempotent: a second load writes nothing).

Values the public record supports carry their source: the learning activities Toyama and the World
Bank held (the MoU press release of 4 November 2016), Kamakura's monthly Kamacon sessions and
Umeå's plan to adapt them as Umecons (the EU–Japan IUC description), the JICA session at WUF11 (29
June 2022), and Toyama's target for residents living along public transport (its compact-city
plan, 28 % in 2005 towards 42 % by 2025, as reported by the OECD's Compact City Policies, 2012).
Everything else — later actuals, participants' self-assessments, adoption dates, scores — is a
sample value, marked ``is_sample`` (or "sample" in its text), made up to show the features."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from renkei.activities.models import Activity, Participant
from renkei.core.demo import sync
from renkei.evaluation.models import Actual, Adoption, Criterion, Evaluation, Result, ResultIndicator, Score, Target
from renkei.partnerships.models import Partnership
from renkei.places.models import Place

MOU = "Toyama City and World Bank MoU press release, 4 Nov 2016"
IUC = "EU–Japan regional and urban policy cooperation: IUC city pairings"
WUF11 = "JICA session programme, World Urban Forum 11, 29 Jun 2022"
OECD = "Toyama City compact-city plan, as reported in OECD (2012) Compact City Policies"
SAMPLE = "sample value for the demonstration"

# partnership → results: (key, level, parent key, title en, title ja, indicators)
# indicator: (name en, name ja, unit, direction, baseline, baseline date, baseline source,
#             [(start, end, target)], [(start, end, actual, source, sample)])
FRAMEWORKS = {
    "toyama-world-bank-cpp": [
        ("impact", "impact", None, "Cities in client countries grow compactly around public transport",
         "途上国の都市が公共交通を軸にコンパクトに成長する", [
             ("Share of Toyama residents living along public transport corridors",
              "公共交通沿線に住む富山市民の割合", "%", "higher", 28, date(2005, 1, 1), OECD,
              [(date(2005, 1, 1), date(2025, 12, 31), 42)],
              [(date(2019, 1, 1), date(2019, 12, 31), 38, SAMPLE, True)]),
         ]),
        ("share", "outcome", "impact", "Toyama's compact-city experience documented and shared",
         "富山市のコンパクトシティの経験が記録され共有される", [
             ("Knowledge products published (notes, toolkits, guides, videos)",
              "公表された知識成果物（ノート、ツールキット、ガイド、動画）", "count", "higher", 0,
              date(2016, 11, 3), MOU, [(date(2016, 11, 3), date(2019, 11, 3), 4)],
              [(date(2017, 1, 1), date(2017, 12, 31), 1, SAMPLE, True),
               (date(2018, 1, 1), date(2018, 12, 31), 2, SAMPLE, True)]),
         ]),
        ("learning", "output", "share", "Learning activities with officials of client cities",
         "途上国都市の職員との学習活動", [
             ("Learning activities held", "開催した学習活動", "count", "higher", 0, date(2016, 10, 1), MOU,
              [(date(2016, 10, 1), date(2017, 12, 31), 2)],
              [(date(2016, 10, 30), date(2016, 11, 4), 1, MOU, False)]),
         ]),
    ],
    "kamakura-umea": [
        ("impact", "impact", None, "Citizens and companies shape local solutions in both cities",
         "両市で市民と企業が地域課題の解決策を生み出す", []),
        ("umecon", "outcome", "impact", "Umeå brings local stakeholders together in Umecon town meetings",
         "ウメオ市がウメコン（タウンミーティング）で地域の関係者を集める", [
             ("Umecon town meetings held", "開催したウメコン", "meetings", "higher", 0, date(2017, 1, 1), IUC,
              [(date(2017, 1, 1), date(2020, 12, 31), 8)],
              [(date(2018, 1, 1), date(2018, 12, 31), 2, SAMPLE, True),
               (date(2019, 1, 1), date(2019, 12, 31), 6, SAMPLE, True)]),
         ]),
        ("kamacon", "outcome", "impact", "Kamakura keeps its monthly Kamacon brainstorming going",
         "鎌倉市が毎月のカマコンを継続する", [
             ("Kamacon sessions a year", "年間のカマコン開催回数", "sessions", "higher", 12, date(2017, 1, 1), IUC,
              [(date(2017, 1, 1), date(2020, 12, 31), 12)],
              [(date(2019, 1, 1), date(2019, 12, 31), 12, SAMPLE, True)]),
         ]),
    ],
    "koriyama-essen": [
        ("impact", "impact", None, "Koriyama relies more on local renewable energy",
         "郡山市が地域の再生可能エネルギーへの依存を高める", []),
        ("storage", "outcome", "impact", "Storage options for local renewables assessed with Essen",
         "エッセン市とともに地域の再生可能エネルギーの蓄電方法を検討する", [
             ("Storage options assessed", "検討した蓄電方法", "count", "higher", 0, date(2017, 1, 1), IUC,
              [(date(2017, 1, 1), date(2020, 12, 31), 3)],
              [(date(2018, 1, 1), date(2018, 12, 31), 1, SAMPLE, True)]),
         ]),
    ],
    "nagano-obuse-turku": [
        ("circular", "outcome", None, "Circular-economy practices compared across sectors",
         "分野を横断して循環経済の取組を比較する", [
             ("Sectors compared", "比較した分野", "sectors", "higher", 0, date(2017, 1, 1), IUC,
              [(date(2017, 1, 1), date(2020, 12, 31), 4)], []),
         ]),
    ],
    "jica-kamaishi-banda-aceh": [
        ("impact", "impact", None, "Kamaishi and Banda Aceh both gain from each other's recovery experience",
         "釜石市とバンダアチェ市が互いの復興の経験から学び合う", []),
        ("apply", "outcome", "impact", "Kamaishi's Open City approach applied in Banda Aceh, and lessons brought "
         "back", "釜石市のオープンシティの取組をバンダアチェ市で生かし、その教訓を持ち帰る", []),
        ("exchange", "output", "apply", "Exchanges between Kamaishi and Banda Aceh, with JICA",
         "JICAを介した釜石市とバンダアチェ市の交流", [
             ("Joint learning sessions", "合同の学習セッション", "sessions", "higher", 0, date(2019, 1, 1), WUF11,
              [(date(2019, 1, 1), date(2023, 12, 31), 4)],
              [(date(2022, 6, 29), date(2022, 6, 29), 1, WUF11, False)]),
         ]),
    ],
}
# partnership → adoptions: (place, practice en, practice ja, date, source, sample)
ADOPTIONS = {
    "kamakura-umea": [
        ("umea", "Umecon town meetings modelled on Kamacon", "カマコンを手本としたウメコン（タウンミーティング）",
         date(2018, 3, 1), IUC + " (the plan; the date is a sample)", True),
        ("kamakura", "Co-creation with local companies on the Umeå model (sample)",
         "ウメオ市に倣った地元企業との共創（サンプル）",
         date(2019, 9, 1), SAMPLE, True),
        ("kamakura", "Neighbourhood town meetings in Umeå's format (sample)",
         "ウメオ市の形式による地区タウンミーティング（サンプル）",
         date(2020, 2, 1), SAMPLE, True),
        ("umea", "Monthly open pitch evenings for local projects (sample)",
         "地域プロジェクトの毎月の公開ピッチ（サンプル）",
         date(2019, 11, 1), SAMPLE, True),
    ],
    "jica-kamaishi-banda-aceh": [
        ("banda-aceh", "Community-led recovery planning workshops (sample)",
         "住民主体の復興計画ワークショップ（サンプル）",
         date(2020, 2, 1), SAMPLE, True),
        ("kamaishi", "Tsunami museum visitor programme drawing on Banda Aceh (sample)",
         "バンダアチェ市に学んだ津波伝承施設の来館者プログラム（サンプル）", date(2021, 3, 1), SAMPLE, True),
    ],
    "koriyama-essen": [
        ("koriyama", "Battery storage pilot for municipal buildings (sample)",
         "公共施設での蓄電池導入の試行（サンプル）",
         date(2019, 4, 1), SAMPLE, True),
    ],
}

# sample learning activities and participants: (activity slug, partnership, title en, title ja, start, end,
# [(participant, place, before, after)])
ACTIVITIES = [
    ("iuc-kamakura-umea-exchange-sample", "kamakura-umea", "Kamakura–Umeå peer exchange (sample record)",
     "鎌倉市・ウメオ市ピア交流（サンプル記録）", datetime(2018, 5, 14, 9, 0), datetime(2018, 5, 16, 17, 0), [
         ("Sample participant, Kamakura 1", "kamakura", 3, 5), ("Sample participant, Kamakura 2", "kamakura", 2, 4),
         ("Sample participant, Umeå 1", "umea", 2, 5), ("Sample participant, Umeå 2", "umea", 1, 4)]),
]
EXISTING_PARTICIPANTS = {
    "wuf11-jica-kamaishi-session": [
        ("Sample participant, Kamaishi 1", "kamaishi", 3, 4), ("Sample participant, Kamaishi 2", "kamaishi", 2, 4),
        ("Sample participant, Banda Aceh 1", "banda-aceh", 2, 4), ("Sample participant, Banda Aceh 2", "banda-aceh",
                                                                    3, 5)],
    "toyama-technical-deep-dive-2016": [
        ("Sample participant, Toyama 1", "toyama", 4, 4), ("Sample participant, Surabaya 1", "surabaya", 2, 4),
        ("Sample participant, Da Nang 1", "da-nang", 2, 3), ("Sample participant, Cebu 1", "cebu-city", 1, 3)],
}

# partnership → evaluation: kind, mode, status, published on, {criterion: (level, justification)}, summary
EVALUATIONS = [
    ("kamakura-umea", "final", "external", "published", date(2021, 3, 31), {
        "relevance": (4, "Both cities named citizen participation a priority; Umecons answer Umeå's wish to break "
                         "silos and Kamacon's model was proven locally."),
        "coherence": (3, "Fits the IUC programme's urban cooperation aims; links to each city's own participation "
                         "schemes are described but not analysed."),
        "effectiveness": (3, "Umecon meetings are on track against their target (sample figures); Kamacon "
                             "continues monthly."),
        "efficiency": (3, "Exchanges were combined with programme events (sample assessment)."),
        "impact": (2, "Projects born in the meetings are plausible but not yet evidenced (sample assessment)."),
        "sustainability": (3, "Both formats run on local volunteers and city staff time (sample assessment)."),
        "mutual_learning": (4, "Participants of both cities report clear gains and each city adopted a practice of "
                               "the other (sample self-assessments and adoptions)."),
    }, {"en": "Sample final evaluation: a relevant pairing where both cities learned; impact still to be shown.",
        "ja": "サンプルの終了時評価：双方が学んだ妥当性の高い組み合わせ。インパクトはこれから示される段階。"}),
    ("koriyama-essen", "final", "external", "published", date(2021, 3, 31), {
        "relevance": (4, "Storage is the hardest problem of Koriyama's renewable plans, as the IUC description "
                         "notes."),
        "coherence": (3, "Consistent with Japan's and Germany's energy transition policies (sample assessment)."),
        "effectiveness": (2, "One of three storage options assessed by the sample figures: at risk."),
        "efficiency": (3, "Within the programme's budget (sample assessment)."),
        "impact": (2, "No investment decision yet (sample assessment)."),
        "sustainability": (2, "Depends on a further grant (sample assessment)."),
        "mutual_learning": (2, "Learning ran mostly from Essen to Koriyama (sample adoptions)."),
    }, {"en": "Sample final evaluation: relevant, but mostly one-way learning so far.",
        "ja": "サンプルの終了時評価：妥当性は高いが、現時点では学びがほぼ一方向。"}),
    ("jica-kamaishi-banda-aceh", "mid_term", "self", "in_progress", None, {
        "relevance": (4, "Both cities rebuilt after a tsunami; the Open City strategy and Banda Aceh's recovery "
                         "speak to each other (WUF11 session)."),
    }, {}),
    ("nagano-obuse-turku", "final", "external", "planned", None, {}, {}),
]


def _results(partnership: Partnership, rows) -> int:
    changed = 0
    made: dict[str, Result] = {}
    for position, (key, level, parent, title_en, title_ja, indicators) in enumerate(rows):
        result, state = sync(Result, {"partnership": partnership, "level": level},
                             {"parent": made.get(parent), "title": {"en": title_en, "ja": title_ja},
                              "position": position},
                             find={"partnership": partnership, "title__en": title_en})
        made[key] = result
        changed += bool(state)
        for n, (name_en, name_ja, unit, direction, base, base_on, source, targets, actuals) in enumerate(indicators):
            row, state = sync(ResultIndicator, {"result": result},
                              {"name": {"en": name_en, "ja": name_ja}, "unit": unit, "direction": direction,
                               "baseline_value": base, "baseline_on": base_on, "baseline_source": source,
                               "position": n},
                              find={"result": result, "name__en": name_en})
            changed += bool(state)
            for start, end, value in targets:
                changed += bool(sync(Target, {"result_indicator": row, "period_start": start, "period_end": end},
                                     {"value": value})[1])
            for start, end, value, source_text, sample in actuals:
                changed += bool(sync(Actual, {"result_indicator": row, "period_start": start, "period_end": end},
                                     {"value": value, "source": source_text, "is_sample": sample})[1])
    return changed


def _participants(activity: Activity, rows) -> int:
    changed = 0
    for name, place_slug, before, after in rows:
        place = Place.objects.filter(slug=place_slug).first()
        if place is None:
            continue
        changed += bool(sync(Participant, {"activity": activity, "name": name},
                             {"place": place, "attended": True, "before_score": before, "after_score": after})[1])
    return changed


@transaction.atomic
def evaluation_demo_load() -> int:
    """Results frameworks, adoptions, sample participants and evaluations of the demo partnerships; a
    partnership that is not loaded is left out."""
    partnerships = {p.slug: p for p in Partnership.objects.filter(slug__in=FRAMEWORKS)}
    changed = 0
    for slug, rows in FRAMEWORKS.items():
        if slug in partnerships:
            changed += _results(partnerships[slug], rows)
    for slug, rows in ADOPTIONS.items():
        if slug not in partnerships:
            continue
        for place_slug, en, ja, day, source, sample in rows:
            place = Place.objects.filter(slug=place_slug).first()
            if place is not None:
                changed += bool(sync(Adoption, {"partnership": partnerships[slug], "place": place},
                                     {"practice": {"en": en, "ja": ja}, "adopted_on": day, "source": source,
                                      "is_sample": sample},
                                     find={"partnership": partnerships[slug], "practice__en": en})[1])
    local = ZoneInfo("Europe/Stockholm")
    for slug, partnership, en, ja, starts, ends, rows in ACTIVITIES:
        if partnership not in partnerships:
            continue
        activity, state = sync(Activity, {"slug": slug}, {
            "kind": Activity.Kind.WORKSHOP, "title": {"en": en, "ja": ja}, "partnership": partnerships[partnership],
            "starts_at": starts.replace(tzinfo=local), "ends_at": ends.replace(tzinfo=local),
            "timezone": "Europe/Stockholm", "venue": "Umeå",
            "description": {"en": "A sample record to show how participants' self-assessments measure learning.",
                            "ja": "参加者の自己評価で学びを測る方法を示すためのサンプル記録です。"}})
        changed += bool(state) + _participants(activity, rows)
    for slug, rows in EXISTING_PARTICIPANTS.items():
        activity = Activity.objects.filter(slug=slug).first()
        if activity is not None:
            changed += _participants(activity, rows)
    for slug, kind, mode, status, published_on, scores, summary in EVALUATIONS:
        if slug not in partnerships:
            continue
        moment = (timezone.make_aware(datetime.combine(published_on, datetime.min.time()))
                  if published_on else None)
        evaluation, state = sync(Evaluation, {"partnership": partnerships[slug], "kind": kind, "mode": mode},
                                 {"status": status, "summary": summary, "submitted_at": moment,
                                  "published_at": moment})
        changed += bool(state)
        for criterion, (level, text) in scores.items():
            assert criterion in Criterion.values
            changed += bool(sync(Score, {"evaluation": evaluation, "criterion": criterion},
                                 {"level": level, "justification": text})[1])
    return changed


def evaluation_demo_assign() -> int:
    """The demo evaluator is assigned to the demo's planned external evaluation (once the demo accounts
    exist)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="evaluator").first()
    evaluation = Evaluation.objects.filter(partnership__slug="nagano-obuse-turku", mode="external",
                                           status="planned").first()
    if user is None or evaluation is None or evaluation.evaluators.filter(pk=user.pk).exists():
        return 0
    evaluation.evaluators.add(user)
    return 1
