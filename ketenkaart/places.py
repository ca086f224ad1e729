"""Countries and regions as people write them in a location list.

A country is an ISO 3166-1 code or its English or Dutch name, in any case and with or
without accents; a region is an ISO 3166-2 subdivision code that belongs to the country
(pycountry's list).
"""

from __future__ import annotations

from functools import lru_cache

import pycountry
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from .plan import fold as plain_fold


def fold(text: str) -> str:
    """Compare names without case, accents or repeated spaces: "Côte d\u2019Ivoire"
    and "cote d'ivoire" are the same name."""
    if text.isascii():
        return " ".join(text.replace("`", "'").casefold().split())
    return plain_fold(text.replace("\u2019", "'").replace("`", "'"))


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Every accepted way of writing a country, folded, to its alpha-2 code: the codes,
    django-countries' names in English and Dutch, and pycountry's names."""
    lookup: dict[str, str] = {}
    codes = [code for code, _name in countries]
    for code in codes:
        lookup[fold(code)] = code
        alpha3 = countries.alpha3(code)
        if alpha3:
            lookup.setdefault(fold(alpha3), code)
    for language in ("en", "nl"):
        with translation.override(language):
            for code, name in countries:
                lookup.setdefault(fold(str(name)), code)
    for country in pycountry.countries:
        if country.alpha_2 not in codes:
            continue
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                lookup.setdefault(fold(name), country.alpha_2)
    return lookup


def country_code(text: str) -> str | None:
    """The alpha-2 code of a country written as a code or an English or Dutch name;
    None when it is none of those."""
    return _country_names().get(fold(text)) if text else None


def country_problem(text: str) -> str:
    return _(
        "“%(value)s” is not a country (use an ISO code such as CD, or the English or "
        "Dutch name)"
    ) % {"value": text}


@lru_cache(maxsize=1)
def _subdivisions() -> dict[str, frozenset[str]]:
    by_country: dict[str, set[str]] = {}
    for subdivision in pycountry.subdivisions:
        by_country.setdefault(subdivision.country_code, set()).add(subdivision.code)
    return {code: frozenset(found) for code, found in by_country.items()}


def region_code(text: str, country: str) -> str | None:
    """The ISO 3166-2 code of a region of `country`: "CD-LU", "cd-lu", or "LU" for a
    list whose country column says CD. None when it is no region of that country."""
    code = "".join(text.split()).upper()
    regions = _subdivisions().get(country, frozenset())
    if code in regions:
        return code
    if f"{country}-{code}" in regions:
        return f"{country}-{code}"
    return None


def region_problem(text: str, country: str) -> str | None:
    """Why `text` is not a region of `country`, or None when it is one."""
    if region_code(text, country) is not None:
        return None
    regions = sorted(_subdivisions().get(country, frozenset()))
    name = countries.name(country) or country
    if not regions:
        return _("%(country)s has no ISO 3166-2 regions; leave the region empty") % {
            "country": name
        }
    owner = _subdivision_country("".join(text.split()).upper())
    if owner and owner != country:
        return _(
            "“%(value)s” is a region of %(owner)s, not of %(country)s (use a code "
            "such as %(example)s, or leave it empty)"
        ) % {
            "value": text,
            "owner": countries.name(owner) or owner,
            "country": name,
            "example": regions[0],
        }
    return _(
        "“%(value)s” is not a region of %(country)s (use an ISO 3166-2 code such as "
        "%(example)s, or leave it empty)"
    ) % {"value": text, "country": name, "example": regions[0]}


def _subdivision_country(code: str) -> str | None:
    prefix = code.split("-", 1)[0]
    if code in _subdivisions().get(prefix, frozenset()):
        return prefix
    return None


def region_name(code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=code) if code else None
    return subdivision.name if subdivision is not None else code
