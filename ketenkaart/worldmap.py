"""The ketenkaart's world map: country shapes drawn on the server as one inline SVG.

The shapes are Natural Earth's 1:110m countries in the TopoJSON that npm `world-atlas`
ships (`COUNTRIES_110M`, vendored under static/). `country_paths` decodes them once per
file into SVG path data keyed by ISO 3166-1 alpha-2 code; `render_map` colours them by
CSS class only, so the map needs no JavaScript and no inline style (the site's Content
Security Policy forbids both), and static/css/worldmap.css holds the colours.

How the shapes are made
    - Arcs are quantized and delta-encoded; the topology's transform turns them back into
      longitude and latitude. A ring joins its arcs end to start, a negative index ~i
      meaning arc i reversed.
    - Features are keyed by their ISO 3166-1 numeric id. Three have no id in Natural
      Earth: Kosovo is keyed "XK", the code the European Commission and most registers
      use; Northern Cyprus and Somaliland are drawn as part of Cyprus and Somalia, because
      ISO 3166-1, and so every location list, records a place there under CY or SO.
      Anything else without a code is drawn unfilled.
    - Antarctica (AQ) is left out: nothing is mined or made there, and it would take a
      fifth of the map's height.
    - Projection: Equal Earth (Šavrič, Patterson and Jenny, 2018). A map coloured by
      country invites comparing areas, and an equal-area projection keeps Africa, where
      much of the sector's mining is, at its true size against Russia, Canada and
      Greenland; its formula is a short polynomial with no iteration, and its rounded
      outline reads as a world map.
    - A ring that crosses the antimeridian (Fiji, Chukotka, Wrangel Island) is cut at
      180° into one ring per side, otherwise its edges would run across the whole map.
    - Coordinates are rounded to a tenth of a unit on a map 960 units wide and written
      relative to the previous point, which keeps the whole map near 90 KB.

Pure Python, no Django import.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import pycountry

Point = tuple[float, float]
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]
Projection = Callable[[float, float], Point]
TopoJSONSource = str | Path | Mapping[str, Any]

COUNTRIES_110M: Final = (
    Path(__file__).resolve().parent.parent
    / "static"
    / "vendor"
    / "world-atlas"
    / "countries-110m.json"
)

FILL_CLASSES: Final[tuple[str, ...]] = (
    "none",
    "band-0",
    "band-1",
    "band-2",
    "band-3",
    "band-4",
    "rollup",
)
"""The fill classes static/css/worldmap.css colours: no published figure, five bands
from light to dark, and a country whose figures are published only within a larger
area's remainder row (hatched)."""

UNCODED_FEATURES: Final[Mapping[str, str]] = MappingProxyType(
    {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}
)
ANTARCTICA: Final = "AQ"
MAP_WIDTH: Final = 960.0
HATCH_ID: Final = "worldmap-hatch"

# Equal Earth's coefficients, from the paper that defines it.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2
_SCALE = MAP_WIDTH * _M * _A1 / (2 * math.pi)

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_ON_EDGE = 1e-9


@dataclass(frozen=True)
class Feature:
    """One feature of the topology: its alpha-2 key (None where no code applies), its
    name in the topology, and its polygons in degrees of longitude and latitude."""

    key: str | None
    name: str
    polygons: tuple[Polygon, ...]


@dataclass(frozen=True)
class MapShapes:
    """What the map draws: path data per country and for the outlines without a code,
    and the viewBox (min x, min y, width, height) that holds them all."""

    countries: Mapping[str, str]
    unkeyed: tuple[str, ...]
    view_box: tuple[int, int, int, int]


def equal_earth(lon: float, lat: float) -> Point:
    """Project degrees to map units: 960 wide, centred on (0, 0), north up (y down)."""
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        math.radians(lon)
        * math.cos(theta)
        / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    )
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return (x * _SCALE, -y * _SCALE)


