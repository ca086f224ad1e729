"""How fast the ketenkaart's world map is drawn, without a database.

1. The first decode of the 1:110m countries (static/vendor/world-atlas), which a process
   does once: reading the TopoJSON, decoding and cutting the rings, projecting them and
   writing the path data.
2. A render from the cached shapes, the cost every page with the map pays: every
   country given a fill and a tooltip, median of a few renders after warming up.

Prints a small table and asserts nothing about time. Run with `make bench`.
"""

from __future__ import annotations

import re
import statistics
import time

import pytest

from ketenkaart import worldmap

pytestmark = pytest.mark.bench

RENDERS = 20
NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
LEGEND = [
    ("band-0", "3 or 4 companies"),
    ("band-1", "5 to 9 companies"),
    ("band-2", "10 to 24 companies"),
    ("band-3", "25 to 49 companies"),
    ("band-4", "50 or more companies"),
    ("rollup", "In a regional total"),
    ("none", "No published figure"),
]


def test_decode_and_render_the_world_map():
    worldmap._shapes_of_file.cache_clear()
    started = time.perf_counter()
    shapes = worldmap.map_shapes(worldmap.COUNTRIES_110M)
    decode_ms = (time.perf_counter() - started) * 1000

    fill_classes = [fill for fill, _ in LEGEND]
    fills = {
        key: fill_classes[index % len(fill_classes)]
        for index, key in enumerate(shapes.countries)
    }
    titles = {key: f"{key}: 10 to 24 companies, 50 to 249 locations" for key in fills}

    def render() -> str:
        return worldmap.render_map(
            fills=fills,
            titles=titles,
            label="Production locations of the sector, 2025",
            legend=LEGEND,
            topojson_path=worldmap.COUNTRIES_110M,
        )

    render()
    timings = []
    for _ in range(RENDERS):
        started = time.perf_counter()
        svg = render()
        timings.append((time.perf_counter() - started) * 1000)

    numbers = sum(len(NUMBER.findall(path)) for path in shapes.countries.values())
    header = f"{'step':<32} {'ms':>8}"
    print(
        "\n".join(
            [
                "",
                f"world map, {worldmap.COUNTRIES_110M.name}: {len(shapes.countries)} "
                f"countries, {len(shapes.unkeyed)} outlines without a code, about "
                f"{numbers // 2:,} points; SVG {len(svg.encode()) / 1024:.1f} KB "
                "with every country filled and titled",
                header,
                "-" * len(header),
                f"{'first decode (cold)':<32} {decode_ms:>8.1f}",
                f"{f'cached render (median of {RENDERS})':<32} "
                f"{statistics.median(timings):>8.2f}",
                f"{'cached render (fastest)':<32} {min(timings):>8.2f}",
            ]
        )
    )
    assert len(shapes.countries) > 170
