"""Engine fixtures: a small hand-written world, and Renkei's shipped taxonomy and demo places read
as plain JSON (no database)."""

import json
from functools import lru_cache
from pathlib import Path

from renkei.engine.themes import ThemeSpace
from renkei.engine.types import PlaceProfile, Statement, ThemeNode

DATA = Path(__file__).resolve().parents[2] / "data"
LANG = {"JP": "ja", "ID": "id", "DE": "de", "FI": "fi", "SE": "sv", "PH": "en", "VN": "vi", "TH": "th"}

# -- a small hand-written world ---------------------------------------------------------------------
T = {  # code: id
    "urban-planning": 1, "compact-city": 2, "housing": 3,
    "disaster-risk": 10, "tsunami-reconstruction": 11, "post-disaster-reconstruction": 12, "early-warning": 13,
    "flood-management": 14,
    "demographic-change": 20, "ageing-accessibility": 21, "population-decline": 22,
    "mobility": 30, "public-transport": 31,
    "environment": 40, "solid-waste": 41, "nature-based-solutions": 42,
    "climate-energy": 50, "renewable-energy": 51, "energy-storage": 52,
    "governance": 60, "city-revitalisation": 61, "peer-learning": 62,
}


def _theme(code, parent=None, related=(), en="", ja="", syn_en=(), syn_ja=()):
    return ThemeNode(id=T[code], code=code, parent_id=T[parent] if parent else None,
                     related=tuple(T[r] for r in related), name_en=en, name_ja=ja, synonyms_en=tuple(syn_en),
                     synonyms_ja=tuple(syn_ja))


SMALL_THEMES = (
    _theme("urban-planning", en="Urban planning", ja="都市計画", syn_en=["land use", "zoning"]),
    _theme("compact-city", "urban-planning", ["public-transport", "ageing-accessibility", "population-decline"],
           "Compact city", "コンパクトシティ", ["transit-oriented development", "TOD"], ["集約型都市構造"]),
    _theme("housing", "urban-planning", en="Housing", ja="住宅", syn_en=["affordable housing"], syn_ja=["空き家"]),
    _theme("disaster-risk", en="Disaster risk reduction", ja="防災・減災", syn_en=["DRR", "natural hazards"],
           syn_ja=["防災"]),
    _theme("tsunami-reconstruction", "disaster-risk", ["post-disaster-reconstruction"], "Tsunami recovery",
           "津波からの復興", ["tsunami", "seawall"], ["津波", "防潮堤"]),
    _theme("post-disaster-reconstruction", "disaster-risk", ["tsunami-reconstruction"], "Post-disaster reconstruction",
           "災害復興", ["reconstruction", "build back better"], ["復興"]),
    _theme("early-warning", "disaster-risk", en="Early warning and evacuation", ja="早期警報・避難",
           syn_en=["evacuation", "early warning"], syn_ja=["避難"]),
    _theme("flood-management", "disaster-risk", en="Flood management", ja="洪水対策", syn_en=["flood", "drainage"],
           syn_ja=["洪水", "治水"]),
    _theme("demographic-change", en="Demographic change", ja="人口動態の変化"),
    _theme("ageing-accessibility", "demographic-change", ["compact-city"], "Ageing society", "高齢化",
           ["ageing", "elderly"], ["高齢化", "高齢者"]),
    _theme("population-decline", "demographic-change", ["city-revitalisation", "compact-city"], "Population decline",
           "人口減少", ["shrinking city", "depopulation"], ["人口減少", "過疎"]),
    _theme("mobility", en="Mobility", ja="交通"),
    _theme("public-transport", "mobility", ["compact-city"], "Public transport", "公共交通",
           ["public transit", "light rail", "LRT", "bus"], ["公共交通", "路面電車", "バス"]),
    _theme("environment", en="Environment", ja="環境"),
    _theme("solid-waste", "environment", en="Solid waste", ja="廃棄物管理", syn_en=["waste management", "garbage",
                                                                                    "landfill", "recycling"],
           syn_ja=["ごみ", "ゴミ", "廃棄物", "リサイクル"]),
    _theme("nature-based-solutions", "environment", en="Nature-based solutions", ja="グリーンインフラ",
           syn_en=["green infrastructure"], syn_ja=["グリーンインフラ"]),
    _theme("climate-energy", en="Climate and energy", ja="気候・エネルギー"),
    _theme("renewable-energy", "climate-energy", ["energy-storage"], "Renewable energy", "再生可能エネルギー",
           ["solar", "wind power"], ["再エネ", "太陽光"]),
    _theme("energy-storage", "climate-energy", ["renewable-energy"], "Energy storage", "蓄電",
           ["battery storage", "hydrogen"], ["蓄電池", "水素"]),
    _theme("governance", en="Governance", ja="地方行政"),
    _theme("city-revitalisation", "governance", ["population-decline"], "City revitalisation", "地方創生",
           ["revitalisation", "revitalization"], ["地方創生", "活性化"]),
    _theme("peer-learning", "governance", en="Peer learning", ja="相互学習", syn_en=["study tour"], syn_ja=["視察"]),
)