def country_key(feature_id: object, name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a feature, from its numeric id or, for the
    features Natural Earth leaves without one, from its name."""
    if isinstance(feature_id, str | int) and str(feature_id).isdigit():
        country = pycountry.countries.get(numeric=str(feature_id).zfill(3))
        if country is not None:
            return str(country.alpha_2)
    return UNCODED_FEATURES.get(name)


def decode_features(
    topology: Mapping[str, Any], *, object_name: str = "countries"
) -> list[Feature]:
    """Every Polygon and MultiPolygon of one object of a TopoJSON topology, in degrees.
    Other geometry types carry no area and are skipped."""
    arcs = _decode_arcs(topology)
    features = []
    for geometry in topology["objects"][object_name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            rings_of_polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            rings_of_polygons = geometry["arcs"]
        else:
            continue
        polygons = tuple(
            tuple(_ring(arcs, ring) for ring in polygon)
            for polygon in rings_of_polygons
        )
        name = str((geometry.get("properties") or {}).get("name", ""))
        features.append(Feature(country_key(geometry.get("id"), name), name, polygons))
    return features


def _decode_arcs(topology: Mapping[str, Any]) -> list[list[Point]]:
    transform = topology.get("transform")
    if transform is None:
        return [[(float(p[0]), float(p[1])) for p in arc] for arc in topology["arcs"]]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(arcs: Sequence[Sequence[Point]], indexes: Iterable[int]) -> Ring:
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Each arc starts where the previous one ended.
        points.extend(arc[1:] if points else arc)
    return tuple(points)


def split_at_antimeridian(ring: Ring) -> list[Ring]:
    """The ring cut at ±180° into closed rings that each stay within -180..180.

    Longitudes are first made continuous (a step of more than 180° is taken the short
    way round); the ring is then clipped to each 360° window it reaches and moved back
    into -180..180. A ring that winds once round a pole is closed along that pole.
    Edges along the cut are densified to one point per degree, because the map's outer
    meridians are curved."""
    if len(ring) < 3:
        return [ring]
    unwrapped = [ring[0]]
    for lon, lat in ring[1:]:
        previous = unwrapped[-1][0]
        unwrapped.append((previous + (lon - previous + 180) % 360 - 180, lat))
    low = min(lon for lon, _ in unwrapped)
    high = max(lon for lon, _ in unwrapped)
    if low >= -180 and high <= 180:
        return [ring]
    points = unwrapped[:-1] if unwrapped[0] == unwrapped[-1] else unwrapped
    winding = unwrapped[-1][0] - unwrapped[0][0]
    if abs(winding) > 180:
        pole = -90.0 if sum(lat for _, lat in ring) < 0 else 90.0
        points = [*points, (unwrapped[-1][0], pole), (unwrapped[0][0], pole)]
    pieces = []
    for window in range(
        math.floor((low + 180) / 360), math.floor((high + 180) / 360) + 1
    ):
        west, east = -180.0 + 360 * window, 180.0 + 360 * window
        clipped = _clip(_clip(points, east, keep_west=True), west, keep_west=False)
        moved = [(lon - 360 * window, lat) for lon, lat in clipped]
        if abs(_area(moved)) > _ON_EDGE:
            pieces.append(_densify_cut(moved))
    return pieces


def _clip(points: Sequence[Point], edge: float, *, keep_west: bool) -> list[Point]:
    """Sutherland-Hodgman against one meridian."""

    def inside(point: Point) -> bool:
        return point[0] <= edge if keep_west else point[0] >= edge

    kept: list[Point] = []
    for index, current in enumerate(points):
        previous = points[index - 1]
        if inside(current) != inside(previous):
            share = (edge - previous[0]) / (current[0] - previous[0])
            kept.append((edge, previous[1] + share * (current[1] - previous[1])))
        if inside(current):
            kept.append(current)
    return kept


def _area(points: Sequence[Point]) -> float:
    return (
        sum(
            points[i - 1][0] * point[1] - point[0] * points[i - 1][1]
            for i, point in enumerate(points)
        )
        / 2
    )


def _densify_cut(points: Sequence[Point]) -> Ring:
    dense: list[Point] = []
    for index, (lon, lat) in enumerate(points):
        previous_lon, previous_lat = points[index - 1]
        if (
            abs(abs(lon) - 180) < _ON_EDGE
            and abs(lon - previous_lon) < _ON_EDGE
            and abs(lat - previous_lat) > 1
        ):
            steps = math.ceil(abs(lat - previous_lat))
            dense.extend(
                (lon, previous_lat + (lat - previous_lat) * step / steps)
                for step in range(1, steps)
            )
        dense.append((lon, lat))
    dense.append(dense[0])
    return tuple(dense)


def svg_path(
    polygons: Iterable[Polygon], project: Projection = equal_earth
) -> tuple[str, list[tuple[int, int]]]:
    """SVG path data for polygons, and the projected points it draws (in tenths).

    Each ring is one subpath: an absolute move, then lines relative to the previous
    point, closed with z. Points are rounded to a tenth of a unit first, so relative
    steps add up exactly; a point equal to the one before is skipped, and a ring that
    rounds to fewer than three points is left out."""
    parts: list[str] = []
    drawn: list[tuple[int, int]] = []
    for polygon in polygons:
        for ring in polygon:
            tenths: list[tuple[int, int]] = []
            for lon, lat in ring:
                x, y = project(lon, lat)
                point = (math.floor(x * 10 + 0.5), math.floor(y * 10 + 0.5))
                if not tenths or tenths[-1] != point:
                    tenths.append(point)
            if len(tenths) > 1 and tenths[0] == tenths[-1]:
                tenths.pop()
            if len(tenths) < 3:
                continue
            drawn.extend(tenths)
            (x0, y0), rest = tenths[0], tenths[1:]
            numbers = []
            previous = tenths[0]
            for point in rest:
                numbers += [point[0] - previous[0], point[1] - previous[1]]
                previous = point
            parts.append(f"M{_number(x0)}{_separated(y0)}l{_numbers(numbers)}z")
    return "".join(parts), drawn


def _number(tenths: int) -> str:
    whole, tenth = divmod(abs(tenths), 10)
    sign = "-" if tenths < 0 else ""
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"


def _separated(tenths: int) -> str:
    # A minus sign already separates two numbers in path data.
    return _number(tenths) if tenths < 0 else f" {_number(tenths)}"


def _numbers(values: Sequence[int]) -> str:
    if not values:
        return ""
    return _number(values[0]) + "".join(_separated(value) for value in values[1:])


def load_topology(source: TopoJSONSource) -> Mapping[str, Any]:
    if isinstance(source, Mapping):
        return source
    with open(source, encoding="utf-8") as file:
        topology: dict[str, Any] = json.load(file)
    return topology


def map_shapes(source: TopoJSONSource, *, antarctica: bool = False) -> MapShapes:
    """The map's shapes from a TopoJSON file (decoded once per file and process) or an
    already parsed topology (decoded each call)."""
    if isinstance(source, Mapping):
        return _build_shapes(source, antarctica=antarctica)
    return _shapes_of_file(str(Path(source).resolve()), antarctica)


@functools.lru_cache(maxsize=8)
def _shapes_of_file(path: str, antarctica: bool) -> MapShapes:
    return _build_shapes(load_topology(path), antarctica=antarctica)


def _build_shapes(topology: Mapping[str, Any], *, antarctica: bool) -> MapShapes:
    polygons_by_key: dict[str, list[Polygon]] = {}
    unkeyed_polygons: list[list[Polygon]] = []
    for feature in decode_features(topology):
        if feature.key == ANTARCTICA and not antarctica:
            continue
        polygons = [
            tuple(piece for ring in polygon for piece in split_at_antimeridian(ring))
            for polygon in feature.polygons
        ]
        if feature.key is None:
            unkeyed_polygons.append(polygons)
        else:
            polygons_by_key.setdefault(feature.key, []).extend(polygons)
    drawn: list[tuple[int, int]] = []
    countries = {}
    for key in sorted(polygons_by_key):
        path, points = svg_path(polygons_by_key[key])
        if path:
            countries[key] = path
            drawn += points
    unkeyed = []
    for polygons in unkeyed_polygons:
        path, points = svg_path(polygons)
        if path:
            unkeyed.append(path)
            drawn += points
    return MapShapes(
        countries=MappingProxyType(countries),
        unkeyed=tuple(unkeyed),
        view_box=_view_box(drawn),
    )


def _view_box(tenths: Sequence[tuple[int, int]]) -> tuple[int, int, int, int]:
    if not tenths:
        return (0, 0, int(MAP_WIDTH), int(MAP_WIDTH / 2))
    margin = 2
    left = math.floor(min(x for x, _ in tenths) / 10) - margin
    top = math.floor(min(y for _, y in tenths) / 10) - margin
    right = math.ceil(max(x for x, _ in tenths) / 10) + margin
    bottom = math.ceil(max(y for _, y in tenths) / 10) + margin
    return (left, top, right - left, bottom - top)


def country_paths(topojson_path: TopoJSONSource) -> dict[str, str]:
    """SVG path data per ISO 3166-1 alpha-2 code, Antarctica left out. Outlines without
    a code are in `map_shapes(...).unkeyed`."""
    return dict(map_shapes(topojson_path).countries)


def render_map(
    *,
    fills: Mapping[str, str],
    titles: Mapping[str, str],
    label: str,
    legend: Sequence[tuple[str, str]],
    topojson_path: TopoJSONSource,
    html_id: str = "worldmap",
) -> str:
    """A complete inline SVG of the world with each country coloured by its fill class.

    `fills` and `titles` are keyed by alpha-2 code; a key the map has no shape for is
    ignored, and a country without a fill is "none". A title becomes the country's
    tooltip. `label` names the map for assistive technology, and the legend's texts are
    its description, so a screen reader hears what the colours mean; the figures
    themselves are in the table beside the map. `legend` pairs a fill class with its
    text. `html_id` prefixes the ids of the title and description and must be unique in
    the page. Raises ValueError for a fill class static/css/worldmap.css does not know
    or an id that is not a valid HTML id."""
    if not _ID.match(html_id):
        raise ValueError(f"Not a valid HTML id: {html_id!r}")
    for fill in [*fills.values(), *(fill for fill, _ in legend)]:
        if fill not in FILL_CLASSES:
            raise ValueError(
                f"Unknown fill class {fill!r}; expected one of {FILL_CLASSES}"
            )
    shapes = map_shapes(topojson_path)
    fill_of = {key.upper(): fill for key, fill in fills.items()}
    title_of = {key.upper(): title for key, title in titles.items()}
    left, top, width, height = shapes.view_box
    described_by = f" {html_id}-desc" if legend else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="worldmap" '
        f'viewBox="{left} {top} {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{html_id}-title{described_by}">',
        f'<title id="{html_id}-title">{html.escape(label)}</title>',
    ]
    if legend:
        description = "; ".join(text for _, text in legend)
        parts.append(f'<desc id="{html_id}-desc">{html.escape(description)}</desc>')
    if "rollup" in fill_of.values() or any(fill == "rollup" for fill, _ in legend):
        parts.append(_HATCH)
    parts.append('<g class="map-countries">')
    for key, path in shapes.countries.items():
        fill = fill_of.get(key, "none")
        title = title_of.get(key)
        tooltip = f"<title>{html.escape(title)}</title>" if title else ""
        parts.append(
            f'<path class="map-country map-country--{fill}" data-country="{key}" '
            f'd="{path}">{tooltip}</path>'
        )
    parts.extend(
        f'<path class="map-country map-country--none" d="{path}"/>'
        for path in shapes.unkeyed
    )
    parts.append("</g>")
    if legend:
        parts.append(_legend(legend, left, top + height))
    parts.append("</svg>")
    return "".join(parts)


# One pattern for every map on a page: the stylesheet refers to it by this fixed id.
_HATCH = (
    f'<defs><pattern id="{HATCH_ID}" width="5" height="5" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect class="map-hatch__ground" width="5" height="5"/>'
    '<line class="map-hatch__line" x1="0" y1="0" x2="0" y2="5"/></pattern></defs>'
)

_LEGEND_ROW = 22
_LEGEND_SWATCH = 16
_LEGEND_CHAR = 7.6


def _legend(legend: Sequence[tuple[str, str]], left: int, bottom: int) -> str:
    """The legend in the map's lower left corner, over the South Pacific and clear of
    the part of Fiji east of 180°. Hidden from assistive technology, which reads the
    same texts from the map's description."""
    longest = max(len(text) for _, text in legend)
    box_width = math.ceil(_LEGEND_SWATCH + 16 + longest * _LEGEND_CHAR)
    box_height = len(legend) * _LEGEND_ROW + 8
    x, y = left + 20, bottom - 6 - box_height
    rows = [
        f'<g class="map-legend" aria-hidden="true" transform="translate({x} {y})">',
        f'<rect class="map-legend__box" width="{box_width}" height="{box_height}"/>',
    ]
    for index, (fill, text) in enumerate(legend):
        row_top = 6 + index * _LEGEND_ROW
        rows.append(
            f'<rect class="map-country map-country--{fill}" x="6" y="{row_top}" '
            f'width="{_LEGEND_SWATCH}" height="{_LEGEND_SWATCH}"/>'
            f'<text class="map-legend__text" x="{_LEGEND_SWATCH + 12}" '
            f'y="{row_top + _LEGEND_SWATCH - 3}">{html.escape(text)}</text>'
        )
    rows.append("</g>")
    return "".join(rows)
