"""The columns of a location file: how a Location becomes a row of the export, and what
the template's explanation sheet and the upload page say about each column. Reading an
uploaded file is ketenkaart/files.py and ketenkaart/rows.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django_countries.fields import Country
from import_export import resources, widgets
from import_export.fields import Field

from convenant.spreadsheets import escape_formula
from convenant.vocabulary import Activity, Material

from .models import Location, Relation

COLUMNS = (
    "supplier_name",
    "address",
    "city",
    "region_code",
    "country",
    "activity",
    "materials",
    "tier",
    "relation",
    "external_id",
)
# Columns a file may leave out: an absent region or reference is empty, an absent
# relation is "supplier".
OPTIONAL_COLUMNS = ("region_code", "relation", "external_id")
REQUIRED_COLUMNS = tuple(column for column in COLUMNS if column not in OPTIONAL_COLUMNS)
MATERIAL_SEPARATOR = ";"


class CountryCodeWidget(widgets.Widget):
    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if isinstance(value, Country):
            return value.code or ""
        return "" if value is None else str(value)


class MaterialsWidget(widgets.Widget):
    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return MATERIAL_SEPARATOR.join(value or [])


class TextWidget(widgets.Widget):
    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class TierWidget(widgets.Widget):
    """A whole number, so that a spreadsheet sorts and filters the column as numbers."""

    def __init__(self) -> None:
        super().__init__(coerce_to_string=False)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return value


class LocationResource(resources.ModelResource):
    """One location per row, in the columns of the template, so that an export imports
    again unchanged. Cells a spreadsheet would run as a formula are escaped."""

    supplier_name = Field(attribute="supplier_name", column_name="supplier_name")
    address = Field(attribute="address", column_name="address")
    city = Field(attribute="city", column_name="city")
    region_code = Field(attribute="region_code", column_name="region_code")
    country = Field(
        attribute="country", column_name="country", widget=CountryCodeWidget()
    )
    activity = Field(attribute="activity", column_name="activity", widget=TextWidget())
    materials = Field(
        attribute="materials", column_name="materials", widget=MaterialsWidget()
    )
    tier = Field(attribute="tier", column_name="tier", widget=TierWidget())
    relation = Field(attribute="relation", column_name="relation", widget=TextWidget())
    external_id = Field(attribute="external_id", column_name="external_id")

    class Meta:
        model = Location
        fields = COLUMNS
        export_order = COLUMNS

    def export_field(self, field: Field, instance: Location, **kwargs: Any) -> Any:
        return escape_formula(super().export_field(field, instance, **kwargs))


@dataclass(frozen=True)
class ColumnHelp:
    """What the template's explanation sheet and the upload page say about a column."""

    column: str
    required: str
    allowed: str
    meaning: str


def _codes(choices) -> str:
    return ", ".join(f"{choice.value} ({choice.label})" for choice in choices)


def column_help() -> list[ColumnHelp]:
    """Every column with whether it is required and the values it takes, in the active
    language."""
    return [
        ColumnHelp(
            "supplier_name",
            gettext("Required"),
            gettext("Text, at most 200 characters."),
            gettext(
                "The name of the company that runs the location: your supplier or, "
                "for a recycler mapping its customers, the customer."
            ),
        ),
        ColumnHelp(
            "address",
            gettext("Required"),
            gettext("Text, at most 255 characters."),
            gettext(
                "Street and number; for a mine or plant without one, a description of "
                "the site."
            ),
        ),
        ColumnHelp(
            "city",
            gettext("Required"),
            gettext("Text, at most 100 characters."),
            gettext("The city, or the nearest town."),
        ),
        ColumnHelp(
            "region_code",
            gettext("Optional"),
            gettext(
                "An ISO 3166-2 code of a region of the country, such as CD-LU "
                "(Lualaba, DR Congo) or CL-AN (Antofagasta, Chile)."
            ),
            gettext("The province, state or region of the location."),
        ),
        ColumnHelp(
            "country",
            gettext("Required"),
            gettext(
                "An ISO 3166-1 code such as CD, CL or CN, or the country's English "
                "or Dutch name."
            ),
            gettext("The country of the location."),
        ),
        ColumnHelp(
            "activity",
            gettext("Required"),
            _codes(Activity) + ". " + gettext("The English or Dutch name works too."),
            gettext("What happens at the location."),
        ),
        ColumnHelp(
            "materials",
            gettext("Required"),
            _codes(Material)
            + ". "
            + gettext("One or more, separated by ; (for example copper;cobalt)."),
            gettext("The raw materials the location handles."),
        ),
        ColumnHelp(
            "tier",
            gettext("Required"),
            gettext("A whole number from 1 to 99."),
            gettext(
                "Where in the chain the location is: 1 for a direct supplier, 2 for "
                "its supplier, and so on."
            ),
        ),
        ColumnHelp(
            "relation",
            gettext("Optional; empty means supplier"),
            _codes(Relation),
            gettext(
                "supplier for the locations you buy from; customer only for a "
                "recycler that maps its customers' locations (art. 17)."
            ),
        ),
        ColumnHelp(
            "external_id",
            gettext("Optional"),
            gettext("Text, at most 100 characters; each value once in the list."),
            gettext(
                "Your own code for the location, such as a supplier number. With it, "
                "a location is recognised next year even when its name changes."
            ),
        ),
    ]