def S(code: str, weight: int, text: str = "") -> Statement:
    return Statement(T[code], weight, text)


KAMAISHI = PlaceProfile(
    id=1, name="Kamaishi", name_ja="釜石市", country="JP", level="city", population=31_000, area_km2=440.3,
    share_65_plus=40.0, growth=-1.6, hazards=frozenset({"earthquake", "tsunami", "typhoon", "landslide"}),
    coastal=True, income_group="HIC", lat=39.27, lon=141.88, languages=frozenset({"ja"}),
    needs=(S("population-decline", 5, "Keeping the town alive while the population keeps falling"),
           S("ageing-accessibility", 4, "Care and services close to home for a very old population"),
           S("city-revitalisation", 5, "New jobs and businesses built on the ties made during the recovery"),
           S("post-disaster-reconstruction", 3, "Sustaining recovery over the long term after the tsunami")),
    expertise=(S("tsunami-reconstruction", 5, "A decade of rebuilding homes and community life after the 2011 tsunami"),
               S("early-warning", 4, "School disaster education: almost every child evacuated safely in 2011"),
               S("peer-learning", 3, "Cooperation projects with partner cities abroad")),
)
BANDA_ACEH = PlaceProfile(
    id=2, name="Banda Aceh", name_ja="バンダアチェ市", country="ID", level="city", population=262_000, area_km2=61.4,
    share_65_plus=4.5, growth=1.3, hazards=frozenset({"earthquake", "tsunami", "flood"}), coastal=True,
    income_group="UMC", lat=5.55, lon=95.32, languages=frozenset({"id"}),
    needs=(S("early-warning", 4, "Keeping evacuation drills alive for a generation with no memory of 2004"),
           S("solid-waste", 4, "Collecting a growing volume of household waste; the landfill is filling up"),
           S("flood-management", 3, "Drainage in a low-lying coastal city")),
    expertise=(S("tsunami-reconstruction", 5, "Community-based rebuilding of villages after the 2004 tsunami"),
               S("post-disaster-reconstruction", 4, "Coordinating hundreds of agencies during reconstruction")),
)
TOYAMA = PlaceProfile(
    id=3, name="Toyama", name_ja="富山市", country="JP", level="city", population=406_000, area_km2=1241.7,
    share_65_plus=30.5, growth=-0.6, hazards=frozenset({"earthquake", "flood", "landslide"}), coastal=True,
    income_group="HIC", lat=36.70, lon=137.21, languages=frozenset({"ja"}),
    needs=(S("city-revitalisation", 3, "Staying attractive to young people and investors"),),
    expertise=(S("compact-city", 5, "A compact city built on light rail, with housing steered towards the stops"),
               S("public-transport", 4, "Light rail and a downtown tram loop"),
               S("ageing-accessibility", 4, "Walkable centre and cheap fares for older residents"),
               S("solid-waste", 3, "Recycling industries in the Toyama Eco-Town")),
)
ESSEN = PlaceProfile(
    id=4, name="Essen", name_ja="エッセン市", country="DE", level="city", population=586_000, area_km2=210.3,
    share_65_plus=21.8, growth=0.3, hazards=frozenset({"flood", "heat"}), coastal=False, income_group="HIC",
    lat=51.46, lon=7.01, languages=frozenset({"de", "en"}),
    needs=(S("energy-storage", 4, "Storage and hydrogen for variable renewables"),
           S("flood-management", 3, "Handling heavy rain")),
    expertise=(S("urban-planning", 5, "Turning mines and coking plants into parks and business districts"),
               S("nature-based-solutions", 5, "Restoring rivers and a regional green infrastructure network"),
               S("renewable-energy", 4, "Energy transition planning with local energy companies")),
)
KITAKYUSHU = PlaceProfile(
    id=5, name="Kitakyushu", name_ja="北九州市", country="JP", level="city", population=920_000, area_km2=492.5,
    share_65_plus=31.6, growth=-0.8, hazards=frozenset({"flood", "landslide", "typhoon"}), coastal=True,
    income_group="HIC", lat=33.88, lon=130.88, languages=frozenset({"ja", "en"}),
    needs=(S("population-decline", 4, "Keeping young people in the city"),),
    expertise=(S("solid-waste", 5, "Waste separation and composting taught to partner cities across Asia"),
               S("renewable-energy", 3, "Offshore wind port")),
    partners=frozenset({6}),
)
SURABAYA = PlaceProfile(
    id=6, name="Surabaya", name_ja="スラバヤ市", country="ID", level="city", population=2_890_000, area_km2=335.3,
    share_65_plus=7.5, growth=0.6, hazards=frozenset({"flood", "heat"}), coastal=True, income_group="UMC",
    lat=-7.25, lon=112.75, languages=frozenset({"id", "en"}),
    needs=(S("public-transport", 4, "A tram and bus network for a congested city"),
           S("flood-management", 4, "Drainage for monsoon floods")),
    expertise=(S("solid-waste", 4, "Composting centres and waste banks run with communities"),
               S("nature-based-solutions", 3, "Mangrove parks on the coast")),
)
KOBE = PlaceProfile(
    id=7, name="Kobe", name_ja="神戸市", country="JP", level="city", population=1_510_000, area_km2=557.0,
    share_65_plus=29.2, growth=-0.5, hazards=frozenset({"earthquake", "tsunami", "flood", "landslide", "typhoon"}),
    coastal=True, income_group="HIC", lat=34.69, lon=135.20, languages=frozenset({"ja", "en"}),
    needs=(S("ageing-accessibility", 3, "Services for older residents in hillside neighbourhoods"),),
    expertise=(S("post-disaster-reconstruction", 5, "Rebuilding after the 1995 Great Hanshin earthquake"),
               S("early-warning", 4, "Community disaster-prevention groups")),
)
SMALL_WORLD = (KAMAISHI, BANDA_ACEH, TOYAMA, ESSEN, KITAKYUSHU, SURABAYA, KOBE)


