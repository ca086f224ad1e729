"""The UN M49 geographic areas the aggregated location list rolls up into.

Every ISO 3166-1 country belongs to one sub-region, every sub-region to one region, and
every region to the world ("001"). The sub-regions are the 22 areas of the M49 scheme as
statistical publications use it: where M49 splits a sub-region into intermediate regions
(Sub-Saharan Africa into Eastern, Middle, Southern and Western Africa; Latin America and
the Caribbean into the Caribbean, Central America and South America) the intermediate
regions take its place, because a single "Sub-Saharan Africa" would hide exactly the
countries where much of the sector's mining happens. The Channel Islands stay in Northern
Europe. Antarctica has no region in M49 and rolls up to the world directly.

Area names come in English (M49's own spelling) and Dutch. Pure data, no Django import.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

import pycountry

AreaLevel = Literal["country", "subregion", "region", "world"]
Language = Literal["en", "nl"]

LEVELS: Final[tuple[AreaLevel, ...]] = ("country", "subregion", "region", "world")
LANGUAGES: Final[tuple[Language, ...]] = ("en", "nl")
WORLD: Final = "001"

AREA_NAMES: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        WORLD: {"en": "World", "nl": "Wereld"},
        # Regions
        "002": {"en": "Africa", "nl": "Afrika"},
        "009": {"en": "Oceania", "nl": "Oceanië"},
        "019": {"en": "Americas", "nl": "Amerika"},
        "142": {"en": "Asia", "nl": "Azië"},
        "150": {"en": "Europe", "nl": "Europa"},
        # Sub-regions of Africa
        "011": {"en": "Western Africa", "nl": "West-Afrika"},
        "014": {"en": "Eastern Africa", "nl": "Oost-Afrika"},
        "015": {"en": "Northern Africa", "nl": "Noord-Afrika"},
        "017": {"en": "Middle Africa", "nl": "Centraal-Afrika"},
        # "Zuidelijk", so that the area is not read as the country Zuid-Afrika.
        "018": {"en": "Southern Africa", "nl": "Zuidelijk Afrika"},
        # Sub-regions of the Americas
        "005": {"en": "South America", "nl": "Zuid-Amerika"},
        "013": {"en": "Central America", "nl": "Midden-Amerika"},
        "021": {"en": "Northern America", "nl": "Noordelijk Amerika"},
        "029": {"en": "Caribbean", "nl": "Caribisch gebied"},
        # Sub-regions of Asia
        "030": {"en": "Eastern Asia", "nl": "Oost-Azië"},
        "034": {"en": "Southern Asia", "nl": "Zuid-Azië"},
        "035": {"en": "South-eastern Asia", "nl": "Zuidoost-Azië"},
        "143": {"en": "Central Asia", "nl": "Centraal-Azië"},
        "145": {"en": "Western Asia", "nl": "West-Azië"},
        # Sub-regions of Europe
        "039": {"en": "Southern Europe", "nl": "Zuid-Europa"},
        "151": {"en": "Eastern Europe", "nl": "Oost-Europa"},
        "154": {"en": "Northern Europe", "nl": "Noord-Europa"},
        "155": {"en": "Western Europe", "nl": "West-Europa"},
        # Sub-regions of Oceania
        "053": {"en": "Australia and New Zealand", "nl": "Australië en Nieuw-Zeeland"},
        "054": {"en": "Melanesia", "nl": "Melanesië"},
        "057": {"en": "Micronesia", "nl": "Micronesië"},
        "061": {"en": "Polynesia", "nl": "Polynesië"},
    }
)

# Sub-region -> (region, its countries as ISO 3166-1 alpha-2 codes).
_SUBREGIONS: Final[dict[str, tuple[str, str]]] = {
    "015": ("002", "DZ EG EH LY MA SD TN"),
    "014": (
        "002",
        "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW",
    ),
    "017": ("002", "AO CD CF CG CM GA GQ ST TD"),
    "018": ("002", "BW LS NA SZ ZA"),
    "011": ("002", "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG"),
    "029": (
        "019",
        "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC "
        "TT VC VG VI",
    ),
    "013": ("019", "BZ CR GT HN MX NI PA SV"),
    "005": ("019", "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE"),
    "021": ("019", "BM CA GL PM US"),
    "143": ("142", "KG KZ TJ TM UZ"),
    "030": ("142", "CN HK JP KP KR MN MO TW"),
    "035": ("142", "BN ID KH LA MM MY PH SG TH TL VN"),
    "034": ("142", "AF BD BT IN IR LK MV NP PK"),
    "145": ("142", "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE"),
    "151": ("150", "BG BY CZ HU MD PL RO RU SK UA"),
    "154": ("150", "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ"),
    "039": ("150", "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA"),
    "155": ("150", "AT BE CH DE FR LI LU MC NL"),
    "053": ("009", "AU CC CX HM NF NZ"),
    "054": ("009", "FJ NC PG SB VU"),
    "057": ("009", "FM GU KI MH MP NR PW UM"),
    "061": ("009", "AS CK NU PF PN TK TO TV WF WS"),
}
# Countries outside every M49 region: they roll up to the world directly.
_WORLD_ONLY: Final = frozenset({"AQ"})

SUBREGION_REGION: Final[Mapping[str, str]] = MappingProxyType(
    {subregion: region for subregion, (region, _) in _SUBREGIONS.items()}
)
COUNTRY_SUBREGION: Final[Mapping[str, str]] = MappingProxyType(
    {
        country: subregion
        for subregion, (_, countries) in _SUBREGIONS.items()
        for country in countries.split()
    }
)
COUNTRIES: Final[frozenset[str]] = frozenset(COUNTRY_SUBREGION) | _WORLD_ONLY
REGIONS: Final[frozenset[str]] = frozenset(SUBREGION_REGION.values())


def subregion_of(country: str) -> str | None:
    """The M49 sub-region code of an ISO alpha-2 country, None for Antarctica."""
    if country not in COUNTRIES:
        raise ValueError(f"unknown country code {country!r}")
    return COUNTRY_SUBREGION.get(country)


def region_of(country: str) -> str | None:
    """The M49 region code of an ISO alpha-2 country, None for Antarctica."""
    subregion = subregion_of(country)
    return None if subregion is None else SUBREGION_REGION[subregion]


def area_of(country: str, level: AreaLevel) -> tuple[AreaLevel, str]:
    """The area at `level` that holds `country`, or the next coarser one that exists."""
    if level == "country":
        subregion_of(country)  # validates the code
        return ("country", country)
    subregion = subregion_of(country)
    if subregion is not None and level == "subregion":
        return ("subregion", subregion)
    if subregion is not None and level in ("subregion", "region"):
        return ("region", SUBREGION_REGION[subregion])
    return ("world", WORLD)


def parent_area(level: AreaLevel, code: str) -> tuple[AreaLevel, str] | None:
    """The next coarser area that contains an area; None for the world."""
    if level == "country":
        subregion = subregion_of(code)
        return ("world", WORLD) if subregion is None else ("subregion", subregion)
    if level == "subregion":
        return ("region", SUBREGION_REGION[code])
    if level == "region":
        return ("world", WORLD)
    return None


def area_name(code: str, language: Language = "en") -> str:
    """The English or Dutch name of an M49 sub-region, region or the world."""
    return AREA_NAMES[code][language]


@functools.cache
def _dutch() -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=["nl"], fallback=True
    )


def country_name(code: str, language: Language = "en") -> str:
    """A country's short name from ISO 3166-1 (pycountry), in English or Dutch."""
    country = pycountry.countries.get(alpha_2=code) if code in COUNTRIES else None
    if country is None:
        raise ValueError(f"unknown country code {code!r}")
    # The common name, where ISO has one, reads better: "Bolivia", not "Bolivia,
    # Plurinational State of".
    name = str(getattr(country, "common_name", None) or country.name)
    # A common name without a Dutch translation is the same in Dutch ("Bolivia").
    return name if language == "en" else _dutch().gettext(name)
