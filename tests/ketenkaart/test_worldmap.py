"""The ketenkaart's world map: decoding the TopoJSON, cutting at the antimeridian,
compact path data, and the SVG a page embeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ketenkaart import worldmap
from ketenkaart.worldmap import (
    COUNTRIES_110M,
    FILL_CLASSES,
    Feature,
    country_paths,
    decode_features,
    equal_earth,
    map_shapes,
    render_map,
    split_at_antimeridian,
    svg_path,
)

pytestmark = pytest.mark.core

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "worldmap.css"


def plain(lon: float, lat: float) -> tuple[float, float]:
    """A projection that keeps degrees, north up."""
    return (lon, -lat)


# Quantized with scale (0.5, 0.25) and translate (10, 20). Decoded:
#   arc 0: (11, 20) (11, 21)                      the border of the two squares
#   arc 1: (11, 21) (10, 21) (10, 20) (11, 20)    the rest of the west square
#   arc 2: (11, 21) (12, 21) (12, 20) (11, 20)    the rest of the east square
#   arc 3, 4: two triangles; arc 5: a square at the south pole's latitude
TINY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[2, 0], [0, 4]],
        [[2, 4], [-2, 0], [0, -4], [2, 0]],
        [[2, 4], [2, 0], [0, -4], [-2, 0]],
        [[8, 0], [2, 0], [-2, 4], [0, -4]],
        [[12, 0], [2, 0], [-2, 4], [0, -4]],
        [[0, -400], [2, 0], [0, 4], [-2, 0], [0, -4]],
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {
                    "type": "Polygon",
                    "id": "528",
                    "arcs": [[0, 1]],
                    "properties": {"name": "Netherlands"},
                },
                {
                    "type": "Polygon",
                    "id": "056",
                    "arcs": [[-1, -3]],
                    "properties": {"name": "Belgium"},
                },
                {
                    "type": "MultiPolygon",
                    "id": "442",
                    "arcs": [[[3]], [[4]]],
                    "properties": {"name": "Luxembourg"},
                },
                {"type": "Polygon", "arcs": [[3]], "properties": {"name": "Kosovo"}},
                {"type": "Polygon", "arcs": [[4]], "properties": {"name": "Nowhere"}},
                {"type": "Polygon", "id": "010", "arcs": [[5]], "properties": {}},
                {"type": "Point", "id": "250", "coordinates": [1, 1]},
                {"type": None, "id": "276"},
            ],
        }
    },
}


def test_decoder_joins_reverses_and_dequantizes_arcs():
    features = decode_features(TINY)

    assert [(feature.key, feature.name) for feature in features] == [
        ("NL", "Netherlands"),
        ("BE", "Belgium"),
        ("LU", "Luxembourg"),
        ("XK", "Kosovo"),
        (None, "Nowhere"),
        ("AQ", ""),
    ]
    netherlands, belgium, luxembourg = features[:3]
    assert netherlands.polygons == (
        (((11.0, 20.0), (11.0, 21.0), (10.0, 21.0), (10.0, 20.0), (11.0, 20.0)),),
    )
    assert belgium.polygons == (
        (((11.0, 21.0), (11.0, 20.0), (12.0, 20.0), (12.0, 21.0), (11.0, 21.0)),),
    )
    assert luxembourg.polygons == (
        (((14.0, 20.0), (15.0, 20.0), (14.0, 21.0), (14.0, 20.0)),),
        (((16.0, 20.0), (17.0, 20.0), (16.0, 21.0), (16.0, 20.0)),),
    )
    assert features[5].polygons[0][0][0] == (10.0, -80.0)


def test_decoded_features_give_the_exact_paths():
    paths = {
        feature.key: svg_path(feature.polygons, plain)[0]
        for feature in decode_features(TINY)
    }

    assert paths == {
        "NL": "M11-20l0-1-1 0 0 1z",
        "BE": "M11-21l0 1 1 0 0-1z",
        "LU": "M14-20l1 0-1-1zM16-20l1 0-1-1z",
        "XK": "M14-20l1 0-1-1z",
        None: "M16-20l1 0-1-1z",
        "AQ": "M10 80l1 0 0-1-1 0z",
    }


def test_a_topology_without_transform_has_absolute_arcs():
    topology = {
        "arcs": [[[0, 0], [1, 0], [0, 1], [0, 0]]],
        "objects": {
            "countries": {
                "geometries": [{"type": "Polygon", "id": "528", "arcs": [[0]]}]
            }
        },
    }

    assert decode_features(topology) == [
        Feature("NL", "", ((((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)),),))
    ]


def test_path_data_rounds_to_tenths_and_skips_repeated_points():
    ring = ((0.0, 0.0), (0.5, 0.0), (0.52, 0.01), (0.5, -1.25), (0.04, 0.0))

    assert svg_path([(ring,)], lambda lon, lat: (lon, lat)) == (
        "M0 0l.5 0 0-1.2z",
        [(0, 0), (5, 0), (5, -12)],
    )


def test_rings_that_round_to_fewer_than_three_points_are_left_out():
    speck = ((0.0, 0.0), (0.01, 0.0), (0.01, 0.01), (0.0, 0.0))
    sliver = ((0.0, 0.0), (1.0, 0.0), (1.0, 0.02), (0.0, 0.0))

    assert svg_path([(speck,), (sliver,)], plain) == ("", [])


def test_shapes_from_a_parsed_topology_leave_out_antarctica():
    shapes = map_shapes(TINY)

    assert sorted(shapes.countries) == ["BE", "LU", "NL", "XK"]
    assert len(shapes.unkeyed) == 1
    assert "AQ" in map_shapes(TINY, antarctica=True).countries


def test_a_ring_across_the_antimeridian_is_cut_into_one_ring_per_side():
    ring = ((179.0, 0.0), (-179.0, 0.0), (-179.0, 2.0), (179.0, 2.0), (179.0, 0.0))

    assert split_at_antimeridian(ring) == [
        (
            (179.0, 0.0),
            (180.0, 0.0),
            (180.0, 1.0),
            (180.0, 2.0),
            (179.0, 2.0),
            (179.0, 0.0),
        ),
        (
            (-180.0, 1.0),
            (-180.0, 0.0),
            (-179.0, 0.0),
            (-179.0, 2.0),
            (-180.0, 2.0),
            (-180.0, 1.0),
        ),
    ]


def test_a_ring_on_one_side_is_left_as_it_is():
    ring = ((170.0, 0.0), (180.0, 0.0), (180.0, 2.0), (170.0, 0.0))

    assert split_at_antimeridian(ring) == [ring]


def test_a_ring_round_the_pole_is_closed_along_the_pole():
    ring = ((0.0, -80.0), (120.0, -80.0), (-120.0, -80.0), (0.0, -80.0))

    pieces = split_at_antimeridian(ring)

    assert len(pieces) == 2
    assert all(-180 <= lon <= 180 for piece in pieces for lon, _ in piece)
    assert {lat for piece in pieces for _, lat in piece} >= {-80.0, -90.0}
    assert sum(abs(worldmap._area(piece)) for piece in pieces) == pytest.approx(3600)


def test_equal_earth_is_centred_960_wide_and_north_up():
    assert equal_earth(0, 0) == (0, 0)
    assert equal_earth(180, 0)[0] == pytest.approx(480)
    assert equal_earth(-180, 0)[0] == pytest.approx(-480)
    assert equal_earth(0, 60)[1] < 0 < equal_earth(0, -60)[1]
    # Equal area: a degree square at 60° covers half the map area of one at the equator.
    equator = _square_area(0)
    assert _square_area(60) / equator == pytest.approx(0.5, rel=1e-3)


def _square_area(lat: float) -> float:
    corners = [(0, lat), (0.01, lat), (0.01, lat + 0.01), (0, lat + 0.01)]
    return abs(worldmap._area([equal_earth(lon, la) for lon, la in corners]))


def _first_point(path: str) -> tuple[float, float]:
    x, y = re.match(r"M(-?[\d.]+) ?(-?[\d.]+)", path).groups()
    return float(x), float(y)


def _relative_steps(path: str) -> list[float]:
    steps = []
    for subpath in re.findall(r"l([^z]*)z", path):
        steps += [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", subpath)]
    return steps


def test_the_110m_file_has_the_countries_of_the_sector():
    paths = country_paths(COUNTRIES_110M)

    assert {"NL", "CD", "CN", "ID", "PE", "AU", "US", "CL", "ZA", "RU", "XK"} <= set(
        paths
    )
    assert len(paths) > 170
    assert "AQ" not in paths
    # Northern Cyprus and Somaliland are drawn with the country ISO 3166-1 puts them in.
    assert paths["CY"].count("M") == 2
    assert paths["SO"].count("M") == 2
    assert _first_point(paths["NO"])[1] < _first_point(paths["ZA"])[1]
    assert _first_point(paths["US"])[0] < _first_point(paths["CN"])[0]


def test_no_country_is_drawn_across_the_whole_map():
    paths = country_paths(COUNTRIES_110M)
    left, _, width, _ = map_shapes(COUNTRIES_110M).view_box

    assert width <= 966
    assert left >= -483
    for key in ("RU", "FJ", "US"):
        assert max(abs(step) for step in _relative_steps(paths[key])) < 100, key
    # Fiji and Russia's far east lie on both sides of 180°.
    for key in ("RU", "FJ"):
        xs = [_first_point(f"M{sub}")[0] for sub in paths[key].split("M")[1:]]
        assert min(xs) < -300 < 300 < max(xs), key


def test_shapes_of_a_file_are_decoded_once():
    assert map_shapes(COUNTRIES_110M) is map_shapes(str(COUNTRIES_110M))
    paths = country_paths(COUNTRIES_110M)
    paths["NL"] = "M0 0z"

    assert country_paths(COUNTRIES_110M)["NL"] != "M0 0z"


def render(**overrides):
    arguments = {
        "fills": {"NL": "band-4", "CD": "band-3", "RU": "rollup"},
        "titles": {"NL": "Netherlands: 25 or more companies"},
        "label": "Production locations, 2025",
        "legend": [
            ("band-4", "25 or more companies"),
            ("rollup", "In a regional total"),
        ],
        "topojson_path": COUNTRIES_110M,
        **overrides,
    }
    return render_map(**arguments)


def _country_tag(svg: str, key: str) -> str:
    return re.search(rf'<path [^>]*data-country="{key}"[^>]*>', svg).group(0)


def test_the_map_is_an_accessible_image():
    svg = render()

    assert svg.startswith(
        '<svg xmlns="http://www.w3.org/2000/svg" class="worldmap" viewBox="'
    )
    assert 'role="img" aria-labelledby="worldmap-title worldmap-desc">' in svg
    assert '<title id="worldmap-title">Production locations, 2025</title>' in svg
    assert (
        '<desc id="worldmap-desc">25 or more companies; In a regional total</desc>'
        in svg
    )
    assert svg.endswith("</svg>")


def test_fills_become_classes_and_the_rest_is_none():
    svg = render()

    assert 'class="map-country map-country--band-4" data-country="NL"' in svg
    assert 'class="map-country map-country--band-3" data-country="CD"' in svg
    assert 'class="map-country map-country--rollup" data-country="RU"' in svg
    assert 'class="map-country map-country--none" data-country="PE"' in svg
    assert svg.count('class="map-country ') == len(country_paths(COUNTRIES_110M)) + 2
    assert f'<pattern id="{worldmap.HATCH_ID}"' in svg


def test_the_hatch_pattern_is_there_only_when_used():
    svg = render(fills={"NL": "band-1"}, legend=[("band-1", "3 or 4")])

    assert "<pattern" not in svg


def test_titles_are_tooltips_and_escaped():
    svg = render(titles={"nl": "<script>alert(1)</script> & co", "PE": ""})

    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title></path>" in svg
    assert "<script" not in svg
    assert _country_tag(svg, "PE") + "</path>" in svg


def test_label_and_legend_are_escaped():
    svg = render(label='Map "<b>"', legend=[("band-0", "<img src=x onerror=alert(1)>")])

    assert '<title id="worldmap-title">Map &quot;&lt;b&gt;&quot;</title>' in svg
    assert "&lt;img src=x onerror=alert(1)&gt;</text>" in svg
    assert "<img" not in svg
    assert "<b>" not in svg


def test_no_inline_style_and_no_script():
    svg = render()

    assert "style=" not in svg
    assert "<script" not in svg
    assert "javascript:" not in svg
    assert " on" not in re.sub(r">[^<]*<", "><", svg)


def test_unknown_fill_keys_are_ignored():
    plain_map = render(fills={"NL": "band-4"}, titles={})
    with_unknown = render(
        fills={"NL": "band-4", "ZZ": "band-1", '"><script>': "band-2", "": "band-0"},
        titles={"ZZ": "Nowhere", "<x>": "<x>"},
    )

    assert with_unknown == plain_map


def test_an_unknown_fill_class_is_refused():
    with pytest.raises(ValueError, match="Unknown fill class"):
        render(fills={"NL": 'band-1" onclick="x'})
    with pytest.raises(ValueError, match="Unknown fill class"):
        render(legend=[("band-9", "Too many")])


def test_an_invalid_html_id_is_refused():
    with pytest.raises(ValueError, match="Not a valid HTML id"):
        render(html_id='map" onload="x')
    assert '<title id="ketenkaart-2025-title">' in render(html_id="ketenkaart-2025")


def test_without_legend_there_is_no_description():
    svg = render(legend=[])

    assert 'aria-labelledby="worldmap-title">' in svg
    assert "<desc" not in svg
    assert "map-legend" not in svg


def test_the_map_stays_small():
    assert len(render().encode()) < 150_000


def test_the_stylesheet_colours_every_fill_class():
    css = STYLESHEET.read_text(encoding="utf-8")

    for fill in FILL_CLASSES:
        assert f".map-country--{fill} {{" in css, fill
    assert f"url(#{worldmap.HATCH_ID})" in css
