"""Demo programmes from the seed documents: the World Bank's City Partnership Program and its 2016
call (Kitakyushu, Kobe, Toyama and Yokohama selected), and the EU's IUC and IURC programmes.

The call is history, so it is recorded as decided rather than run through the live services,
which refuse applications after a deadline. Dates the sources do not give are illustrative and
the description says so. Loading is idempotent (records matched by slug)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from renkei.places.models import Organisation, Place, Theme
from renkei.programmes.models import Application, Call, Criterion, Programme, Question

TOKYO = ZoneInfo("Asia/Tokyo")

PROGRAMMES = [
    {"slug": "world-bank-city-partnership-program",
     "title": {"en": "City Partnership Program", "ja": "シティ・パートナーシップ・プログラム"},
     "owners": ["world-bank", "tdlc"],
     "starts_on": date(2016, 1, 1), "eligible_countries": ["JP"], "eligible_levels": ["city"],
     "themes": ["green-growth", "seismic-risk", "ict-government", "compact-city", "smart-city"],
     "description": {
         "en": "A World Bank programme run through the Tokyo Development Learning Center: Japanese cities "
               "document their solutions with the Bank, and officials from client countries learn from them "
               "through knowledge notes, study tours, deep dives and peer-to-peer workshops.",
         "ja": "東京開発ラーニングセンター（TDLC）を通じて世界銀行が運営するプログラム。"
               "日本の都市が世界銀行とともに"
               "自らの解決策を記録し、途上国の行政官がナレッジノート、視察、テクニカル・ディープダイブ、"
               "相互学習ワークショップを通じて学びます。"}},
    {"slug": "eu-international-urban-cooperation",
     "title": {"en": "International Urban Cooperation (IUC) — Japan", "ja": "国際都市間協力（IUC）日本"},
     "owners": ["dg-regio", "european-commission"],
     "starts_on": date(2017, 1, 1),
     "ends_on": date(2020, 12, 31), "eligible_countries": [], "eligible_levels": ["city"],
     "themes": ["smart-city", "renewable-energy", "mobility", "social-inclusion", "climate-adaptation",
                "nature-based-solutions", "urban-rural-nexus", "port-regeneration"],
     "description": {
         "en": "Ten pairs of EU and Japanese cities worked on shared themes, drafted action plans and agreed "
               "pilot projects.",
         "ja": "EUと日本の10組の都市が共通のテーマに取り組み、行動計画を作成し、"
               "パイロット事業に合意しました。"}},
    {"slug": "eu-international-urban-regional-cooperation",
     "title": {"en": "International Urban and Regional Cooperation (IURC) — Japan",
               "ja": "国際都市・地域間協力（IURC）日本"},
     "owners": ["dg-regio", "european-commission"],
     "starts_on": date(2021, 1, 1),
     "ends_on": date(2024, 12, 31), "eligible_countries": [], "eligible_levels": ["city", "region"],
     "themes": ["regional-innovation", "smart-city", "low-carbon"],
     "description": {
         "en": "The second edition of IUC: ten cities on each side on the green and digital transition, and "
               "five EU regions with five Japanese prefectures on innovation and smart specialisation.",
         "ja": "IUCの第2期。グリーンとデジタルの移行をテーマに双方10都市が参加し、さらにEUの5地域と日本の5県が"
               "イノベーションとスマート・スペシャリゼーションで連携します。"}},
]

SELECTED = {
    "kitakyushu": "Green growth and environmental protection experience.",
    "kobe": "Managing seismic risk, and more recently ICT.",
    "toyama": "Compact city development.",
    "yokohama": "Smart city development.",
}


@transaction.atomic
def programmes_demo_load() -> int:
    changed = 0
    for row in PROGRAMMES:
        data = {k: v for k, v in row.items() if k not in {"slug", "owners", "themes"}}
        programme, created = Programme.objects.update_or_create(slug=row["slug"], defaults=data)
        changed += created
        programme.owners.set(Organisation.objects.filter(slug__in=row["owners"]))
        programme.themes.set(Theme.objects.filter(code__in=row["themes"]))
    cpp = Programme.objects.get(slug="world-bank-city-partnership-program")
    call, created = Call.objects.update_or_create(slug="cpp-2016-call", defaults={
        "programme": cpp,
        "title": {"en": "City Partnership Program: call for expressions of interest 2016",
                  "ja": "シティ・パートナーシップ・プログラム 2016年 参加都市募集"},
        "description": {
            "en": "An open call to Japanese cities. A selection committee of World Bank technical specialists and "
                  "Japanese organisations chose the first four cities, announced on 4 July 2016. (The opening "
                  "and closing dates in this demo are illustrative.)",
            "ja": "日本の都市を対象とした公募。世界銀行の技術専門家と日本の関係機関による選考委員会が"
                  "最初の4都市を選び、"
                  "2016年7月4日に発表されました。（このデモの募集開始日・締切日は例示です。）"},
        "opens_at": datetime(2016, 3, 1, 10, 0, tzinfo=TOKYO),
        "closes_at": datetime(2016, 4, 28, 17, 0, tzinfo=TOKYO),
        "timezone": "Asia/Tokyo", "places_to_select": 4, "status": Call.Status.DECIDED})
    changed += created
    if created:
        Question.objects.create(call=call, position=0, text={
            "en": "Which experience and solutions can your city share?",
            "ja": "貴市が共有できる経験と解決策は何ですか。"})
        Question.objects.create(call=call, position=1, kind="file", required=False,
                                text={"en": "Supporting documents", "ja": "参考資料"})
        for n, (en, ja, w) in enumerate([("Relevance to client cities' demands", "途上国都市のニーズとの関連性", 3),
                                         ("Documented experience", "経験の蓄積と記録", 2),
                                         ("Capacity to host learning activities", "学習活動の受け入れ体制", 1)]):
            Criterion.objects.create(call=call, position=n, name={"en": en, "ja": ja}, weight=w)
    for slug, reason in SELECTED.items():
        place = Place.objects.filter(slug=slug).first()
        if place is None:
            continue
        _application, made = Application.objects.update_or_create(call=call, place=place, defaults={
            "status": Application.Status.SELECTED, "decision_reason": reason,
            "submitted_at": datetime(2016, 4, 20, 12, 0, tzinfo=TOKYO),
            "decided_at": datetime(2016, 7, 4, 9, 0, tzinfo=TOKYO)})
        changed += made
    return changed
