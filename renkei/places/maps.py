"""Places as markers on the world map (renkei.ui.worldmap draws the countries)."""

from __future__ import annotations

from renkei.places.models import Level
from renkei.ui import worldmap

MARKER_RADIUS = {Level.CITY: 6.0, Level.REGION: 4.0}


def markers(places, *, radius: dict | None = None) -> list[dict]:
    """One marker per place with coordinates: its projected position and a radius by level."""
    radius = radius or MARKER_RADIUS
    out = []
    for place in places:
        if place.latitude is None or place.longitude is None:
            continue
        x, y = worldmap.project(place.longitude, place.latitude)
        out.append({"place": place, "x": round(x, 1), "y": round(y, 1), "r": radius.get(place.level, 3.0)})
    # regions first, so the smaller-area city markers are drawn on top of them
    out.sort(key=lambda m: (m["place"].level == Level.CITY, m["place"].name_en))
    return out
