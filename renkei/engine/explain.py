"""Explanations: the strongest theme pairs and factors behind a score, in English and Japanese
(docs/algorithms/matching.md §8). Computed only for the results shown, from the profiles' own
statements, so they always name what actually produced the score."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from renkei.engine.features import FEATURES, PEER_SCALES, PEER_WEIGHTS, features_of
from renkei.engine.themes import ThemeSpace
from renkei.engine.types import Explanation, PlaceProfile, Weights


class Explained(Protocol):
    """What an explanation reads: the themes, the profiles by row, and distances between rows (the
    matching index provides them; explanations never import it)."""

    themes: ThemeSpace
    profiles: Sequence[PlaceProfile]

    def distance_km(self, a: int, b: int) -> float | None: ...

HAZARD_JA = {"earthquake": "地震", "tsunami": "津波", "flood": "洪水", "typhoon": "台風", "landslide": "土砂災害",
             "volcanic": "火山", "drought": "干ばつ", "heat": "猛暑"}
LANGUAGE_NAMES = {  # code: (English, Japanese)
    "en": ("English", "英語"), "ja": ("Japanese", "日本語"), "de": ("German", "ドイツ語"),
    "fr": ("French", "フランス語"), "es": ("Spanish", "スペイン語"), "pt": ("Portuguese", "ポルトガル語"),
    "it": ("Italian", "イタリア語"), "nl": ("Dutch", "オランダ語"), "sv": ("Swedish", "スウェーデン語"),
    "fi": ("Finnish", "フィンランド語"), "pl": ("Polish", "ポーランド語"), "id": ("Indonesian", "インドネシア語"),
    "vi": ("Vietnamese", "ベトナム語"), "th": ("Thai", "タイ語"), "zh": ("Chinese", "中国語"),
    "ko": ("Korean", "韓国語"), "mn": ("Mongolian", "モンゴル語"), "my": ("Burmese", "ミャンマー語"),
    "tl": ("Filipino", "フィリピノ語"),
}
MIN_GAIN = 0.05  # a theme pair counts when priority × similarity × maturity reaches this
AGEING_SHARE = 25.0  # % aged 65+ from which a place counts as ageing
SIMILAR_SIZE = 3.0  # populations within this factor count as similar


def people(n: float | None, language: str) -> str:
    """31000 → "31k" / "3.1万人"; 1510000 → "1.5M" / "151万人"."""
    if not n:
        return "?"
    if language == "ja":
        if n >= 10_000:
            man = n / 10_000
            text = f"{man:.1f}" if man < 100 else f"{man:,.0f}"
            return text.removesuffix(".0") + "万人"
        return f"{int(n):,}人"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}".removesuffix(".0") + "M"
    return f"{n / 1000:.0f}k" if n >= 1000 else f"{int(n)}"


def _lower_first(name: str) -> str:
    """"Compact city …" → "compact city …", but "ICT and …" stays."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _you_ja(profile: PlaceProfile) -> str:
    return {"country": "貴国", "region": "貴地域"}.get(profile.level, "貴市")


def _name_ja(profile: PlaceProfile) -> str:
    return profile.name_ja or profile.name


