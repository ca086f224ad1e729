"""One row of a location file, read into a clean location or into problems: each problem
names the row, the column and what to write instead.

The rules are Location's own (models.py), applied here without a query or a model
instance per row, so that a file of 100,000 rows is checked in seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from convenant.vocabulary import Activity, Material
from governance.resources import cell_text

from . import places
from .models import Location, Relation
from .plan import LocationRow
from .resources import COLUMNS, MATERIAL_SEPARATOR

MAX_TIER = 99
_MATERIAL_SPLIT = re.compile(r"[;,|/\n]+")


def _max_length(name: str) -> int:
    return Location._meta.get_field(name).max_length or 0


@dataclass(frozen=True)
class RowProblem:
    """One problem, where the person finds it in their spreadsheet: `row` counts the
    header as row 1 (None for the file as a whole), `column` is the column's name (""
    for the row as a whole), `value` what the cell holds."""

    row: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if not self.column:
            return _("row %(row)d: %(message)s") % {
                "row": self.row,
                "message": self.message,
            }
        return _("row %(row)d, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


_MATERIAL_ORDER = {value: index for index, value in enumerate(Material.values)}


def material_order(materials) -> tuple[str, ...]:
    """Materials once each, in the order of the vocabulary."""
    return tuple(
        sorted(set(materials), key=lambda value: _MATERIAL_ORDER.get(value, 99))
    )


def _choice_lookup(choices) -> dict[str, str]:
    """A coded value by its code or its label in English, Dutch or the language of
    whoever imports, compared without case and accents."""
    lookup: dict[str, str] = {}
    for choice in choices:
        names = [choice.value, choice.value.replace("_", " ")]
        for language in ("en", "nl", translation.get_language() or "en"):
            with translation.override(language):
                names.append(str(choice.label))
        for name in names:
            lookup.setdefault(places.fold(name), choice.value)
    return lookup


class RowReader:
    """Reads the rows of one file for one company. Build once per file: the lookups
    of countries, activities and materials are made here, not per row."""

    def __init__(
        self,
        *,
        headers: Sequence[str],
        is_recycler: bool,
        normalise: Callable[[str], str],
    ) -> None:
        self.position = {column: headers.index(column) for column in headers}
        self.is_recycler = is_recycler
        self.normalise = normalise
        self.activities = _choice_lookup(Activity)
        self.materials = _choice_lookup(Material)
        self.relations = _choice_lookup(Relation)
        self.allowed_materials = ", ".join(Material.values)
        self.lengths = {
            column: _max_length(column)
            for column in ("supplier_name", "address", "city", "external_id")
        }

    def read(
        self, number: int, cells: Sequence[Any]
    ) -> tuple[LocationRow | None, list[RowProblem]]:
        """The row's location, or None with the problems of every column."""
        problems: list[RowProblem] = []
        text = {column: self._cell(cells, column) for column in COLUMNS}

        def problem(column: str, message: str) -> None:
            problems.append(RowProblem(number, column, text[column], message))

        supplier_name = self._text(
            text, "supplier_name", problem, lambda: _("Give the supplier's name")
        )
        address = self._text(
            text,
            "address",
            problem,
            lambda: _(
                "Give the address: street and number, or for a site without one, a "
                "description of where it is"
            ),
        )
        city = self._text(
            text, "city", problem, lambda: _("Give the city or nearest town")
        )
        country = self._country(text["country"], problem)
        region = self._region(text["region_code"], country, problem)
        activity = self._activity(text["activity"], problem)
        materials = self._materials(text["materials"], problem)
        tier = self._tier(cells, text["tier"], problem)
        relation = self._relation(text["relation"], problem)
        external_id = text["external_id"]
        if len(external_id) > self.lengths["external_id"]:
            problem("external_id", self._too_long("external_id"))
        if problems:
            return None, problems
        normalised = self.normalise(supplier_name)[: _max_length("normalised_name")]
        return (
            LocationRow(
                rows=(number,),
                supplier_name=supplier_name,
                normalised_name=normalised,
                address=address,
                city=city,
                region_code=region,
                country=country,
                activity=activity,
                materials=materials,
                tier=tier,
                relation=relation,
                external_id=external_id,
            ),
            [],
        )

    def _cell(self, cells: Sequence[Any], column: str) -> str:
        index = self.position.get(column)
        if index is None or index >= len(cells):
            return ""
        return " ".join(cell_text(cells[index]).split())

    def _too_long(self, column: str) -> str:
        return _("longer than %(limit)d characters; shorten it") % {
            "limit": self.lengths[column]
        }

    def _text(self, text: Mapping[str, str], column: str, problem, missing) -> str:
        value = text[column]
        if not value:
            problem(column, missing())
        elif len(value) > self.lengths[column]:
            problem(column, self._too_long(column))
        return value

    def _country(self, value: str, problem) -> str:
        if not value:
            problem(
                "country",
                _(
                    "Give the country (an ISO code such as CD, or the English or "
                    "Dutch name)"
                ),
            )
            return ""
        code = places.country_code(value)
        if code is None:
            problem("country", places.country_problem(value))
            return ""
        return code

    def _region(self, value: str, country: str, problem) -> str:
        if not value or not country:
            return ""
        code = places.region_code(value, country)
        if code is None:
            problem("region_code", places.region_problem(value, country))
            return ""
        return code

    def _activity(self, value: str, problem) -> str:
        activity = self.activities.get(places.fold(value)) if value else None
        if activity is not None:
            return activity
        allowed = ", ".join(Activity.values)
        if not value:
            problem(
                "activity",
                _("Give the activity: one of %(allowed)s") % {"allowed": allowed},
            )
        else:
            problem(
                "activity",
                _("“%(value)s” is not an activity (use one of: %(allowed)s)")
                % {"value": value, "allowed": allowed},
            )
        return ""

    def _materials(self, value: str, problem) -> tuple[str, ...]:
        names = [name.strip() for name in _MATERIAL_SPLIT.split(value) if name.strip()]
        allowed = self.allowed_materials
        if not names:
            problem(
                "materials",
                _(
                    "Give at least one material: one or more of %(allowed)s, "
                    "separated by %(separator)s"
                )
                % {"allowed": allowed, "separator": MATERIAL_SEPARATOR},
            )
            return ()
        found = []
        unknown = []
        for name in names:
            material = self.materials.get(places.fold(name))
            if material is None:
                unknown.append(f"“{name}”")
            else:
                found.append(material)
        if unknown:
            problem(
                "materials",
                _(
                    "%(values)s: not a material (use one or more of: %(allowed)s, "
                    "separated by %(separator)s)"
                )
                % {
                    "values": ", ".join(unknown),
                    "allowed": allowed,
                    "separator": MATERIAL_SEPARATOR,
                },
            )
            return ()
        return material_order(found)

    def _tier(self, cells: Sequence[Any], value: str, problem) -> int:
        raw = cells[self.position["tier"]] if "tier" in self.position else None
        number: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            number = raw
        elif isinstance(raw, float) and raw.is_integer():
            number = int(raw)
        elif value.isdecimal():
            number = int(value)
        if number is None or not 1 <= number <= MAX_TIER:
            if not value:
                message = _(
                    "Give the tier: 1 for a direct supplier, 2 for its supplier, and "
                    "so on"
                )
            else:
                message = _(
                    "“%(value)s” is not a tier (use a whole number from 1 to %(max)d: "
                    "1 for a direct supplier, 2 for its supplier, and so on)"
                ) % {"value": value, "max": MAX_TIER}
            problem("tier", message)
            return 0
        return number

    def _relation(self, value: str, problem) -> str:
        if not value:
            return Relation.SUPPLIER
        relation = self.relations.get(places.fold(value))
        if relation is None:
            problem(
                "relation",
                _("“%(value)s” is not a relation (use supplier or customer)")
                % {"value": value},
            )
            return ""
        if relation == Relation.CUSTOMER and not self.is_recycler:
            problem(
                "relation",
                _(
                    "only a recycler maps its customers (art. 17); use supplier, or "
                    "ask the secretariat to record your company as a recycler"
                ),
            )
            return ""
        return relation
