import re

from renkei.ui import worldmap

NUM = re.compile(r"[ML](-?[\d.]+),(-?[\d.]+)")


def _points(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in NUM.findall(d)]


def test_all_countries_decoded_and_inside_the_viewbox():
    paths = worldmap.country_paths()
    assert len(paths) == 177
    height = float(worldmap.VIEWBOX.split()[3])
    for path in paths:
        assert path.d.startswith("M")
        for x, y in _points(path.d):
            assert -0.1 <= x <= 1000.1 and -0.1 <= y <= height + 0.1


def test_projection_orientation():
    cx, cy = worldmap.project(0, 0)
    assert abs(cx - 500) < 0.5
    assert worldmap.project(-100, 0)[0] < worldmap.project(100, 0)[0]
    assert worldmap.project(0, 60)[1] < worldmap.project(0, -60)[1]


def test_tokyo_falls_inside_japan():
    japan = next(p for p in worldmap.country_paths() if p.id == "392")
    xs, ys = zip(*_points(japan.d), strict=True)
    x, y = worldmap.project(139.7, 35.7)
    assert min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys)


def test_no_streaks_across_the_map():
    """Rings crossing 180° (Fiji, Chukotka, Antarctica) must be cut, not drawn across the map."""
    pole_lines = {round(worldmap.project(0, 90)[1], 1), round(worldmap.project(0, -90)[1], 1)}
    for path in worldmap.country_paths():
        for sub in path.d.split("M")[1:]:
            assert sub.endswith("Z"), path.name  # an open sub-path is filled with a stray chord
            points = _points("M" + sub)
            for (x1, _y1), (x2, _y2) in zip(points, points[1:], strict=False):
                assert abs(x2 - x1) <= 500, path.name
            (x_first, y_first), (x_last, y_last) = points[0], points[-1]
            closes_along_pole = y_first == y_last and y_first in pole_lines
            assert abs(x_last - x_first) <= 500 or closes_along_pole, path.name


def test_antimeridian_rings_are_cut_into_closed_pieces():
    paths = {p.id: p for p in worldmap.country_paths()}
    for country_id in ("242", "643", "010"):  # Fiji, Russia, Antarctica
        xs = [x for x, _y in _points(paths[country_id].d)]
        assert min(xs) < 300 and max(xs) > 700  # drawn at both edges of the map
    antarctica = _points(paths["010"].d)
    assert max(y for _x, y in antarctica) == round(worldmap.project(0, -90)[1], 1)
