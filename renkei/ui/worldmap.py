"""World map as SVG, drawn offline from bundled Natural Earth 110m data (renkei/data/map).

TopoJSON stores shared borders once as quantised, delta-encoded arcs; we decode them into
rings and project them with the Equal Earth projection (Šavrič, Patterson & Jenny, 2018), an
equal-area projection that keeps countries' relative sizes honest and looks familiar. Standard
library only, so it is fast to test and has nothing to download.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAP_FILE = Path(__file__).resolve().parent.parent / "data" / "map" / "countries-110m.json"

# Equal Earth constants
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2

WIDTH = 1000.0
MARGIN = 4.0


def _equal_earth(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


_X_MAX, _ = _equal_earth(180.0, 0.0)
_, _Y_MAX = _equal_earth(0.0, 90.0)
_SCALE = (WIDTH - 2 * MARGIN) / (2 * _X_MAX)
HEIGHT = round(2 * _Y_MAX * _SCALE + 2 * MARGIN)
VIEWBOX = f"0 0 {WIDTH:g} {HEIGHT}"


def project(lon: float, lat: float) -> tuple[float, float]:
    """SVG coordinates of a point (x to the right, y down)."""
    x, y = _equal_earth(max(-180.0, min(180.0, lon)), max(-90.0, min(90.0, lat)))
    return MARGIN + (x + _X_MAX) * _SCALE, HEIGHT / 2 - y * _SCALE


@dataclass(frozen=True)
class CountryPath:
    id: str
    name: str
    d: str


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)  # consecutive arcs share their end point
    return points


def _split_at_antimeridian(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Cut a ring where it crosses the 180° meridian (Fiji, Chukotka, Wrangel Island, Antarctica).

    A flat map cannot draw the short step from 179.9° to -180° as anything but a line across the
    whole map, so the ring becomes pieces that each stay on one side and are closed along the
    map's edge. A ring that crosses once goes round a pole (only Antarctica): it is closed along
    the pole line instead.
    """
    points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    n = len(points)
    crossings = [i for i in range(n) if abs(points[(i + 1) % n][0] - points[i][0]) > 180]
    if not crossings:
        return [points]
    pieces: list[list[tuple[float, float]]] = []
    piece: list[tuple[float, float]] = []
    start = crossings[0]
    for step in range(n + 1):  # round once, ending on the crossing it started after
        i = (start + step) % n
        (lon1, lat1), (lon2, lat2) = points[i], points[(i + 1) % n]
        if abs(lon2 - lon1) <= 180:
            piece.append((lon2, lat2))
            continue
        edge = 180.0 if lon1 > 0 else -180.0
        lon2_unwrapped = lon2 + 2 * edge
        t = 0.0 if lon2_unwrapped == lon1 else (edge - lon1) / (lon2_unwrapped - lon1)
        lat = lat1 + t * (lat2 - lat1)
        if piece:
            pieces.append([*piece, (edge, lat)])
        piece = [(-edge, lat), (lon2, lat2)]
    if len(crossings) % 2:  # goes round a pole: run down to the pole line and back along it
        last = pieces[-1]
        pole = -90.0 if sum(lat for _, lat in last) < 0 else 90.0
        pieces[-1] = [(last[0][0], pole), *last, (last[-1][0], pole)]
    return pieces


def _ring_path(ring: list[tuple[float, float]]) -> str:
    """Path data for one ring, as one closed sub-path per piece left of or right of 180°."""
    parts: list[str] = []
    for piece in _split_at_antimeridian(ring):
        coords: list[str] = []
        for lon, lat in piece:
            x, y = project(lon, lat)
            coord = f"{x:.1f},{y:.1f}"
            if not coords or coord != coords[-1]:
                coords.append(coord)
        parts.append("M" + "L".join(coords) + "Z")
    return "".join(parts)


@lru_cache(maxsize=1)
def country_paths() -> tuple[CountryPath, ...]:
    topology = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    out = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        d = "".join(_ring_path(_ring(ring, arcs)) for polygon in polygons for ring in polygon)
        out.append(CountryPath(id=str(geometry.get("id", "")), name=geometry["properties"].get("name", ""), d=d))
    return tuple(out)


def country_path(numeric_id: str | None) -> CountryPath | None:
    """One country's outline, by its ISO 3166-1 numeric code."""
    return next((p for p in country_paths() if numeric_id and p.id == numeric_id), None)


@lru_cache(maxsize=1)
def countries_svg() -> SafeString:
    """Every country's outline as SVG paths, made once per process (the same on every map)."""
    return mark_safe("".join(f'<path d="{escape(p.d)}"/>' for p in country_paths()))  # noqa: S308 - escaped


def bounds_viewbox(points: list[tuple[float, float]], *, pad: float = 40.0, min_size: float = 120.0) -> str:
    """A viewBox around projected points (for a regional map on a place page)."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    w = max(max(xs) - min(xs) + 2 * pad, min_size)
    h = max(max(ys) - min(ys) + 2 * pad, min_size * 0.6)
    return f"{cx - w / 2:.1f} {cy - h / 2:.1f} {w:.1f} {h:.1f}"
