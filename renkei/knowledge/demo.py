"""Demo knowledge products and requests, from the facts of the seed documents, in our own words
(idempotent: matched by slug; a second run changes nothing).

The World Bank programme promises knowledge notes, case studies, toolkits and good-practice guides
from its four Japanese cities; the EU pairings drafted action plans; JICA and Kamaishi reported at
the World Urban Forum. Some products are in one language only, so the library shows what a search
across languages does: Kamaishi's material is in Japanese, Toyama's case study in English.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from renkei.knowledge.models import KnowledgeRequest, Product, RequestAnswer
from renkei.places.models import Organisation, Place, Theme

PRODUCTS = [
    {"slug": "kamaishi-open-city-reconstruction", "kind": "case_study", "published_on": date(2022, 6, 29),
     "title": {"ja": "釜石市の復興とオープンシティ推進戦略 ― つながり人口を力にしたまちの再生"},
     "summary": {"ja": "2011年の東日本大震災で津波により大きな被害を受けた釜石市は、復興の過程で2016年に"
                       "「オープンシティ推進戦略」を策定しました。市外の人々との関係を「つながり人口」として"
                       "まちの最大の財産と位置づけ、市民の「活動人口」とともに多様な主体と地域再生に取り組んでいます。"},
     "body": {"ja": "## 背景\n\n釜石市は岩手県の沿岸にある人口約3万1千人の市で、「鉄と魚とラグビーのまち」として"
                    "知られています。2011年の震災では津波が市街地を襲い、多くの命と建物が失われました。\n\n"
                    "## 取組\n\n- 震災後に生まれた市外とのつながりを、復興の財産として数え、育てる\n"
                    "- 市民と市外の人が対話する場を新たにつくり、複数の分野・主体が連携してプロジェクトを進める\n"
                    "- 少子高齢化と人口減少に向き合い、活動する人の数を増やす\n\n"
                    "## 学んだこと\n\n防災と復興の経験は、同じく大きな災害を経験した海外の都市とも共有できます。"
                    "JICAとの連携により、インドネシアのバンダ・アチェ市との協力にもつながりました。"},
     "themes": ["tsunami-reconstruction", "relationship-population", "city-revitalisation", "population-decline"],
     "places": ["kamaishi"], "organisations": ["kamaishi-city-hall", "jica"], "partnership": "jica-kamaishi-banda-aceh",
     "authors": ["釜石市"], "licence": "CC-BY-4.0", "suits_max_population": 200_000,
     "preconditions": {"ja": "市外の人々と継続的に関わる担当部署と、対話の場を運営する地域の団体があること。"}},
    {"slug": "kamaishi-disaster-memory-lessons", "kind": "lesson", "published_on": date(2021, 3, 11),
     "title": {"ja": "震災の記憶を次の世代へ ― 釜石の防災教育から得た教訓"},
     "summary": {"ja": "大震災の経験を風化させず、学校と地域が一体となって避難の訓練と防災教育を続けることの大切さ。"
                       "被災の記憶を伝える施設や語り部の活動は、海外の被災都市との学び合いにも役立ちます。"},
     "themes": ["disaster-memory", "early-warning", "environmental-education"],
     "places": ["kamaishi"], "organisations": ["kamaishi-city-hall"], "authors": ["釜石市"],
     "licence": "CC-BY-4.0"},
    {"slug": "toyama-compact-city-case-study", "kind": "case_study", "published_on": date(2016, 11, 3),
     "title": {"en": "Toyama: building a compact city along public transport"},
     "summary": {"en": "How a mid-sized Japanese city has concentrated homes, shops and services around its "
                       "tram and rail lines instead of sprawling, and why the OECD named it in 2012 among five "
                       "cities with advanced compact city policies."},
     "body": {"en": "## The problem\n\nLike many cities of its size, Toyama had spread out along its roads: low "
                    "density, a car for every trip, a centre losing shops and people, and rising costs of "
                    "serving an ageing population spread thin.\n\n## What the city did\n\n"
                    "- Revived and extended light rail and bus lines as the city's spine\n"
                    "- Encouraged people to live near stations and in the centre\n"
                    "- Put public services, shops and care within walking distance of transit\n\n"
                    "## Results and recognition\n\nToyama was named an Environmental Model City in 2008 and an "
                    "Environmental Future City in 2011 by the national government, and is the only mid-sized "
                    "partner city of the World Bank's City Partnership Program in Japan.\n\n"
                    "## What transfers\n\nThe approach suits mid-sized cities with an existing rail or bus "
                    "corridor; it needs land-use rules and transport investment to move together."},
     "themes": ["compact-city", "public-transport", "ageing-accessibility"],
     "places": ["toyama"], "organisations": ["toyama-city-hall", "world-bank", "tdlc"],
     "partnership": "toyama-world-bank-cpp", "authors": ["Toyama City", "World Bank TDLC"], "licence": "CC-BY-4.0",
     "suits_min_population": 100_000, "suits_max_population": 1_000_000, "cost_min_eur": 1_000_000,
     "cost_max_eur": 50_000_000,
     "preconditions": {"en": "An existing rail or bus corridor, and the power to steer land use around it."}},
    {"slug": "technical-deep-dive-compact-cities-note", "kind": "knowledge_note", "published_on": date(2016, 11, 4),
     "title": {"en": "Knowledge note: Technical Deep Dive on Compact Cities, Toyama 2016",
               "ja": "ナレッジノート：コンパクトシティ・テクニカル・ディープダイブ（富山、2016年）"},
     "summary": {"en": "What officials from developing-country cities discussed and saw in Toyama from 30 October "
                       "to 4 November 2016: compact city policy choices, transit-oriented development and "
                       "examples of successful interventions.",
                 "ja": "2016年10月30日から11月4日まで富山で開催。途上国都市の担当者が、コンパクトシティの政策判断、"
                       "公共交通指向型開発（TOD）、成功した取組の事例を視察し議論しました。"},
     "themes": ["compact-city", "public-transport"], "places": ["toyama"],
     "organisations": ["world-bank", "tdlc", "toyama-city-hall"], "partnership": "toyama-world-bank-cpp",
     "activity": "toyama-technical-deep-dive-2016", "authors": ["World Bank TDLC"], "licence": "CC-BY-4.0"},
    {"slug": "kitakyushu-green-growth-guide", "kind": "guide", "published_on": date(2017, 3, 31),
     "title": {"en": "From polluted industrial city to green growth: a guide from Kitakyushu",
               "ja": "公害の工業都市からグリーン成長へ ― 北九州市のグッドプラクティス"},
     "summary": {"en": "How citizens, companies and the city government cleaned the air and the bay and turned "
                       "environmental protection into an industry, with steps other industrial cities can take.",
                 "ja": "市民・企業・行政が協力して大気と海をよみがえらせ、環境保全を産業に変えてきた歩みと、"
                       "他の工業都市が踏み出せる手順。"},
     "themes": ["green-growth", "pollution-control", "solid-waste"], "places": ["kitakyushu"],
     "organisations": ["kitakyushu-city-hall", "world-bank"], "authors": ["City of Kitakyushu"],
     "licence": "CC-BY-4.0", "suits_min_population": 300_000},
    {"slug": "kitakyushu-non-revenue-water-toolkit", "kind": "toolkit", "published_on": date(2018, 6, 1),
     "title": {"en": "Toolkit: reducing non-revenue water", "ja": "ツールキット：無収水の削減"},
     "summary": {"en": "Finding and fixing leaks, metering every connection and stopping illegal connections: a "
                       "step-by-step toolkit drawn from the water utility experience of Kitakyushu.",
                 "ja": "漏水の発見と修理、全戸のメーター設置、不正接続の解消まで。北九州市の水道事業の経験に"
                       "もとづく段階的なツールキット。"},
     "themes": ["water-supply"], "places": ["kitakyushu"], "organisations": ["kitakyushu-city-hall"],
     "authors": ["City of Kitakyushu"], "licence": "CC-BY-4.0", "cost_min_eur": 50_000, "cost_max_eur": 2_000_000},
    {"slug": "kobe-seismic-risk-case-study", "kind": "case_study", "published_on": date(2017, 1, 17),
     "title": {"en": "Kobe: managing seismic risk after the Great Hanshin-Awaji Earthquake"},
     "summary": {"en": "What Kobe changed in building safety, emergency response and community preparedness "
                       "after the 1995 earthquake, and how it now uses ICT in city services."},
     "themes": ["seismic-risk", "disaster-memory", "ict-government"], "places": ["kobe"],
     "organisations": ["kobe-city-hall", "world-bank"], "authors": ["City of Kobe"], "licence": "CC-BY-4.0"},
    {"slug": "yokohama-smart-city-note", "kind": "knowledge_note", "published_on": date(2017, 6, 30),
     "title": {"en": "Knowledge note: Yokohama's smart city development"},
     "summary": {"en": "Energy management across homes, buildings and the port, public–private partnership and "
                       "data: how Yokohama organised its smart city projects."},
     "themes": ["smart-city", "public-private-partnership", "port-regeneration"], "places": ["yokohama"],
     "organisations": ["yokohama-city-hall", "world-bank"], "authors": ["City of Yokohama"],
     "licence": "CC-BY-4.0", "suits_min_population": 500_000},
    {"slug": "koriyama-essen-action-plan", "kind": "action_plan", "published_on": date(2019, 3, 31),
     "title": {"en": "Koriyama–Essen action plan: renewable energy and its storage",
               "ja": "郡山市・エッセン市 行動計画：再生可能エネルギーと蓄電"},
     "summary": {"en": "Objectives and actions of the IUC pairing: more renewable sources, efficiency, and "
                       "storage, one of the hardest problems of renewables.",
                 "ja": "IUCのペアリングの目標と行動：再生可能エネルギーの拡大、省エネルギー、"
                       "そして大きな課題である蓄電。"},
     "themes": ["renewable-energy", "energy-storage", "energy-efficiency"], "places": ["koriyama", "essen"],
     "organisations": ["iuc"], "partnership": "koriyama-essen", "authors": ["Koriyama", "Essen"],
     "licence": "CC-BY-4.0"},
    {"slug": "nagano-obuse-turku-circular-economy", "kind": "action_plan", "published_on": date(2019, 3, 31),
     "title": {"en": "Nagano, Obuse and Turku: circular economy across the urban–rural nexus"},
     "summary": {"en": "The pairing's plan for sustainable production and consumption in food, water and energy, "
                       "linking the city with its rural surroundings."},
     "themes": ["circular-economy", "urban-rural-nexus", "local-food"], "places": ["nagano", "obuse", "turku"],
     "organisations": ["iuc"], "partnership": "nagano-obuse-turku", "authors": ["Nagano", "Obuse", "Turku"],
     "licence": "CC-BY-4.0"},
    {"slug": "kamacon-umecon-lesson", "kind": "lesson", "published_on": date(2020, 3, 31),
     "title": {"en": "From Kamacon to Umecon: brainstorming with citizens",
               "ja": "カマコンからウメコンへ：市民と一緒に考える"},
     "summary": {"en": "Kamakura's citizens and companies meet every month to brainstorm local projects; Umeå "
                       "adapted the format as town meetings that break silos.",
                 "ja": "鎌倉では市民と企業が毎月集まり地域のプロジェクトを話し合います。ウメオ市はこの形を、"
                       "縦割りを越えるタウンミーティングとして取り入れました。"},
     "themes": ["participatory-innovation", "public-participation"], "places": ["kamakura", "umea"],
     "organisations": ["kamacon", "iuc"], "partnership": "kamakura-umea", "authors": ["Kamakura", "Umeå"],
     "licence": "CC-BY-4.0", "cost_max_eur": 20_000},
    {"slug": "wuf11-triangular-cooperation-report", "kind": "report", "published_on": date(2022, 7, 15),
     "title": {"en": "Report: resilient local cities through triangular cooperation (WUF11 session)"},
     "summary": {"en": "Key messages of the JICA session at the World Urban Forum on 29 June 2022: Kamaishi's "
                       "Open City strategy, JICA's projects with Japanese local cities, cooperation with Banda "
                       "Aceh, and a virtuous circle in which both the Japanese city and the partner city gain."},
     "themes": ["peer-learning", "city-revitalisation", "relationship-population"],
     "places": ["kamaishi", "banda-aceh"], "organisations": ["jica", "kamaishi-city-hall"],
     "partnership": "jica-kamaishi-banda-aceh", "activity": "wuf11-jica-kamaishi-session",
     "authors": ["JICA"], "licence": "CC-BY-4.0"},
    {"slug": "banda-aceh-reconstruction-case", "kind": "case_study", "published_on": date(2019, 12, 26),
     "title": {"en": "Banda Aceh: rebuilding a city after the 2004 Indian Ocean tsunami"},
     "summary": {"en": "Reconstruction, early warning and keeping the memory of the disaster alive: what Banda "
                       "Aceh learned, and what it shares with Japanese coastal cities."},
     "themes": ["tsunami-reconstruction", "early-warning", "disaster-memory"], "places": ["banda-aceh"],
     "organisations": ["banda-aceh-city-government", "jica"], "partnership": "jica-kamaishi-banda-aceh",
     "authors": ["Banda Aceh City Government"], "licence": "CC-BY-4.0"},
    {"slug": "city-to-city-cooperation-discussion-paper", "kind": "report", "published_on": date(2018, 3, 1),
     "title": {"en": "What makes city-to-city cooperation and intercity networks work",
               "ja": "都市間協力と都市ネットワークを機能させるもの"},
     "summary": {"en": "A review for Japanese national and local governments: cooperation is not a one-way "
                       "transfer; climate change and disasters are new to every city; networks govern better "
                       "with a rotating president city and diverse funding, and should evaluate projects on a "
                       "consistent basis.",
                 "ja": "日本の国と自治体に向けた分析。都市間協力は一方的な移転ではなく、気候変動や災害はどの都市にも"
                       "新しい課題である。ネットワークは議長都市の交代と資金源の多様化で統治が良くなり、"
                       "事業を一貫した基準で評価すべきである。"},
     "themes": ["peer-learning", "governance", "sister-city"], "organisations": ["iges"], "authors": ["IGES"],
     "licence": "CC-BY-NC-4.0"},
    {"slug": "world-cities-final-report", "kind": "report", "published_on": date(2016, 12, 31),
     "title": {"en": "World Cities 2014–2016: EU and Japanese city pairs on compact and low-carbon development"},
     "summary": {"en": "Final report of the EU–Japan pairings on compact city development and low-carbon "
                       "development, both seen in the light of an ageing and declining population."},
     "themes": ["compact-city", "low-carbon", "population-decline"], "organisations": ["european-commission",
                                                                                     "dg-regio"],
     "authors": ["European Commission"], "licence": "CC-BY-4.0"},
    {"slug": "draft-flood-early-warning-toolkit", "kind": "toolkit", "status": "draft", "published_on": None,
     "title": {"en": "Draft toolkit: community flood early warning"},
     "summary": {"en": "Work in progress: river gauges, SMS alerts and evacuation maps for neighbourhoods."},
     "themes": ["flood-management", "early-warning"], "authors": ["Renkei knowledge team"], "licence": "CC-BY-4.0"},
]

REQUESTS = [
    {"place": "cebu-city", "title": {"en": "We need help reducing non-revenue water",
                                     "ja": "無収水を減らすための支援を求めています"},
     "description": {"en": "A large share of the water we produce is lost to leaks and illegal connections "
                           "before it reaches customers."},
     "themes": ["water-supply"], "answers": []},
    {"place": "banda-aceh", "title": {"en": "Keeping tsunami preparedness alive in schools",
                                      "ja": "学校での津波への備えを続けるには"},
     "description": {"en": "Twenty years after the disaster, how do other cities keep evacuation drills and "
                           "disaster education going?"},
     "themes": ["early-warning", "disaster-memory"],
     "answers": [("kamaishi", "Kamaishi's schools and neighbourhoods have run drills and disaster education since "
                              "2011; we can share our programme in a webinar.",
                  ["kamaishi-disaster-memory-lessons"])]},
]


def _refs(model, key: str, values) -> list:
    return list(model.objects.filter(**{f"{key}__in": values}))


@transaction.atomic
def knowledge_demo_load() -> int:
    """Create or bring up to date the demo products and requests; returns how many changed. The
    changed products are indexed at once, so the library is searchable when the demo starts."""
    from renkei.activities.models import Activity
    from renkei.partnerships.models import Partnership

    changed_ids: list[int] = []
    for row in PRODUCTS:
        values = {
            "kind": row["kind"], "title": row["title"], "summary": row.get("summary", {}),
            "body": row.get("body", {}), "published_on": row.get("published_on"), "authors": row.get("authors", []),
            "licence": row.get("licence", "CC-BY-4.0"), "status": row.get("status", Product.Status.PUBLISHED),
            "visibility": Product.Visibility.PUBLIC, "preconditions": row.get("preconditions", {}),
            "suits_min_population": row.get("suits_min_population"),
            "suits_max_population": row.get("suits_max_population"),
            "cost_min_eur": row.get("cost_min_eur"), "cost_max_eur": row.get("cost_max_eur"),
            "partnership": Partnership.objects.filter(slug=row.get("partnership") or "").first(),
            "activity": Activity.objects.filter(slug=row.get("activity") or "").first(),
        }
        values["languages"] = " ".join(c for c in dict.fromkeys([*values["title"], *values["summary"],
                                                                 *values["body"]]))
        product = Product.objects.filter(slug=row["slug"]).first()
        dirty = product is None
        if product is None:
            product = Product.objects.create(slug=row["slug"], **values)
        else:
            for name, value in values.items():
                current = getattr(product, name)
                if current != value and not (name in ("cost_min_eur", "cost_max_eur") and current is not None
                                             and value is not None and float(current) == float(value)):
                    setattr(product, name, value)
                    dirty = True
            if dirty:
                product.save()
        for name, model, key in (("themes", Theme, "code"), ("places", Place, "slug"),
                                 ("organisations", Organisation, "slug")):
            wanted = {o.pk for o in _refs(model, key, row.get(name, []))}
            if set(getattr(product, name).values_list("pk", flat=True)) != wanted:
                getattr(product, name).set(wanted)
                dirty = True
        if dirty:
            changed_ids.append(product.pk)
    changed = len(changed_ids)
    for row in REQUESTS:
        place = Place.objects.filter(slug=row["place"]).first()
        if place is None:
            continue
        request = KnowledgeRequest.objects.filter(place=place, title=row["title"]).first()
        if request is None:
            request = KnowledgeRequest.objects.create(place=place, title=row["title"],
                                                      description=row["description"])
            request.themes.set(_refs(Theme, "code", row["themes"]))
            changed += 1
        for answer_place, text, products in row["answers"]:
            by = Place.objects.filter(slug=answer_place).first()
            if by is None or request.answers.filter(place=by).exists():
                continue
            answer = RequestAnswer.objects.create(request=request, place=by, text=text)
            answer.products.set(Product.objects.filter(slug__in=products))
            request.status = KnowledgeRequest.Status.ANSWERED
            request.save(update_fields=["status", "updated_at"])
            changed += 1
    from renkei.knowledge.models import SearchDocument
    from renkei.knowledge.search.indexing import index_products

    missing = list(Product.objects.filter(slug__in=[r["slug"] for r in PRODUCTS]).exclude(
        pk__in=SearchDocument.objects.values("product_id")).values_list("pk", flat=True))
    to_index = sorted(set(changed_ids) | set(missing))
    if to_index:
        index_products(to_index)
    return changed
