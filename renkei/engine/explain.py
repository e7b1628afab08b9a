"""Explanations: the strongest theme pairs and factors behind a score, in English and Japanese."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from renkei.engine.types import Explanation

if TYPE_CHECKING:  # pragma: no cover
    from renkei.engine.index import MatchIndex

HAZARD_JA = {"earthquake": "地震", "tsunami": "津波", "flood": "洪水", "typhoon": "台風", "landslide": "土砂災害",
             "volcanic": "火山", "drought": "干ばつ", "heat": "猛暑"}


def people(n: float | None, language: str) -> str:
    if not n:
        return "?"
    if language == "ja":
        return f"{n / 10_000:.1f}万人".replace(".0万", "万") if n >= 10_000 else f"{int(n):,}人"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M".replace(".0M", "M")
    return f"{n / 1000:.0f}k" if n >= 1000 else f"{int(n)}"


def _pairs(index: MatchIndex, needer: int, offerer: int, limit: int) -> list[tuple[int, int, float]]:
    """(need theme column, expertise theme column, contribution), strongest first."""
    need = index.need[needer]
    offer = index.expertise[offerer]
    if not need.any() or not offer.any():
        return []
    products = index.themes.similarity * offer[None, :]  # [need theme, expertise theme]
    best = products.argmax(axis=1)
    gains = need * products[np.arange(len(need)), best]
    order = [i for i in np.argsort(-gains, kind="stable") if gains[i] > 0.05][:limit]
    return [(int(i), int(best[i]), float(gains[i])) for i in order]


def _theme_pair(index: MatchIndex, needer: int, offerer: int, i: int, j: int, *, you_need: bool) -> Explanation:
    themes = index.themes.themes
    need_en, need_ja = themes[i].name_en.lower(), themes[i].name_ja or themes[i].name_en
    offer_en, offer_ja = themes[j].name_en.lower(), themes[j].name_ja or themes[j].name_en
    b = index.profiles[offerer if you_need else needer]
    b_ja = b.name_ja or b.name
    if you_need:
        en = f"{b.name}'s expertise in {offer_en} meets your need for {need_en}"
        ja = f"{b_ja}の「{offer_ja}」の知見が、貴市の「{need_ja}」のニーズに応えます"
        code = "expertise_meets_need"
    else:
        en = f"Your expertise in {offer_en} meets {b.name}'s need for {need_en}"
        ja = f"貴市の「{offer_ja}」の知見が、{b_ja}の「{need_ja}」のニーズに応えます"
        code = "you_can_offer"
    return Explanation(code=code, text_en=en, text_ja=ja,
                       params={"need_theme": themes[i].code, "expertise_theme": themes[j].code})


def explain(index: MatchIndex, a: int, b: int, components: dict[str, float]) -> tuple[Explanation, ...]:
    pa, pb = index.profiles[a], index.profiles[b]
    out: list[Explanation] = []
    if components.get("expertise", 0) > 0.05 or components.get("mutual", 0) > 0.05:
        for i, j, _gain in _pairs(index, a, b, 2):
            out.append(_theme_pair(index, a, b, i, j, you_need=True))
    if components.get("reverse", 0) > 0.05 or components.get("mutual", 0) > 0.05:
        for i, j, _gain in _pairs(index, b, a, 1):
            out.append(_theme_pair(index, b, a, i, j, you_need=False))
    if components.get("peer", 0) > 0 or components.get("mutual", 0) > 0:
        shared = sorted(pa.hazards & pb.hazards)
        if shared:
            en = ", ".join(shared)
            ja = "・".join(HAZARD_JA.get(h, h) for h in shared)
            out.append(Explanation("shared_hazards", f"Both know {en} risk", f"ともに{ja}のリスクを経験しています",
                                   {"hazards": shared}))
        ageing = (pa.share_65_plus or 0) >= 25 and (pb.share_65_plus or 0) >= 25
        shrinking = (pa.growth or 0) < 0 and (pb.growth or 0) < 0
        if pa.population and pb.population and max(pa.population, pb.population) / min(pa.population,
                                                                                        pb.population) <= 3:
            size_en = f"similar size: {people(pa.population, 'en')} vs {people(pb.population, 'en')}"
            size_ja = f"人口規模が近い：{people(pa.population, 'ja')}と{people(pb.population, 'ja')}"
        else:
            size_en = size_ja = ""
        if ageing or shrinking:
            what_en = " and ".join(x for x, on in (("ageing", ageing), ("population decline", shrinking)) if on)
            what_ja = "と".join(x for x, on in (("高齢化", ageing), ("人口減少", shrinking)) if on)
            en = f"Both face {what_en}" + (f" ({size_en})" if size_en else "")
            ja = f"ともに{what_ja}に直面" + (f"（{size_ja}）" if size_ja else "")
            out.append(Explanation("shared_demography", en, ja, {"ageing": ageing, "shrinking": shrinking}))
        elif size_en:
            out.append(Explanation("similar_size", size_en.capitalize(), size_ja, {}))
    if components.get("text", 0) >= 0.5:
        out.append(Explanation("similar_text", "Their own words describe what you are looking for",
                               "相手の記述内容が貴市の求めるものと近い内容です", {}))
    if components.get("language", 0) > 0 and pa.languages & pb.languages:
        out.append(Explanation("shared_language", "You share a working language", "共通の言語があります", {}))
    if components.get("ties", 0) > 0:
        out.append(Explanation("existing_tie", "You already work together", "すでに協力関係があります", {}))
    return tuple(out[:5])
