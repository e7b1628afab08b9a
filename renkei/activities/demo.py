"""Demo learning activities from the public record (idempotent, matched by slug): the Technical
Deep Dive on compact cities in Toyama (30 Oct – 4 Nov 2016) with its sessions, and the JICA session
at the World Urban Forum, 29 June 2022, with its speakers; and sample activities of the two live
partnerships dated from the day the demo is loaded (one a few weeks ago, one coming up), so the
calendar has something upcoming and the partnerships show recent work. A second load on the same day
writes nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from renkei.activities.models import Activity, Session, Speaker
from renkei.core.demo import sync
from renkei.partnerships.models import Partnership
from renkei.places.models import Contact, Organisation

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


SAMPLE = {"en": " (sample)", "ja": "（サンプル）"}
#: sample activities (slug, partnership, organiser, kind, days from the load day, start hour, hours, venue,
#: title, description): the seed documents announce the seminar on transit-oriented development and
#: compact cities and the high school project, not their dates
SAMPLE_ACTIVITIES = [
    ("toyama-compact-city-online-session-sample", "toyama-world-bank-cpp", "tdlc", Activity.Kind.WEBINAR, -30,
     15, 2, "Online (TDLC videoconference)",
     ("Online peer learning on compact cities", "コンパクトシティに関するオンライン相互学習"),
     ("Toyama's officials answer questions from client cities on compact city policies.",
      "富山市の職員が、コンパクトシティ政策について途上国の都市からの質問に答えます。")),
    ("toyama-tod-seminar-sample", "toyama-world-bank-cpp", "tdlc", Activity.Kind.WORKSHOP, 21, 10, 6, "Toyama",
     ("Public seminar on transit-oriented development and compact cities",
      "公共交通指向型開発（TOD）とコンパクトシティに関する公開セミナー"),
     ("The knowledge exchange seminar that Toyama City and the World Bank announced after signing their MoU.",
      "富山市と世界銀行が覚書の署名後に予告した知識交流セミナー。")),
    ("kamaishi-banda-aceh-school-exchange-sample", "jica-kamaishi-banda-aceh", "jica", Activity.Kind.WEBINAR, -45,
     16, 2, "Online",
     ("Online exchange between high schools in Kamaishi and Banda Aceh",
      "釜石市とバンダアチェ市の高校のオンライン交流"),
     ("Students of both cities share how their towns prepare for disasters.",
      "両市の高校生が、それぞれのまちの防災の取組を紹介し合います。")),
    ("kamaishi-banda-aceh-student-proposals-sample", "jica-kamaishi-banda-aceh", "jica", Activity.Kind.WORKSHOP,
     45, 13, 3, "Kamaishi",
     ("Future city leaders: students present their proposals", "未来のまちのリーダー：高校生による提案の発表"),
     ("High school students from Kamaishi and Banda Aceh present ideas for their cities to both city halls.",
      "釜石市とバンダアチェ市の高校生が、まちづくりのアイデアを両市の市役所に発表します。")),
]


def _title(en: str, ja: str) -> dict[str, str]:
    return {"en": en, "ja": ja}


def _session(activity, *, starts, ends, title_en: str, title_ja: str, room: str, speakers) -> int:
    """One agenda session with its speakers, in order; speakers already recorded for the activity as
    a whole move into the session."""
    session, state = sync(Session, {"activity": activity},
                          {"title": _title(title_en, title_ja), "starts_at": starts, "ends_at": ends, "room": room},
                          find={"activity": activity, "title__en": title_en})
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


def _activity(slug: str, *, partnership: str, organiser: str, programme: str = "", **values) -> tuple[Activity, str]:
    """The activity, created or brought in line with ``values``; its partnership, organiser and programme
    are named by slug (one that is not loaded is left empty)."""
    from renkei.programmes.models import Programme

    links = {"partnership": Partnership.objects.filter(slug=partnership).first(),
             "organiser": Organisation.objects.filter(slug=organiser).first()}
    if programme:
        links["programme"] = Programme.objects.filter(slug=programme).first()
    return sync(Activity, {"slug": slug}, {**values, **links})


@transaction.atomic
def activities_demo_load() -> int:
    """The Technical Deep Dive on compact cities in Toyama (30 Oct – 4 Nov 2016) with its sessions, and
    the JICA session at the World Urban Forum, 29 June 2022, with its speakers as the public programme
    lists them."""
    tokyo, warsaw = ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/Warsaw")
    changed = 0
    deep_dive, made = _activity(
        "toyama-technical-deep-dive-2016", kind=Activity.Kind.DEEP_DIVE,
        title=_title("Technical Deep Dive on Compact Cities", "コンパクトシティに関するテクニカル・ディープダイブ"),
        starts_at=datetime(2016, 10, 30, 9, 0, tzinfo=tokyo), ends_at=datetime(2016, 11, 4, 17, 0, tzinfo=tokyo),
        timezone="Asia/Tokyo", venue="Toyama", partnership="toyama-world-bank-cpp",
        programme="world-bank-city-partnership-program", organiser="tdlc",
        description={"en": "Held by Toyama City and the World Bank together with the 100 Resilient Cities "
                           "Summit: compact city policies, decisions and successful interventions.",
                     "ja": "富山市と世界銀行が100のレジリエントな都市サミットとあわせて開催。コンパクトシティ政策、"
                           "政策判断、成功した取組を議論しました。"})
    changed += bool(made)
    for starts, ends, title_en, title_ja, speakers in DEEP_DIVE_SESSIONS:
        changed += _session(deep_dive, starts=datetime(*starts, tzinfo=tokyo), ends=datetime(*ends, tzinfo=tokyo),
                            title_en=title_en, title_ja=title_ja, room="", speakers=speakers)
    title_en = ("Resilient local cities through triangular cooperation of development agencies, partner "
                "countries and local cities in Japan")
    title_ja = "開発協力機関・パートナー国・日本の地方都市の三者連携によるレジリエントな地方都市づくり"
    starts, ends = datetime(2022, 6, 29, 13, 30, tzinfo=warsaw), datetime(2022, 6, 29, 15, 0, tzinfo=warsaw)
    wuf, made = _activity(
        "wuf11-jica-kamaishi-session", kind=Activity.Kind.CONFERENCE, title=_title(title_en, title_ja),
        starts_at=starts, ends_at=ends, timezone="Europe/Warsaw", venue="World Urban Forum 11",
        room="Multifunction Hall Room 13", partnership="jica-kamaishi-banda-aceh", organiser="jica",
        description={"en": "Kamaishi's Open City strategy and JICA's work linking Japanese local cities with "
                           "developing countries, so that both gain.",
                     "ja": "釜石市のオープンシティ戦略と、日本の地方都市と途上国をつなぎ"
                           "双方が利益を得るJICAの取組。"})
    changed += bool(made)
    changed += _session(wuf, starts=starts, ends=ends, title_en=title_en, title_ja=title_ja,
                        room="Multifunction Hall Room 13", speakers=WUF11_SPEAKERS)
    today = timezone.localdate()
    for slug, partnership, organiser, kind, days, hour, hours, venue, (t_en, t_ja), (d_en, d_ja) in SAMPLE_ACTIVITIES:
        starts = datetime.combine(today + timedelta(days=days), time(hour), tzinfo=tokyo)
        _sample, made = _activity(
            slug, kind=kind, title=_title(t_en + SAMPLE["en"], t_ja + SAMPLE["ja"]), starts_at=starts,
            ends_at=starts + timedelta(hours=hours), timezone="Asia/Tokyo", venue=venue,
            partnership=partnership, organiser=organiser,
            description={"en": d_en + " Sample data invented for the demo.",
                         "ja": d_ja + "デモ用に作成した架空のデータです。"})
        changed += bool(made)
    return changed
