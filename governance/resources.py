"""The columns of the organisation file: how each spreadsheet cell becomes a field of an
Organisation and back. The import rules (matching, defaults, checks across rows) live in
governance/imports.py."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import Country
from import_export import resources, widgets
from import_export.fields import Field

from convenant.spreadsheets import escape_formula, unescape_formula

from .models import (
    CsrdCategory,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Participation,
)

# The columns every file has, in this order; `status` may be added as a last column.
REQUIRED_COLUMNS = (
    "name",
    "kind",
    "kvk",
    "country",
    "fte",
    "participation",
    "signed_on",
    "is_recycler",
    "csrd_category",
)
OPTIONAL_COLUMNS = ("status",)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y")
TRUE_WORDS = frozenset({"yes", "true", "1", "ja"})
FALSE_WORDS = frozenset({"no", "false", "0", "nee"})

# Dutch names people use for the coded values, besides the English labels. They are
# accepted as input, so they are data here rather than translations of the interface.
DUTCH_NAMES: Mapping[str, tuple[str, ...]] = {
    OrganisationKind.COMPANY: ("bedrijf", "onderneming"),
    OrganisationKind.UNION: ("vakbond",),
    OrganisationKind.NGO: ("maatschappelijke organisatie",),
    OrganisationKind.BRANCH: ("brancheorganisatie", "branchevereniging"),
    OrganisationKind.SER: ("sociaal-economische raad",),
    OrganisationKind.GOVERNMENT: ("overheid", "rijksoverheid", "ministerie"),
    OrganisationKind.SECRETARIAT: ("secretariaat",),
    Participation.PARTY: ("partij",),
    Participation.SUPPORTER: ("steunbetuiger",),
    Participation.NONE: ("geen",),
    OrganisationStatus.APPLICANT: ("aanvrager", "kandidaat"),
    OrganisationStatus.ACTIVE: ("actief",),
    OrganisationStatus.WITHDRAWING: ("in opzegging", "opzeggend"),
    OrganisationStatus.WITHDRAWN: ("teruggetrokken", "uitgetreden"),
    OrganisationStatus.REMOVED: ("verwijderd",),
    CsrdCategory.LISTED_SME: ("beursgenoteerd mkb", "beursgenoteerde mkb"),
    CsrdCategory.VSME: ("overig", "overig (vsme)", "overige (vsme)"),
}


def cell_text(value: Any) -> str:
    """A cell as the text the person typed: trimmed, an export's formula escape taken
    off, whole numbers from a spreadsheet without a trailing `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return unescape_formula(str(value).strip())


def kvk_text(value: Any) -> str:
    """A KvK number as eight digits where it can be read as one. A spreadsheet stores a
    number typed in a cell without its leading zero (01234567 becomes 1234567); a number
    cell is therefore padded back to eight digits."""
    if isinstance(value, bool):
        return cell_text(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        number = int(value)
        if 0 <= number < 10**8:
            return f"{number:08d}"
    return re.sub(r"\s+", "", cell_text(value))


class ChoiceWidget(widgets.Widget):
    """A coded value: accepts the code, the English label or a Dutch name, in any case."""

    def __init__(
        self,
        choices: type[models.TextChoices],
        *,
        unknown: Promise,
        missing: Promise | None = None,
        empty: str | None = "",
        dutch: Mapping[str, Iterable[str]] = DUTCH_NAMES,
    ) -> None:
        super().__init__(coerce_to_string=True)
        self.choices = choices
        self.unknown = unknown
        self.missing = missing
        self.empty = empty
        self.dutch = dutch
        self._lookup: dict[str, str] | None = None

    @property
    def allowed(self) -> str:
        return ", ".join(choice.value for choice in self.choices)

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            lookup: dict[str, str] = {}
            for choice in self.choices:
                names = [choice.value, *self.dutch.get(choice.value, ())]
                # The labels as they read in English, in Dutch once translated, and in
                # the language of whoever runs the import.
                for language in ("en", "nl", translation.get_language() or "en"):
                    with translation.override(language):
                        names.append(str(choice.label))
                for name in names:
                    lookup.setdefault(name.strip().casefold(), choice.value)
            self._lookup = lookup
        return self._lookup

    def clean(
        self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> str | None:
        text = cell_text(value)
        if not text:
            if self.missing is not None:
                raise ValueError(self.missing % {"allowed": self.allowed})
            return self.empty
        try:
            return self.lookup()[text.casefold()]
        except KeyError:
            raise ValueError(
                self.unknown % {"value": text, "allowed": self.allowed}
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class NameWidget(widgets.Widget):
    def clean(
        self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> str:
        text = cell_text(value)
        if not text:
            raise ValueError(gettext("Give the organisation's name."))
        return text

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class KvkWidget(widgets.Widget):
    """Eight digits or empty; the eight-digit rule itself is the model's validator."""

    def clean(
        self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> str | None:
        text = kvk_text(value)
        if not text:
            return None
        if text.isdecimal() and len(text) < 8:
            raise ValueError(
                gettext(
                    "“%(value)s” has %(count)d digits; a KvK number has exactly 8. If "
                    "the spreadsheet dropped a leading zero, add it back and format "
                    "the column as text."
                )
                % {"value": text, "count": len(text)}
            )
        return text

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value or ""


class CountryWidget(widgets.Widget):
    """An ISO 3166 code (two or three letters) or a country's English or Dutch name."""

    def clean(
        self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> str:
        text = cell_text(value)
        if not text:
            return ""
        code = countries.alpha2(text) if len(text) in (2, 3) else ""
        for language in ("en", "nl"):
            code = code or countries.by_name(text, language=language)
        if not code:
            raise ValueError(
                gettext(
                    "“%(value)s” is not a country. Use the two-letter ISO code, such as "
                    "NL, DE or CN, or the country's English or Dutch name."
                )
                % {"value": text}
            )
        return code

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if isinstance(value, Country):
            return value.code or ""
        return "" if value is None else str(value)


class FteWidget(widgets.Widget):
    def clean(
        self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        text = cell_text(value)
        if not text:
            return None
        if not text.isdecimal():
            raise ValueError(
                gettext(
                    "“%(value)s” is not a whole number of 0 or more. Give the size in "
                    "FTE as a whole number, for example 120."
                )
                % {"value": text}
            )
        return int(text)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class DateWidget(widgets.Widget):
    def clean(
        self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> dt.date | None:
        # A date cell in a spreadsheet arrives as a date or datetime, not as text.
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        for date_format in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, date_format).date()  # noqa: DTZ007
            except ValueError:
                continue
        raise ValueError(
            gettext(
                "“%(value)s” is not a date. Write it as YYYY-MM-DD or DD-MM-YYYY, for "
                "example 2025-10-16 or 16-10-2025."
            )
            % {"value": text}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.isoformat() if value else ""


class YesNoWidget(widgets.Widget):
    """Yes or no; an empty cell means no."""

    def clean(
        self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> bool:
        if isinstance(value, bool):
            return value
        text = cell_text(value).casefold()
        if not text or text in FALSE_WORDS:
            return False
        if text in TRUE_WORDS:
            return True
        raise ValueError(
            gettext(
                "“%(value)s” is not yes or no. Use yes, no, true, false, 1, 0, ja or "
                "nee; an empty cell means no."
            )
            % {"value": cell_text(value)}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "yes" if value else "no"


class OrganisationResource(resources.ModelResource):
    """One organisation per row, in the columns of `COLUMNS`.

    Widgets raise ValueError with a message for the person; import-export reports those,
    together with Organisation.full_clean()'s, as the row's ValidationError keyed by model
    field. `column_of` turns those keys back into column names."""

    name = Field(attribute="name", column_name="name", widget=NameWidget())
    kind = Field(
        attribute="kind",
        column_name="kind",
        widget=ChoiceWidget(
            OrganisationKind,
            unknown=_(
                "“%(value)s” is not a kind of organisation. Use one of: %(allowed)s "
                "(or the English or Dutch name)."
            ),
            missing=_("Give the kind of organisation: one of %(allowed)s."),
        ),
    )
    # An empty cell leaves a known organisation's KvK number as it is.
    kvk = Field(
        attribute="kvk_number",
        column_name="kvk",
        widget=KvkWidget(),
        saves_null_values=False,
    )
    country = Field(
        attribute="country", column_name="country", widget=CountryWidget(), default="NL"
    )
    fte = Field(attribute="fte", column_name="fte", widget=FteWidget())
    participation = Field(
        attribute="participation",
        column_name="participation",
        widget=ChoiceWidget(
            Participation,
            unknown=_(
                "“%(value)s” is not a form of participation. Use one of: %(allowed)s "
                "(or the English or Dutch name)."
            ),
        ),
    )
    signed_on = Field(
        attribute="signed_on", column_name="signed_on", widget=DateWidget()
    )
    is_recycler = Field(
        attribute="is_recycler", column_name="is_recycler", widget=YesNoWidget()
    )
    csrd_category = Field(
        attribute="csrd_category",
        column_name="csrd_category",
        widget=ChoiceWidget(
            CsrdCategory,
            unknown=_(
                "“%(value)s” is not a CSRD category. Use one of: %(allowed)s, or leave "
                "it empty."
            ),
        ),
    )
    # Without a value a known organisation keeps its status: a status change follows
    # the allowed steps, and clearing a status means nothing.
    status = Field(
        attribute="status",
        column_name="status",
        widget=ChoiceWidget(
            OrganisationStatus,
            unknown=_(
                "“%(value)s” is not a status. Use one of: %(allowed)s (or the English or "
                "Dutch name), or leave it empty."
            ),
            empty=None,
        ),
        saves_null_values=False,
    )

    class Meta:
        model = Organisation
        fields = COLUMNS
        import_order = COLUMNS
        export_order = COLUMNS
        import_id_fields = ("kvk", "name")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        store_instance = True
        use_transactions = True

    @classmethod
    def column_of(cls, key: str) -> str:
        """The column a ValidationError key (a model field) belongs to; "" for errors
        about the row as a whole."""
        for field in cls.fields.values():
            if field.attribute == key:
                return str(field.column_name)
        return ""

    def export_field(self, field: Field, instance: Organisation, **kwargs: Any) -> Any:
        return escape_formula(super().export_field(field, instance, **kwargs))

    # The country widget yields only known ISO codes, so full_clean() need not check the
    # column again: CountryField's check rebuilds its list of some 250 countries per row.
    fields_valid_by_widget: tuple[str, ...] = ("country",)
    # Constraints of Organisation that a subclass checks without a query per row (see
    # `constraints_in_memory`); full_clean() checks every other constraint.
    constraints_checked_in_memory: frozenset[str] = frozenset()

    def constraints_in_memory(
        self, instance: Organisation, exclude: set[str]
    ) -> dict[str, list[ValidationError]]:
        return {}

    def validate_instance(
        self,
        instance: Organisation,
        import_validation_errors: dict[str, list[ValidationError]] | None = None,
        validate_unique: bool = True,
    ) -> None:
        """full_clean() after the widgets, reporting one problem once: a column whose
        cell could not be read keeps that message only, and the model's cross-field
        rules are left out when the kind is unknown, since they all depend on it."""
        errors: dict[str, list[ValidationError]] = dict(import_validation_errors or {})
        exclude = {*errors, *self.fields_valid_by_widget}
        found: dict[str, list[ValidationError]] = {}
        try:
            if "kind" in errors:
                instance.clean_fields(exclude=exclude)
            else:
                instance.full_clean(
                    exclude=exclude,
                    validate_unique=validate_unique,
                    validate_constraints=False,
                )
        except ValidationError as error:
            found = error.update_error_dict(found)
        if "kind" not in errors:
            for constraint in Organisation._meta.constraints:
                if constraint.name in self.constraints_checked_in_memory:
                    continue
                try:
                    constraint.validate(Organisation, instance, exclude=exclude)
                except ValidationError as error:
                    found = error.update_error_dict(found)
            for key, messages in self.constraints_in_memory(instance, exclude).items():
                found.setdefault(key, []).extend(messages)
        if found:
            for key, messages in _unique_errors_on_their_field(found).items():
                if key not in errors:
                    errors[key] = messages
        if errors:
            raise ValidationError(errors)


def _unique_errors_on_their_field(
    found: dict[str, list[ValidationError]],
) -> dict[str, list[ValidationError]]:
    """The KvK uniqueness rule is a conditional UniqueConstraint, which Django reports
    for the row as a whole; put it on its field so the person sees the column."""
    field_of_message = {
        str(constraint.violation_error_message): constraint.fields[0]
        for constraint in Organisation._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        and len(constraint.fields) == 1
    }
    result: dict[str, list[ValidationError]] = {}
    for key, messages in found.items():
        for message in messages:
            text = message.messages[0] if message.messages else ""
            target = field_of_message.get(text, key) if key == NON_FIELD_ERRORS else key
            result.setdefault(target, []).append(message)
    return result


@dataclass(frozen=True)
class ColumnHelp:
    """What the template's explanation sheet and the upload page say about a column."""

    column: str
    required: str
    allowed: str
    meaning: str


def column_help() -> list[ColumnHelp]:
    """Every column with whether it is required and the values it takes, in the active
    language."""

    def codes(choices: type[models.TextChoices]) -> str:
        return ", ".join(f"{choice.value} ({choice.label})" for choice in choices)

    return [
        ColumnHelp(
            "name",
            gettext("Required"),
            gettext("Text, at most 200 characters."),
            gettext(
                "The organisation's name. Without a KvK number, a row updates the "
                "organisation with this name (capitals do not matter)."
            ),
        ),
        ColumnHelp(
            "kind",
            gettext("Required"),
            codes(OrganisationKind)
            + ". "
            + gettext("The English or Dutch name works too, such as bedrijf."),
            gettext("The kind of organisation."),
        ),
        ColumnHelp(
            "kvk",
            gettext("Optional"),
            gettext("8 digits, for example 01234567. Format the column as text."),
            gettext(
                "Chamber of Commerce number. A row with a known KvK number updates that "
                "organisation; each number appears once in a file."
            ),
        ),
        ColumnHelp(
            "country",
            gettext("Optional; empty means NL"),
            gettext("Two-letter ISO code (NL, DE, CN) or the English or Dutch name."),
            gettext("Country of the head office."),
        ),
        ColumnHelp(
            "fte",
            gettext("Required for companies"),
            gettext("A whole number of 0 or more."),
            gettext("Size in full-time equivalents; sets a company's contribution."),
        ),
        ColumnHelp(
            "participation",
            gettext(
                "Optional; empty means party for companies, unions, NGOs and branch "
                "organisations, none for the others"
            ),
            codes(Participation),
            gettext(
                "A company with a position in metal supply chains can only be a "
                "party. The SER, the government and the secretariat have none."
            ),
        ),
        ColumnHelp(
            "signed_on",
            gettext("Required for an active party or supporter"),
            gettext("A date as YYYY-MM-DD or DD-MM-YYYY, not in the future."),
            gettext("The date the organisation signed the agreement."),
        ),
        ColumnHelp(
            "is_recycler",
            gettext("Optional; empty means no"),
            gettext("yes, no, true, false, 1, 0, ja, nee."),
            gettext("Whether the company is a recycler (companies only)."),
        ),
        ColumnHelp(
            "csrd_category",
            gettext("Optional; empty means vsme for companies"),
            codes(CsrdCategory),
            gettext("The reporting standard that applies to a company."),
        ),
        ColumnHelp(
            "status",
            gettext("Optional column"),
            codes(OrganisationStatus),
            gettext(
                "Without it a new organisation is active when it has a signing date "
                "(or takes part as none) and an applicant otherwise, and a known "
                "organisation keeps its status. A change follows the allowed steps."
            ),
        ),
    ]
