"""The world map of a published release: each country coloured by the band of companies
in its own row, and the countries of a published "(other)" row hatched.

Only published figures are drawn, one activity at a time: a figure summed over activities
would be a total beside its parts, which the disclosure control never publishes. Which
countries a hatched row could hold follows from the UN M49 areas alone; the countries that
actually contributed to it stay with the secretariat.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import aggregation, m49, worldmap
from .models import ReleaseCell


def _band_classes(rules: aggregation.Rules) -> dict[str, str]:
    """The first company band is the lightest blue, the last the darkest."""
    bands = [aggregation.company_band(start, rules) for start in rules.company_bands]
    last = len(worldmap.FILL_CLASSES) - 3  # the classes besides none and rollup
    return {band: f"band-{min(i, last)}" for i, band in enumerate(bands)}


def release_map(
    cells: Iterable[ReleaseCell],
    language: str,
    rules: aggregation.Rules = aggregation.DEFAULT_RULES,
    label: str = "",
) -> SafeString:
    lang: m49.Language = "nl" if language == "nl" else "en"
    fills: dict[str, str] = {}
    titles: dict[str, str] = {}
    remainders: dict[tuple[str, str], ReleaseCell] = {}
    band_classes = _band_classes(rules)
    for cell in cells:
        if cell.area_level == "country":
            fills[cell.area_code] = band_classes.get(cell.companies_band, "band-0")
            titles[cell.area_code] = _(
                "%(country)s: %(companies)s companies, %(locations)s locations"
            ) % {
                "country": m49.country_name(cell.area_code, lang),
                "companies": cell.companies_band,
                "locations": cell.locations_band or aggregation.WITHHELD,
            }
        else:
            remainders[(cell.area_level, cell.area_code)] = cell
    for country in m49.COUNTRIES:
        if country in fills:
            continue
        for level in ("subregion", "region", "world"):
            _level, code = m49.area_of(country, level)  # type: ignore[arg-type]
            cell = remainders.get((level, code))
            if cell is None:
                continue
            fills[country] = "rollup"
            titles[country] = _(
                "%(country)s: any locations are counted in “%(area)s” "
                "(%(companies)s companies)"
            ) % {
                "country": m49.country_name(country, lang),
                "area": aggregation.area_label(cell.area_level, code, lang),  # type: ignore[arg-type]
                "companies": cell.companies_band,
            }
            break
    legend = [
        (fill, _("%(band)s companies") % {"band": band})
        for band, fill in band_classes.items()
    ] + [
        ("rollup", _("counted in a regional row")),
        ("none", _("no published figure")),
    ]
    svg = worldmap.render_map(
        fills=fills,
        titles=titles,
        label=label or _("World map of the aggregated production-location list"),
        legend=legend,
        topojson_path=worldmap.COUNTRIES_110M,
    )
    return mark_safe(svg)  # noqa: S308 - render_map escapes every text it writes
