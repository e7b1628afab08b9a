"""A small labelled set for judging the library's search: a corpus of short knowledge products on
city-to-city cooperation (English only, Japanese only and bilingual) and queries in both
languages, each with graded relevance labels (2 = highly relevant, 1 = partly; unlabelled = not
relevant), plus nDCG@10, recall@10 and MRR per search mode.

Used by ``test_relevance.py`` and by ``bench/knowledge_quality.py``, which loads the same corpus
into a throwaway database. The labels were written for the texts below, before any ranking was
looked at; a query is ``crosslingual`` when the products it is meant to find are written only in
the other language (or, for コンパクトシティ and tsunami, when some of them are).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

MODES = ("fulltext", "semantic", "hybrid")
K = 10


@dataclass(frozen=True)
class Doc:
    slug: str
    kind: str
    title: dict[str, str]
    summary: dict[str, str]
    body: dict[str, str]
    video_url: str = ""

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(lang for part in (self.title, self.summary, self.body) for lang in part)


@dataclass(frozen=True)
class Query:
    text: str
    labels: dict[str, int]
    crosslingual: bool = False
    note: str = ""

    @property
    def language(self) -> str:
        from renkei.knowledge.search.analysis import is_cjk

        return "ja" if is_cjk(self.text) else "en"


def en(slug: str, kind: str, title: str, summary: str, body: str = "", **extra) -> Doc:
    return Doc(slug, kind, {"en": title}, {"en": summary}, {"en": body} if body else {}, **extra)


def ja(slug: str, kind: str, title: str, summary: str, body: str = "", **extra) -> Doc:
    return Doc(slug, kind, {"ja": title}, {"ja": summary}, {"ja": body} if body else {}, **extra)


def both(slug: str, kind: str, english: tuple[str, ...], japanese: tuple[str, ...], **extra) -> Doc:
    parts = [{"en": e, "ja": j} for e, j in zip(english, japanese, strict=True)]
    while len(parts) < 3:
        parts.append({})
    return Doc(slug, kind, parts[0], parts[1], {k: v for k, v in parts[2].items() if v}, **extra)


CORPUS: tuple[Doc, ...] = (
    # --- compact city and transit-oriented development (Toyama) ---------------------------------
    en("toyama-compact-city", "case_study",
       "Toyama's compact city: concentrating homes along tram and rail lines",
       "How a car-dependent mid-size city on the Sea of Japan steered new homes, shops and services "
       "towards its stations, with light rail, a downtown tram loop and grants for moving closer to transit.",
       "For decades Toyama spread thinly across its plain and nearly every trip was made by car. The city's "
       "answer is a plan of 'dumplings on a skewer': walkable centres strung along frequent public transport. "
       "A little-used railway line was rebuilt as the Portram light rail, a tram loop now circles the centre, "
       "and households that buy or rent near a station receive a grant. The OECD named Toyama one of five "
       "cities with advanced compact-city policies."),
    ja("toyama-tod-guide", "guide",
       "「串と団子」のまちづくり：公共交通沿線への居住誘導の手引き",
       "富山市が進めてきたコンパクトシティ政策を、他の都市でも応用できるように、計画づくりから効果の測定まで"
       "手順ごとに整理しました。",
       "市街地が郊外へ広がり続けると、道路や上下水道の維持費がかさみ、車を運転できない人の移動手段が失われます。"
       "富山市は立地適正化計画で居住誘導区域を定め、駅やバス停の近くで住宅を取得する世帯に補助金を出しました。"
       "ライトレールの整備と運行本数の増加を組み合わせたことで、中心部の人口は再び増え始めています。"),
    both("toyama-deep-dive", "report",
         ("Technical deep dive on compact cities and transit-oriented development",
          "Notes from a week of site visits and workshops in Toyama for officials from developing cities, "
          "run with the World Bank's Tokyo Development Learning Center.",
          "Participants rode the light rail, met the planners and worked out what sprawl costs their own cities. "
          "The report covers land-use rules near stations, fares, financing rolling stock and how to measure "
          "whether people move closer to transit."),
         ("コンパクトシティと公共交通指向型開発（TOD）に関する技術研修",
          "世界銀行東京開発ラーニングセンターと富山市が開いた、途上国の都市職員向け研修の記録です。",
          "参加者はライトレールに乗り、市の計画担当者と意見を交わし、自分の都市で市街地の拡散がもたらす費用を試算しました。")),
    en("toyama-outing-pass", "knowledge_note",
       "An outing pass that gets older residents onto trams and buses",
       "Toyama sells residents aged 65 and over a pass for a flat 100-yen fare into the centre; outings and "
       "walking went up, and so did spending in downtown shops.",
       "The pass is used mostly on weekday mornings, when vehicles have spare seats. Studies linked it with "
       "more steps walked per day and lower medical costs. The note explains how the fare was set and how "
       "the city shares the cost with the operators."),
    ja("toyama-small-hydro", "knowledge_note",
       "農業用水路を生かした小水力発電",
       "立山連峰から流れる豊かな水を使い、富山市は農業用水路の落差に小型の発電機を設けて、地域の電力と収入を"
       "生み出しています。",
       "大きなダムを造らず既存の用水路の流れを使うため、環境への負荷が小さく済みます。土地改良区と市が協力して"
       "運営し、発電した電気は施設の照明や売電に充てています。"),

    # --- tsunami recovery and disaster risk (Kamaishi, Banda Aceh, Kobe) ------------------------
    ja("kamaishi-tsunami", "case_study",
       "釜石市：東日本大震災の津波からの復興",
       "2011年の津波で大きな被害を受けた釜石市が、防潮堤の再建、高台への住宅移転、防災教育の強化を通じて"
       "まちを立て直してきた歩みをまとめた事例です。",
       "釜石市では千人を超える市民が犠牲になりました。一方で、日頃の防災教育で「てんでんこ」の教えを学んでいた"
       "小中学生の多くは、自ら高台へ逃げて命を守りました。復興計画では住まいの高台移転と中心市街地の再生を"
       "同時に進め、被災の経験を次の世代や海外の都市に伝える活動にも力を入れています。"),
    ja("kamaishi-open-city", "action_plan",
       "釜石市オープンシティ推進戦略",
       "人口減少と少子高齢化が進むなか、震災復興を通じて生まれた市外の人々とのつながり（つながり人口）と、"
       "市内で活動する人々（活動人口）を力にして、まちの活性化を目指す戦略です。",
       "2016年に策定されたこの戦略は、「鉄と魚とラグビーのまち」が、移住者や副業人材、支援者との対話の場を"
       "増やし、多様な主体との協働で事業を生み出すことを柱にしています。高校生が地域の課題に取り組む魅力化事業"
       "や、国際協力機構と連携した海外の都市との交流も含まれます。"),
    en("banda-aceh-tsunami", "case_study",
       "Banda Aceh after the 2004 Indian Ocean tsunami",
       "Rebuilding a provincial capital where the wave reached kilometres inland: escape buildings, a tsunami "
       "museum, new rules for building near the coast and a city disaster management agency.",
       "The wave of December 2004 killed tens of thousands of people in and around Banda Aceh. Reconstruction, "
       "paid for by many donors, first rebuilt housing and then turned to preparedness: multi-storey escape "
       "buildings in low-lying districts, sirens, marked evacuation routes and drills in schools. A JICA "
       "partnership project now links the city with Kamaishi so that officials and teachers can compare notes."),
    both("kamaishi-aceh-triangle", "lesson",
         ("Kamaishi and Banda Aceh: lessons from triangular cooperation",
          "Two cities struck by tsunamis and JICA learn from each other about disaster education, keeping the "
          "memory of the disaster alive and giving young people a role in recovery.",
          "The exchange runs both ways. Kamaishi shows how its schools teach children to evacuate on their own; "
          "Banda Aceh shows how a museum and neighbourhood groups keep 2004 present. Cooperation lasts when "
          "both cities gain something and when many people in the city hall carry it, not one champion."),
         ("釜石市とバンダアチェ市：三角協力から得た教訓",
          "津波の被害を受けた二つの都市とJICAが、防災教育や災害の記憶の伝承、若者の参加について互いに学び合っています。",
          "学び合いは一方通行ではありません。協力が続くのは、双方の都市に得るものがあり、市役所の多くの職員が"
          "関わるときです。")),
    en("tsunami-stones-video", "video",
       "Stones that remember: passing on tsunami warnings across generations",
       "A short film about the old stone markers on the Sanriku coast that tell people not to build below them, "
       "and about how schools and museums keep the warning alive today.",
       "Filmed in Iwate Prefecture and in Banda Aceh; 18 minutes, with English and Japanese subtitles.",
       video_url="https://video.example.org/stones-that-remember"),
    en("kobe-seismic", "guide",
       "Making buildings safer in earthquakes: what Kobe learned in 1995",
       "After the Great Hanshin-Awaji earthquake Kobe tightened its building rules, paid for seismic "
       "retrofitting of homes and schools and rebuilt its emergency response; a guide for cities in "
       "earthquake zones.",
       "Most of the deaths in 1995 were caused by old wooden houses that collapsed. Kobe now offers free "
       "structural checks, grants for strengthening walls and roofs, and neighbourhood groups that train "
       "together for emergencies. The guide sets out an inspection programme, what to retrofit first "
       "(schools, hospitals, evacuation routes) and a budget template."),
    ja("kobe-taishin", "toolkit",
       "住宅の耐震診断と耐震改修を進める支援制度パッケージ",
       "神戸市の経験をもとに、古い木造住宅の無料耐震診断、改修費の補助、相談窓口の設け方をまとめたツールキットです。",
       "阪神・淡路大震災では、倒壊した住宅の下敷きになって多くの人が亡くなりました。1981年以前の基準で建てられた"
       "住宅を優先し、所有者が高齢でも手続きしやすい仕組みを用意することが大切です。申請書の様式、広報資料の例、"
       "工務店向け説明会の進め方を収めています。"),
    ja("evacuation-drills", "toolkit",
       "地域で取り組む避難訓練とハザードマップづくり",
       "町内会や学校が、浸水や土砂災害、津波の危険がある場所を地図に書き込み、実際に歩いて避難経路を確かめる"
       "ための手順書です。",
       "警報が出ても、住民が逃げなければ命は守れません。まち歩き、危険箇所の洗い出し、支援が必要な人の把握、"
       "年に一度の訓練の進め方を紹介します。"),
    en("jakarta-floods", "knowledge_note",
       "Retention ponds and river works against Jakarta's floods",
       "Combining storm-water storage, better drainage and warnings by text message in a delta city that "
       "floods almost every rainy season.",
       "Flood losses grow as the ground sinks and green space is built over. The note weighs engineering "
       "works against restored wetlands and other nature-based options."),

    # --- solid waste and green growth (Kitakyushu) ----------------------------------------------
    en("kitakyushu-surabaya-waste", "case_study",
       "Kitakyushu and Surabaya: less household waste through sorting and composting",
       "Kitakyushu helped Surabaya set up neighbourhood waste banks and home composting; the waste sent to "
       "landfill fell markedly within a few years.",
       "The cooperation began with training in Kitakyushu for Surabaya's officials and a local NGO. Families "
       "were given simple composting baskets and learned to keep kitchen scraps apart from recyclables, which "
       "they sell to waste banks. The city then built composting centres."),
    both("takakura-composting", "lesson",
         ("Home composting with the Takakura method: lessons from scaling up",
          "Why a cheap composting basket spread to tens of thousands of households in Asian cities, and "
          "where it stalled.",
          "It spread where starters were made locally, volunteers visited new users and farmers bought the "
          "compost; it stalled where kitchen waste was not collected separately."),
         ("高倉式コンポストの普及から学んだこと",
          "安価な堆肥化容器がアジアの都市で数万世帯に広がった理由と、普及が止まった場面を振り返ります。",
          "生ごみの分別回収と、できた堆肥の使い道を一緒に整えることが鍵でした。")),
    ja("kitakyushu-green-growth", "report",
       "北九州市：公害の克服から環境モデル都市へ",
       "かつて「七色の煙」と呼ばれた大気汚染と「死の海」とされた洞海湾を、市民・企業・行政の協力で再生し、"
       "グリーン成長へと舵を切った北九州市の歩みをまとめた報告書です。",
       "1960年代の深刻な公害に対し、婦人会の運動をきっかけに企業との公害防止協定が結ばれました。その後は"
       "エコタウン事業でリサイクル産業を集め、2008年に環境モデル都市に選ばれました。培った技術と人材は"
       "アジアの都市への国際協力にも生かされています。"),
    en("waste-to-energy-guide", "guide",
       "Landfill, composting or waste-to-energy? A guide for mid-size cities",
       "How to compare the cost, emissions and risks of ways to treat municipal solid waste, and what to ask "
       "before signing a contract for an incinerator.",
       "Begin with a survey of what the waste is made of: when more than half is wet kitchen waste, an "
       "incinerator burns poorly. The guide covers sanitary landfills, separate collection, markets for "
       "recycling, gate fees and contracts with private operators."),
    ja("marine-plastics", "knowledge_note",
       "海洋プラスチックごみを川の上流で止める",
       "海に流れ出るプラスチックの多くは、まちのごみが川を通って運ばれたものです。回収網の設置と清掃活動、"
       "ごみ収集の改善を組み合わせた取組を紹介します。",
       "清掃活動で拾った量を記録すると、どこから出ているのかを突き止める手がかりにもなります。"),

    # --- smart city (Yokohama) --------------------------------------------------------------
    en("yokohama-smart-city", "case_study",
       "Yokohama Smart City Project: homes, offices and cars that manage energy together",
       "A five-year demonstration with thousands of households, commercial buildings and electric vehicles "
       "tested energy management and demand response in an existing city.",
       "Homes got solar panels, home energy management systems and smart meters; offices used building "
       "energy management and large batteries. At peak hours the system asked users to cut demand and paid "
       "them for it. The project showed that a smart city can be fitted into neighbourhoods that already exist."),
    both("y-port", "report",
         ("Y-PORT: sharing Yokohama's urban solutions with cities in Asia",
          "How Yokohama works with local companies, JICA and the World Bank to offer planning, water and waste "
          "know-how to partner cities in the Philippines, Viet Nam and Thailand.",
          "Y-PORT pairs agreements between cities with business matching, so that training leads on to "
          "investment."),
         ("Y-PORT事業：横浜の都市づくりの経験をアジアの都市へ",
          "横浜市が市内の企業やJICA、世界銀行と組み、フィリピンやベトナム、タイの都市に都市計画や上下水道、"
          "廃棄物の技術を届ける仕組みを紹介します。",
          "都市間の協定と企業のビジネスマッチングを組み合わせ、研修から投資へとつなげています。")),
    en("city-data-dashboard", "toolkit",
       "A city data dashboard in twelve weeks",
       "A toolkit for publishing open data on buses, waste collection and residents' service requests on one "
       "public dashboard, with templates for data-sharing agreements.",
       "Start from the questions residents and managers ask, not from the data you happen to hold. Includes "
       "a data inventory sheet, licences, a privacy checklist and sample code for the maps."),

    # --- renewable energy and storage (Koriyama–Essen) ------------------------------------------
    en("koriyama-essen-plan", "action_plan",
       "Koriyama and Essen: a joint action plan on renewable energy and storage",
       "Under the International Urban Cooperation programme the two cities agreed pilot projects on solar "
       "power, energy efficiency in public buildings and storing surplus renewable electricity.",
       "Essen brings its experience of moving from coal and steel to a green economy; Koriyama, in Fukushima "
       "Prefecture, wants local renewable sources to cover more of its demand. Storage is the hardest part: "
       "the plan tests batteries at schools and hydrogen made from surplus solar power, and sets up exchanges "
       "between the two cities' utilities and universities."),
    ja("koriyama-energy", "knowledge_note",
       "郡山市の再生可能エネルギーと蓄電の取組",
       "福島県郡山市は、太陽光や小水力、バイオマスによる地域の電源を増やしながら、余った電気を蓄電池や水素で"
       "ためる実証を進めています。",
       "震災後のエネルギー転換を地域の産業振興と結びつけ、市内の大学や研究機関と協力しています。ドイツの"
       "エッセン市との都市間連携では、公共施設の省エネ改修についても情報を交換しています。"),
    en("essen-green-capital", "case_study",
       "Essen: from coal mining to European Green Capital",
       "How a Ruhr city turned mine sites and a polluted river into parks and cycle routes and became "
       "European Green Capital for 2017.",
       "The Emscher, for a century an open sewer, was restored. Old railway lines became cycle routes and "
       "colliery buildings became cultural venues. The city expanded district heating and set targets for "
       "cutting carbon emissions."),
    both("school-batteries", "guide",
         ("Batteries in public buildings: a guide to community energy storage",
          "Schools and community centres with solar panels can store power for the evening and for blackouts "
          "after a disaster; how to size, cost and buy the batteries.",
          "A battery big enough for half a day keeps lights, phone charging and water pumps running in a "
          "school that serves as an evacuation shelter."),
         ("公共施設への蓄電池導入の手引き",
          "太陽光パネルのある学校や公民館に蓄電池を置けば、夜間の電力や災害時の停電に備えられます。容量の"
          "決め方、費用、調達の方法をまとめました。",
          "避難所になる学校では、照明や携帯電話の充電、給水ポンプを半日動かせる容量が目安です。")),

    # --- circular economy, urban–rural (Nagano/Obuse–Turku) -------------------------------------
    en("obuse-nagano-turku-plan", "action_plan",
       "Obuse, Nagano and Turku: an urban–rural circular economy action plan",
       "A small chestnut-growing town, its neighbouring city and a Finnish port city set out how food, water "
       "and energy can move in loops between farms and the city.",
       "Turku shares its roadmap towards a carbon-neutral, resource-wise city; Obuse tests turning orchard "
       "prunings and food scraps into energy and compost; Nagano links farmers with school kitchens. The "
       "plan sets indicators for the food–water–energy nexus and study visits in both directions."),
    ja("obuse-resources", "case_study",
       "小布施町：栗のまちの資源をめぐらせる",
       "長野県小布施町では、栗や果樹の剪定枝、家庭の生ごみを堆肥や燃料に変え、町の中で資源をめぐらせる"
       "取組を住民とともに進めています。",
       "人口一万人ほどの町ですが、観光と農業を結びつけたまちづくりで知られます。堆肥は地元の農家が使い、"
       "とれた農産物は町内の店に並びます。フィンランドのトゥルク市とは、持続可能な生産と消費について学び合っています。"),
    en("turku-carbon-neutral", "knowledge_note",
       "Turku's route to carbon neutrality by 2029",
       "The Finnish city's climate plan combines district heating from bioenergy and heat pumps, a circular "
       "economy roadmap and a new tram line.",
       "The city's energy company has stopped burning coal, and new districts are planned to share materials "
       "and energy. Progress is reported every year."),
    ja("school-food-loss", "knowledge_note",
       "給食と家庭の食品ロスを減らす",
       "学校給食の食べ残しと家庭の食品ロスを量って見える化し、献立の工夫やフードバンクとの連携で減らした"
       "自治体の取組を紹介します。",
       "残した量を毎日量るだけでも、子どもたちの意識が変わります。"),

    # --- participatory social innovation (Kamakura–Umeå) ----------------------------------------
    en("kamacon", "case_study",
       "Kamacon: a monthly brainstorm that turned Kamakura's residents into project makers",
       "Local companies, residents and city staff meet every month; each pitches a project and everyone "
       "joins one to help. Dozens of projects have come out of it.",
       "Kamacon began among internet companies based in Kamakura. The rules are simple: say yes to ideas, "
       "build on them and ask for help in public. Projects range from disaster-preparedness apps to beach "
       "clean-ups and support for local shops. City hall takes part as one participant among many, which "
       "breaks down the walls between its departments."),
    ja("kamacon-howto", "guide",
       "カマコン式ブレインストーミングの始め方",
       "鎌倉で毎月開かれている、市民や企業がプロジェクトを発表し、参加者みんなで応援する会議の進め方を、"
       "ほかの地域でも使えるようにまとめました。",
       "進行役は否定せず、アイデアに「乗っかる」ことを促します。発表は一人三分、その後は関心のあるプロジェクトの"
       "テーブルに分かれて次の一歩を決めます。市役所の職員も一参加者として加わり、部署の壁を越えた協働が生まれます。"),
    both("umecon", "lesson",
         ("From Kamacon to Umecon: adapting a Japanese brainstorming format in Umeå",
          "Umeå in northern Sweden tried Kamakura's silo-breaking meetings as town meetings where residents "
          "and local groups look for answers to local challenges together.",
          "The short pitches and the rule of building on each other's ideas travelled well; the meetings moved "
          "to libraries and schools, and the city trained facilitators from local associations."),
         ("カマコンからウメコンへ：スウェーデン・ウメオ市での応用",
          "鎌倉の部署の壁を越える会議の形を、ウメオ市が住民と地域の団体による課題解決のタウンミーティングとして"
          "取り入れました。",
          "短い発表と、他人のアイデアに乗っかるルールはそのまま通用しました。")),
    en("participatory-budgeting", "knowledge_note",
       "Participatory budgeting: residents decide part of the city budget",
       "Residents propose and vote on small investments in their own districts; rules, turnout and what "
       "happens when promises are broken.",
       "Begun in Porto Alegre in 1989 and now used in thousands of cities, it works best when the amount is "
       "real and the results are reported back to the people who voted."),

    # --- ageing and population decline --------------------------------------------------------
    ja("shrinking-city-management", "report",
       "人口減少時代の都市経営：縮退する都市の選択肢",
       "人口が減り続ける地方都市が、公共施設の統廃合や空き家の活用、近隣自治体との行政サービスの連携によって、"
       "暮らしの質を保つための選択肢を整理した報告書です。",
       "人口減少は税収の減少と高齢化を同時にもたらします。すべての地区を同じように維持するのではなく、拠点を"
       "絞って交通でつなぐことが求められます。"),
    en("barrier-free-streets", "guide",
       "Streets and buses for an ageing society: a barrier-free design guide",
       "Low-floor buses, benches every few hundred metres, step-free crossings and clear signs let older "
       "people and wheelchair users get around on their own.",
       "Japanese law requires step-free access at busy stations. The guide has checklists for pavements, "
       "bus stops and public toilets, and shows how to walk the streets with older residents to find problems."),
    ja("integrated-care", "toolkit",
       "地域包括ケアシステムづくりのツールキット",
       "高齢者が住み慣れた地域で暮らし続けられるよう、医療、介護、予防、住まい、生活支援を一体で届ける仕組みを"
       "市町村がつくるための資料集です。",
       "地域ケア会議の進め方、民生委員やボランティアとの連携、認知症の人と家族を支える取組の事例を収めています。"),
    en("eu-japan-demography", "report",
       "Demographic change in European and Japanese regions: a joint study",
       "A 2021 study of how cities and rural areas in the EU and Japan respond to ageing, falling birth rates "
       "and people moving away, with case studies from both sides.",
       "Shrinking regions in both face the same choices: which services to keep, how to attract newcomers and "
       "how to keep small towns liveable. The study recommends planning openly for decline and sharing "
       "services between neighbouring municipalities."),
    en("vacant-house-bank", "knowledge_note",
       "Vacant house banks: matching empty homes in shrinking towns with newcomers",
       "Municipalities list abandoned houses online, help owners repair them and match them with families "
       "moving out of big cities.",
       "Japan has millions of empty homes. A vacant house bank works when the town also offers work, "
       "renovation grants and a person who welcomes the newcomers."),

    # --- non-revenue water -------------------------------------------------------------------
    en("phnom-penh-water", "case_study",
       "Phnom Penh's water utility: from heavy losses to one of Asia's best performers",
       "With training from Kitakyushu's water bureau, the Phnom Penh Water Supply Authority cut non-revenue "
       "water by finding leaks, replacing meters and ending illegal connections.",
       "In the early 1990s most of the water the utility produced was lost or never billed. Engineers from "
       "Kitakyushu taught leak detection, pressure management and how to split the network into metered "
       "blocks. Losses fell below a tenth, and the city now has safe water around the clock."),
    ja("leak-survey", "toolkit",
       "漏水調査と無収水削減の手引き",
       "配水管からの漏水やメーターの不具合、不正な接続によって料金収入にならない水（無収水）を減らすための"
       "調査方法と、改善計画の立て方をまとめました。",
       "夜間の最小流量を測って漏水の多い区域を絞り込み、音聴棒や相関式の探知器で漏れている場所を特定します。"
       "水道事業体の職員研修の教材としても使えます。"),
    en("district-metering", "knowledge_note",
       "District metered areas: seeing where the water goes",
       "Splitting a distribution network into blocks with a flow meter at each entrance shows which blocks "
       "lose water at night, so that leak crews know where to look.",
       "A block usually has one to three thousand connections. Pressure loggers and smart meters send "
       "readings every fifteen minutes to the control room."),

    # --- port regeneration -------------------------------------------------------------------
    en("minato-mirai", "case_study",
       "Minato Mirai 21: turning Yokohama's shipyards into a waterfront district",
       "A shipyard and rail yards beside the port became offices, homes, parks and a convention centre over "
       "thirty years; how the city coordinated land readjustment and private investment.",
       "Yokohama moved the shipyard, reclaimed land and kept old docks and brick warehouses as public places. "
       "Building heights step down towards the sea. The district now draws tens of millions of visitors a year."),
    ja("harbour-warehouses", "report",
       "港町の再生：古い倉庫群を交流の拠点に",
       "使われなくなった港の倉庫を保存・改修し、商業や文化の施設、広場として生かしたウォーターフロント再開発の"
       "事例を、運営の仕組みとあわせて紹介します。",
       "横浜の赤レンガ倉庫や函館の金森倉庫群は、歴史ある建物を生かした港湾地区の再生の例です。港の機能が移った"
       "後も、市民が海辺に近づける空間をつくることが大切です。"),

    # --- distractors ----------------------------------------------------------------------------
    en("kamaishi-rugby-stadium", "case_study",
       "A rugby stadium on the site of a school lost to the tsunami",
       "Kamaishi, the town of iron, fish and rugby, built the Recovery Memorial Stadium for the 2019 Rugby "
       "World Cup where a primary and a junior high school once stood.",
       "The stadium is small and partly temporary; its seats were made with wood from nearby forests. Local "
       "volunteers ran the matches and the town's hotels hosted visiting fans."),
    en("sister-city-exchanges", "report",
       "Forty years of sister-city student exchanges",
       "What pairs of Japanese and American towns got out of sending pupils to each other every summer, and "
       "why many of the partnerships became dormant.",
       "Exchanges survived where families hosted visitors and a local association kept contact between visits."),
    en("intercity-networks", "report",
       "Intercity networks in Asia: what member cities get out of them",
       "A review of networks that help local governments share knowledge and build capacity, and of why few "
       "of them help members shape national policy.",
       "Networks with a rotating presidency and more than one source of money were the most open and stable."),
    ja("municipal-bonds", "guide",
       "地方債と自治体財政の健全化",
       "公共施設の建て替えに必要な資金を地方債でまかなう際の考え方と、将来の負担を見える化する指標を解説します。",
       "起債の前に、施設の利用見込みと維持管理費を長期で試算しておくことが欠かせません。"),
    ja("cycle-lanes", "knowledge_note",
       "自転車通行空間の整備",
       "車道の左端に自転車の走る場所を色で示し、交差点での事故を減らした都市の整備例を紹介します。",
       "通勤や通学で自転車を使う人が増えるほど、道路の設計を見直す効果が大きくなります。"),
    en("kanazawa-townscape", "guide",
       "Keeping a historic townscape: Kanazawa's preservation districts",
       "Rules on facades, signs and colours, and grants for repairing wooden merchant houses, kept the old "
       "streets of Kanazawa alive while new buildings went up around them.",
       "The city pays part of the cost of traditional repairs and trains local carpenters."),
    en("electric-buses", "knowledge_note",
       "Electric buses for a city fleet: charging and running costs",
       "What a municipal operator needs to know before replacing diesel buses: depot charging, range in "
       "winter and the price of spare parts.",
       "Overnight charging at the depot suits most routes; longer routes need chargers at the terminus."),
    ja("inbound-tourism", "knowledge_note",
       "観光によるまちのにぎわいづくり",
       "外国人旅行者の受け入れ環境を整え、地元の食や祭りを体験できるツアーで滞在時間を延ばした地方都市の取組です。",
       "案内表示の多言語化と、地元の事業者が連携した予約の仕組みづくりが鍵になりました。"),
    en("women-in-councils", "knowledge_note",
       "More women in local councils",
       "Quotas on party lists, childcare during meetings and evening sessions raised the share of women "
       "elected to municipal councils.",
       "Councils that changed their meeting hours kept more of their newly elected members."),
)


TOYAMA = {"toyama-compact-city": 2, "toyama-tod-guide": 2, "toyama-deep-dive": 2, "toyama-outing-pass": 1,
          "shrinking-city-management": 1}
TSUNAMI = {"kamaishi-tsunami": 2, "banda-aceh-tsunami": 2, "kamaishi-aceh-triangle": 2, "tsunami-stones-video": 2,
           "kamaishi-rugby-stadium": 1, "evacuation-drills": 1}
SEISMIC = {"kobe-seismic": 2, "kobe-taishin": 2}
RENEWABLES = {"koriyama-essen-plan": 2, "koriyama-energy": 2, "school-batteries": 1, "toyama-small-hydro": 1,
              "turku-carbon-neutral": 1}
NRW = {"phnom-penh-water": 2, "leak-survey": 2, "district-metering": 2}
PORTS = {"minato-mirai": 2, "harbour-warehouses": 2}
AGEING = {"barrier-free-streets": 2, "integrated-care": 2, "toyama-outing-pass": 2, "eu-japan-demography": 1,
          "shrinking-city-management": 1, "kamaishi-open-city": 1}

#: The cities the corpus speaks of, as the places directory names them (URL name, country, English,
#: Japanese): the library searches a place's names across scripts.
PLACES: tuple[tuple[str, str, str, str], ...] = (
    ("toyama", "JP", "Toyama", "富山市"), ("kamaishi", "JP", "Kamaishi", "釜石市"),
    ("kobe", "JP", "Kobe", "神戸市"), ("kitakyushu", "JP", "Kitakyushu", "北九州市"),
    ("yokohama", "JP", "Yokohama", "横浜市"), ("koriyama", "JP", "Koriyama", "郡山市"),
    ("nagano", "JP", "Nagano", "長野市"), ("obuse", "JP", "Obuse", "小布施町"),
    ("kamakura", "JP", "Kamakura", "鎌倉市"), ("kanazawa", "JP", "Kanazawa", "金沢市"),
    ("banda-aceh", "ID", "Banda Aceh", "バンダアチェ市"), ("jakarta", "ID", "Jakarta", "ジャカルタ"),
    ("surabaya", "ID", "Surabaya", "スラバヤ市"), ("phnom-penh", "KH", "Phnom Penh", "プノンペン"),
    ("essen", "DE", "Essen", "エッセン市"), ("turku", "FI", "Turku", "トゥルク市"),
    ("umea", "SE", "Umeå", "ウメオ市"),
)

QUERIES: tuple[Query, ...] = (
    Query("compact city", TOYAMA),
    Query("コンパクトシティ", TOYAMA, crosslingual=True, note="Toyama's English case study has no Japanese"),
    Query("tsunami", TSUNAMI, crosslingual=True, note="Kamaishi's case study is only in Japanese"),
    Query("津波", TSUNAMI, note="two-character Japanese word"),
    Query("tsunami recovery Banda Aceh", {"banda-aceh-tsunami": 2, "kamaishi-aceh-triangle": 2,
                                          "kamaishi-tsunami": 1, "tsunami-stones-video": 1}),
    Query("earthquake resistant buildings", SEISMIC),
    Query("耐震", SEISMIC, note="two-character Japanese word"),
    Query("防災", {"kamaishi-tsunami": 2, "evacuation-drills": 2, "kamaishi-aceh-triangle": 2, "kobe-taishin": 1,
                 "kobe-seismic": 1, "banda-aceh-tsunami": 1, "school-batteries": 1, "jakarta-floods": 1,
                 "tsunami-stones-video": 1}, note="two-character Japanese word"),
    Query("solid waste management", {"kitakyushu-surabaya-waste": 2, "waste-to-energy-guide": 2,
                                     "takakura-composting": 1, "kitakyushu-green-growth": 1, "marine-plastics": 1}),
    Query("ごみ 分別", {"takakura-composting": 2, "kitakyushu-surabaya-waste": 2, "waste-to-energy-guide": 1,
                      "marine-plastics": 1, "obuse-resources": 1}),
    Query("recyling", {"kitakyushu-surabaya-waste": 2, "kitakyushu-green-growth": 2, "waste-to-energy-guide": 1,
                       "takakura-composting": 1, "obuse-resources": 1}, note="typo"),
    Query("smart city", {"yokohama-smart-city": 2, "city-data-dashboard": 1, "y-port": 1}),
    Query("スマートシティ", {"yokohama-smart-city": 2, "city-data-dashboard": 1, "y-port": 1}, crosslingual=True),
    Query("energy storage", {"koriyama-essen-plan": 2, "koriyama-energy": 2, "school-batteries": 2,
                             "yokohama-smart-city": 1}),
    Query("renewabel energy", RENEWABLES, note="typo"),
    Query("再生可能エネルギー", RENEWABLES),
    Query("circular economy urban rural", {"obuse-nagano-turku-plan": 2, "obuse-resources": 2,
                                           "turku-carbon-neutral": 1, "school-food-loss": 1}),
    Query("循環経済", {"obuse-nagano-turku-plan": 2, "obuse-resources": 2, "turku-carbon-neutral": 1,
                     "school-food-loss": 1}, note="no product uses the word"),
    Query("Kamacon", {"kamacon": 2, "kamacon-howto": 2, "umecon": 2}),
    Query("citizens brainstorming together", {"kamacon": 2, "kamacon-howto": 2, "umecon": 2,
                                              "participatory-budgeting": 1}, note="paraphrase"),
    Query("市民参加", {"participatory-budgeting": 2, "kamacon": 2, "kamacon-howto": 2, "umecon": 2}),
    Query("non-revenue water", NRW),
    Query("無収水", NRW),
    Query("port regeneration", PORTS),
    Query("港湾 再開発", PORTS),
    Query("ageing population", AGEING),
    Query("高齢化", AGEING),
    Query("shrinking cities", {"shrinking-city-management": 2, "vacant-house-bank": 2, "eu-japan-demography": 2}),
    Query("空き家", {"vacant-house-bank": 2, "shrinking-city-management": 1}, crosslingual=True),
    Query("connected population", {"kamaishi-open-city": 2}, crosslingual=True),
    Query("community-based integrated care", {"integrated-care": 2}, crosslingual=True),
    Query("small hydropower irrigation", {"toyama-small-hydro": 2, "koriyama-energy": 1}, crosslingual=True),
    Query("参加型予算", {"participatory-budgeting": 2}, crosslingual=True),
    Query("洪水対策", {"jakarta-floods": 2, "evacuation-drills": 1}, crosslingual=True),
    # The encoder does not tie a place name in Latin letters to the same name in kanji (cosine about
    # 0.05 with 釜石): the places' names do.
    Query("Kamaishi", {"kamaishi-tsunami": 2, "kamaishi-open-city": 2, "kamaishi-aceh-triangle": 2,
                       "kamaishi-rugby-stadium": 2, "banda-aceh-tsunami": 1}, crosslingual=True,
          note="place name across scripts"),
)


# --- metrics ------------------------------------------------------------------------------------

def dcg(gains: Iterable[int], k: int = K) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(list(gains)[:k]))


def ndcg(ranked: Sequence[str], labels: dict[str, int], k: int = K) -> float:
    """nDCG@k: gain 2^rel − 1, discount log2(rank + 1), the ideal from the labels themselves."""
    ideal = dcg(sorted(labels.values(), reverse=True), k)
    return dcg((labels.get(slug, 0) for slug in ranked), k) / ideal if ideal else 0.0


def recall(ranked: Sequence[str], labels: dict[str, int], k: int = K) -> float:
    relevant = {slug for slug, grade in labels.items() if grade > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], labels: dict[str, int], k: int = K) -> float:
    for i, slug in enumerate(ranked[:k]):
        if labels.get(slug, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


@dataclass
class ModeScores:
    ndcg: float
    recall: float
    mrr: float
    per_query: dict[str, float] = field(default_factory=dict)
    rankings: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self, *, per_query: bool = False) -> dict:
        out = {"ndcg@10": round(self.ndcg, 3), "recall@10": round(self.recall, 3), "mrr@10": round(self.mrr, 3)}
        if per_query:
            out["per_query_ndcg@10"] = {q: round(v, 3) for q, v in self.per_query.items()}
        return out


def evaluate(ranker: Callable[[str, str], list[str]], *, queries: Sequence[Query] = QUERIES,
             modes: Sequence[str] = MODES) -> dict[str, ModeScores]:
    """Mean nDCG@10, recall@10 and MRR@10 per mode; ``ranker(query, mode)`` returns the slugs of
    the first ten results."""
    out = {}
    for mode in modes:
        rankings = {q.text: list(ranker(q.text, mode))[:K] for q in queries}
        scores = [(ndcg(rankings[q.text], q.labels), recall(rankings[q.text], q.labels),
                   reciprocal_rank(rankings[q.text], q.labels)) for q in queries]
        n = max(1, len(scores))
        out[mode] = ModeScores(ndcg=sum(s[0] for s in scores) / n, recall=sum(s[1] for s in scores) / n,
                               mrr=sum(s[2] for s in scores) / n,
                               per_query={q.text: s[0] for q, s in zip(queries, scores, strict=True)},
                               rankings=rankings)
    return out


def search_ranker(viewer) -> Callable[[str, str], list[str]]:
    """The library's own search service as a ranker."""
    from renkei.knowledge.search.service import search

    def rank(query: str, mode: str) -> list[str]:
        return [hit.product.slug for hit in search(viewer=viewer, query=query, mode=mode, page_size=K).hits]

    return rank