def _join_en(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def theme_pairs(index: Explained, needer: PlaceProfile, offerer: PlaceProfile, limit: int
                ) -> list[tuple[int, int, float, float]]:
    """(need theme id, expertise theme id, S, gain) for the needer's needs best answered by the
    offerer's expertise, strongest first; gain = priority/5 · S[i, j] · maturity/5 (the term of the
    fit's numerator)."""
    themes = index.themes
    known = themes.index
    need: dict[int, float] = {}
    for s in needer.needs:
        if s.theme_id in known:
            need[s.theme_id] = max(need.get(s.theme_id, 0.0), min(max(float(s.weight), 1.0), 5.0) / 5.0)
    offer: dict[int, float] = {}
    for s in offerer.expertise:
        if s.theme_id in known:
            offer[s.theme_id] = max(offer.get(s.theme_id, 0.0), min(max(float(s.weight), 1.0), 5.0) / 5.0)
    out = []
    for i, priority in need.items():
        best, best_j, best_s = 0.0, None, 0.0
        for j, maturity in offer.items():
            similarity = themes.sim(i, j)
            value = similarity * maturity
            if value > best or (value == best and best_j is not None and j < best_j and value > 0):
                best, best_j, best_s = value, j, similarity
        if best_j is not None and priority * best >= MIN_GAIN:
            out.append((i, best_j, best_s, priority * best))
    out.sort(key=lambda x: (-x[3], x[0]))
    return out[:limit]


def _pair_text(index: Explained, need_id: int, offer_id: int, needer: PlaceProfile, offerer: PlaceProfile,
               you: PlaceProfile | None) -> tuple[str, str]:
    themes = index.themes
    need_en, need_ja = _lower_first(themes.name(need_id, "en")), themes.name(need_id, "ja")
    offer_en, offer_ja = _lower_first(themes.name(offer_id, "en")), themes.name(offer_id, "ja")
    if you is not None and offerer.id == you.id:
        return (f"Your expertise in {offer_en} meets {needer.name}'s need for {need_en}",
                f"{_you_ja(you)}の「{offer_ja}」の知見が、「{need_ja}」に関する{_name_ja(needer)}のニーズに応えます")
    if you is not None and needer.id == you.id:
        return (f"{offerer.name}'s expertise in {offer_en} meets your need for {need_en}",
                f"{_name_ja(offerer)}の「{offer_ja}」の知見が、「{need_ja}」に関する{_you_ja(you)}のニーズに応えます")
    return (f"{offerer.name}'s expertise in {offer_en} meets {needer.name}'s need for {need_en}",
            f"{_name_ja(offerer)}の「{offer_ja}」の知見が、「{need_ja}」に関する{_name_ja(needer)}のニーズに応えます")


def explain(index: Explained, a: int, b: int, components: dict[str, float], weights: Weights | None = None, *,
            perspective: str = "you", limit: int = 5) -> tuple[Explanation, ...]:
    """Reasons why the place in row ``b`` scores for the place in row ``a``.

    ``perspective="you"`` speaks to A ("meets your need"); ``"named"`` names both (cohort tables).
    Theme pairs come first (up to two for A's needs, one for B's needs when the reverse direction
    counts), then the factors, in the order of their component's weight."""
    pa, pb = index.profiles[a], index.profiles[b]
    you = pa if perspective == "you" else None
    weight = (weights.as_dict() if weights is not None else dict.fromkeys(components, 1.0))
    out: list[Explanation] = []

    def pair_items(needer, offerer, count, code):
        for need_id, offer_id, similarity, gain in theme_pairs(index, needer, offerer, count):
            en, ja = _pair_text(index, need_id, offer_id, needer, offerer, you)
            out.append(Explanation(code, en, ja, {
                "component": "expertise" if needer.id == pa.id else "reverse",
                "needer": needer.id, "offerer": offerer.id,
                "need_theme": index.themes.by_id[need_id].code, "expertise_theme": index.themes.by_id[offer_id].code,
                "relation": index.themes.relation(need_id, offer_id), "similarity": round(similarity, 3),
                "gain": round(gain, 3)}))

    if components.get("expertise", 0) > 0 or components.get("mutual", 0) > 0:
        pair_items(pa, pb, 2, "expertise_meets_need")
    if components.get("reverse", 0) > 0 or components.get("mutual", 0) > 0:
        pair_items(pb, pa, 1, "you_can_offer" if you is not None else "expertise_meets_need")

    factors: list[tuple[float, int, Explanation]] = []  # (weight, order, item)

    def factor(component: str, item: Explanation) -> None:
        factors.append((weight.get(component, 0.0), len(factors), item))

    if components.get("peer", 0) > 0:
        for item in _context(pa, pb, you):
            factor("peer", item)
    if components.get("shared_needs", 0) >= 0.3:
        item = _shared_need(index, pa, pb, you, components["shared_needs"])
        if item is not None:
            factor("shared_needs", item)
    if components.get("text", 0) >= 0.5:
        if you:
            en, ja = ("Their own description of their expertise is close to what you wrote you need",
                      f"{_name_ja(pb)}の知見の記述が、{_you_ja(pa)}のニーズの記述と近い内容です")
        else:
            en, ja = (f"{pb.name}'s description of its expertise is close to {pa.name}'s stated needs",
                      f"{_name_ja(pb)}の知見の記述が、{_name_ja(pa)}のニーズの記述と近い内容です")
        factor("text", Explanation("similar_text", en, ja, {"component": "text", "value": components["text"]}))
    if components.get("offer_text", 0) >= 0.5:
        if you:
            en, ja = ("What they wrote they need is close to your own description of your expertise",
                      f"{_name_ja(pb)}のニーズの記述が、{_you_ja(pa)}の知見の記述と近い内容です")
        else:
            en, ja = (f"{pb.name}'s stated needs are close to {pa.name}'s description of its expertise",
                      f"{_name_ja(pb)}のニーズの記述が、{_name_ja(pa)}の知見の記述と近い内容です")
        factor("offer_text", Explanation("similar_text_offer", en, ja,
                                         {"component": "offer_text", "value": components["offer_text"]}))
    if components.get("language", 0) > 0:
        shared = sorted(pa.languages & pb.languages)
        names_en = [LANGUAGE_NAMES.get(x, (x, x))[0] for x in shared]
        names_ja = [LANGUAGE_NAMES.get(x, (x, x))[1] for x in shared]
        en = ("You share a working language" if you else "They share a working language") + f" ({', '.join(names_en)})"
        factor("language", Explanation("shared_language", en, f"共通の言語があります（{'・'.join(names_ja)}）",
                                       {"component": "language", "languages": shared}))
    if "distance" in components and weight.get("distance", 0) > 0:
        km = index.distance_km(a, b)
        if km is not None:
            rounded = int(round(km, -1 if km < 1000 else -2))
            factor("distance", Explanation("distance", f"About {rounded:,} km apart", f"距離は約{rounded:,}km",
                                           {"component": "distance", "km": round(km), "value": components["distance"]}))
    if components.get("ties", 0) > 0:
        en, ja = (("You already work together", "すでに協力関係があります") if you else
                  (f"{pa.name} and {pb.name} already work together",
                   f"{_name_ja(pa)}と{_name_ja(pb)}はすでに協力関係にあります"))
        factor("ties", Explanation("existing_tie", en, ja, {"component": "ties"}))

    factors.sort(key=lambda f: (-f[0], f[1]))
    out.extend(item for _w, _o, item in factors)
    if not out:
        out.append(Explanation("weak_match", "Few shared themes or conditions: a weak match",
                               "共通するテーマや条件が少なく、関連は弱い候補です", {}))
    return tuple(out[:limit])


def _shared_need(index: Explained, pa: PlaceProfile, pb: PlaceProfile, you: PlaceProfile | None,
                 value: float) -> Explanation | None:
    """The pair of needs (one of each place) that adds most to the shared-needs cosine."""
    themes = index.themes
    best = None
    for sa in pa.needs:
        for sb in pb.needs:
            if sa.theme_id in themes.index and sb.theme_id in themes.index:
                s = themes.sim(sa.theme_id, sb.theme_id)
                key = (s * min(max(sa.weight, 1), 5) * min(max(sb.weight, 1), 5), sa.theme_id == sb.theme_id,
                       -sa.theme_id, -sb.theme_id)
                if s > 0 and (best is None or key > best[0]):
                    best = (key, sa.theme_id, sb.theme_id)
    if best is None:
        return None
    i, j = best[1], best[2]
    a_en, a_ja = _lower_first(themes.name(i, "en")), themes.name(i, "ja")
    b_en, b_ja = _lower_first(themes.name(j, "en")), themes.name(j, "ja")
    params = {"component": "shared_needs", "theme": themes.by_id[i].code, "other_theme": themes.by_id[j].code,
              "value": value}
    if i == j:
        en = f"You both want to learn about {a_en}" if you else f"Both want to learn about {a_en}"
        return Explanation("shared_needs", en, f"ともに「{a_ja}」について学びたいと考えています", params)
    who_en, who_ja = ("Your", _you_ja(pa)) if you else (f"{pa.name}'s", _name_ja(pa))
    return Explanation("shared_needs", f"{who_en} need for {a_en} is close to {pb.name}'s need for {b_en}",
                       f"{who_ja}の「{a_ja}」と{_name_ja(pb)}の「{b_ja}」のニーズは近いテーマです", params)


FEATURE_NAMES = {  # index.FEATURES order: (English, Japanese)
    "log_population": ("population size", "人口規模"), "log_density": ("density", "人口密度"),
    "share_65_plus": ("share of older people", "高齢化率"), "growth": ("population trend", "人口の増減"),
    "coastal": ("coastal or inland setting", "沿岸・内陸の立地"), "income": ("income level", "所得水準"),
    "level": ("kind of government", "自治体の種類"),
}


def _similar_features(pa: PlaceProfile, pb: PlaceProfile) -> list[str]:
    """Context features on which the two places are close (closeness ≥ 0.75), heaviest first."""
    close = []
    for name, fa, fb, scale, weight in zip(FEATURES, features_of(pa), features_of(pb), PEER_SCALES, PEER_WEIGHTS,
                                           strict=True):
        if name != "level" and fa == fa and fb == fb:  # neither is NaN; two cities are no news
            closeness = 1.0 - min(abs(fa - fb) / scale, 1.0)
            if closeness >= 0.75:
                close.append((-weight * closeness, name))
    return [name for _k, name in sorted(close)[:3]]


def _context(pa: PlaceProfile, pb: PlaceProfile, you: PlaceProfile | None) -> list[Explanation]:
    """Shared hazards, shared demographic pressures and similar size: why solutions may transfer."""
    out = []
    order = {h: i for i, h in enumerate(HAZARD_JA)}
    shared = sorted(pa.hazards & pb.hazards, key=lambda h: (order.get(h, 99), h))[:3]
    if shared:
        en = f"Both know {_join_en(shared)} risk"
        ja = f"ともに{'・'.join(HAZARD_JA.get(h, h) for h in shared)}のリスクを知っています"
        out.append(Explanation("shared_hazards", en, ja, {"component": "peer", "hazards": shared}))
    ageing = (pa.share_65_plus or 0) >= AGEING_SHARE and (pb.share_65_plus or 0) >= AGEING_SHARE
    shrinking = (pa.growth if pa.growth is not None else 0) < 0 and (pb.growth if pb.growth is not None else 0) < 0
    size_en = size_ja = ""
    if pa.population and pb.population and max(pa.population, pb.population) / min(pa.population,
                                                                                    pb.population) <= SIMILAR_SIZE:
        size_en = f"similar size: {people(pa.population, 'en')} vs {people(pb.population, 'en')}"
        size_ja = f"人口規模が近い：{people(pa.population, 'ja')}と{people(pb.population, 'ja')}"
    params = {"component": "peer", "population": [pa.population, pb.population],
              "share_65_plus": [pa.share_65_plus, pb.share_65_plus], "growth": [pa.growth, pb.growth]}
    if ageing or shrinking:
        what_en = " and ".join(x for x, on in (("ageing", ageing), ("population decline", shrinking)) if on)
        what_ja = "と".join(x for x, on in (("高齢化", ageing), ("人口減少", shrinking)) if on)
        en = f"Both face {what_en}" + (f" ({size_en})" if size_en else "")
        ja = f"ともに{what_ja}に直面" + (f"（{size_ja}）" if size_ja else "")
        out.append(Explanation("shared_demography", en, ja, {**params, "ageing": ageing, "shrinking": shrinking}))
    elif size_en:
        out.append(Explanation("similar_size", size_en[0].upper() + size_en[1:], size_ja, params))
    if not out:
        close = _similar_features(pa, pb)
        if close:
            out.append(Explanation("similar_context",
                                   "Similar context: " + ", ".join(FEATURE_NAMES[f][0] for f in close),
                                   "似た条件：" + "、".join(FEATURE_NAMES[f][1] for f in close),
                                   {"component": "peer", "features": close}))
    return out