def small_space() -> ThemeSpace:
    return ThemeSpace(SMALL_THEMES)


# -- the shipped taxonomy and demo ----------------------------------------------------------------
@lru_cache
def taxonomy() -> tuple[ThemeSpace, dict[str, int]]:
    rows = json.loads((DATA / "taxonomy" / "themes.json").read_text())
    ids = {row["code"]: n + 1 for n, row in enumerate(rows)}
    nodes = [
        ThemeNode(id=ids[r["code"]], code=r["code"], parent_id=ids.get(r["parent"]) if r["parent"] else None,
                  related=tuple(ids[c] for c in r["related"]), name_en=r["name_en"], name_ja=r["name_ja"],
                  synonyms_en=tuple(r["synonyms_en"]), synonyms_ja=tuple(r["synonyms_ja"]),
                  description=r.get("description_en", ""), description_ja=r.get("description_ja", ""))
        for r in rows
    ]
    return ThemeSpace(nodes), ids


@lru_cache
def demo_profiles() -> tuple[PlaceProfile, ...]:
    _space, ids = taxonomy()
    demo = json.loads((DATA / "demo" / "demo.json").read_text())
    out = []
    for n, row in enumerate(p for p in demo["places"] if p["level"] == "city"):
        out.append(PlaceProfile(
            id=n + 1, name=row["name"], name_ja=row.get("name_ja", ""), slug=row["slug"], country=row["country"],
            level=row["level"], population=row.get("population"), area_km2=row.get("area_km2"),
            share_65_plus=row.get("share_65_plus"), growth=row.get("population_growth"),
            hazards=frozenset(row.get("hazards", [])), coastal=row.get("coastal"),
            income_group=row.get("income_group", ""), lat=row.get("lat"), lon=row.get("lon"),
            languages=frozenset({LANG.get(row["country"], "en")}),
            needs=tuple(Statement(ids[s["theme"]] if s.get("theme") else None, s["priority"],
                                  s["description"].get("en", "")) for s in row["needs"]),
            expertise=tuple(Statement(ids[s["theme"]] if s.get("theme") else None, s["maturity"],
                                      s["description"].get("en", "")) for s in row["expertise"]),
        ))
    return tuple(out)


def by_slug(slug: str) -> PlaceProfile:
    return next(p for p in demo_profiles() if p.slug == slug)