def halves(queries: Sequence[Query] = QUERIES) -> tuple[tuple[Query, ...], tuple[Query, ...]]:
    """Two halves of the queries (alternating), for tuning on one and checking on the other."""
    return tuple(queries[0::2]), tuple(queries[1::2])


def other_language_targets(query: Query, docs: Sequence[Doc] = CORPUS) -> list[str]:
    """The highly relevant products written only in the language the query is not in."""
    only_other = {d.slug for d in docs if query.language not in d.languages}
    return [slug for slug, grade in query.labels.items() if grade == 2 and slug in only_other]


# --- loading ------------------------------------------------------------------------------------

def product_data(doc: Doc) -> dict:
    data = {"kind": doc.kind, "title": doc.title, "summary": doc.summary, "body": doc.body, "status": "published"}
    if doc.video_url:
        data["video_url"] = doc.video_url
    return {**data, "slug": doc.slug}


def load_corpus(create: Callable[[dict], object] | None = None) -> int:
    """Every product of the corpus created through the library's service (published, public) and
    indexed; ``create(data)`` may replace the plain service call (tests run the commit hooks)."""
    from renkei.accounts.permissions import SYSTEM
    from renkei.knowledge import services
    from renkei.knowledge.models import Product
    from renkei.knowledge.search.indexing import index_products
    from renkei.places.models import Place

    for slug, country, name_en, name_ja in PLACES:
        Place.objects.get_or_create(slug=slug, defaults={"country": country, "name_en": name_en, "name_ja": name_ja,
                                                         "level": "city"})
    for doc in CORPUS:
        data = product_data(doc)
        if create is not None:
            create(data)
        else:
            services.product_create(actor=SYSTEM, data=data)
    slugs = [d.slug for d in CORPUS]
    index_products(Product.objects.filter(slug__in=slugs).values_list("pk", flat=True))
    return len(slugs)


def check_labels() -> None:
    """Every label names a product of the corpus, with a grade of 1 or 2."""
    slugs = {d.slug for d in CORPUS}
    assert len(slugs) == len(CORPUS), "duplicate slugs"
    for q in QUERIES:
        unknown = set(q.labels) - slugs
        assert not unknown, f"{q.text}: unknown products {unknown}"
        assert all(g in (1, 2) for g in q.labels.values()), q.text
        assert any(g == 2 for g in q.labels.values()), q.text
        if q.crosslingual:
            assert other_language_targets(q), f"{q.text}: nothing only in the other language"
