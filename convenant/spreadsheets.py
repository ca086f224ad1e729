"""What every spreadsheet of the platform shares: the formula escape of every export
(CSV and XLSX alike), and the first row of an uploaded spreadsheet checked against a
template's columns, in the same words for every import."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Final

from django.utils.translation import gettext as _

# A spreadsheet runs a cell that starts with one of these as a formula (or a DDE
# command). On export such a cell gets a leading apostrophe (OWASP's advice against CSV
# injection); an import takes that apostrophe off again (`unescape_formula`), so an
# exported file imports unchanged.
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
# A lone sign is what exports print for "none" or "withheld"; a spreadsheet keeps it as
# text, so it is written as it is.
LONE_SIGNS: Final = frozenset({"-", "+"})


def _looks_escaped_or_formula(text: str) -> bool:
    bare = text.lstrip("'")
    return bare not in LONE_SIGNS and bare.startswith(FORMULA_START)


def escape_formula(value: Any) -> Any:
    """A cell as an export writes it: text that a spreadsheet would run as a formula
    gets a leading apostrophe (as does text that already looks escaped, so that
    `unescape_formula` gives back exactly the original). Anything else is unchanged.
    Every CSV and XLSX export of the platform passes its text cells through here."""
    if isinstance(value, str) and _looks_escaped_or_formula(value):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """The text an export escaped with `escape_formula`, as it was before."""
    if text.startswith("'") and _looks_escaped_or_formula(text[1:]):
        return text[1:]
    return text


def column_problem(
    headers: Sequence[str],
    *,
    known: Collection[str],
    required: Sequence[str],
    expected: str,
) -> str | None:
    """Why the first row does not name the template's columns (missing, unknown or
    repeated ones, each named), or None when it does. `expected` says in words which
    columns the first row should name."""
    from openpyxl.utils import get_column_letter

    seen: set[str] = set()
    unknown: list[str] = []
    twice: list[str] = []
    for index, header in enumerate(headers, start=1):
        if not header:
            unknown.append(
                _("a column without a name (column %(letter)s)")
                % {"letter": get_column_letter(index)}
            )
        elif header not in known:
            unknown.append(f"“{header}”")
        elif header in seen:
            twice.append(header)
        seen.add(header)
    missing = [column for column in required if column not in seen]
    if not (missing or unknown or twice):
        return None
    problems = []
    if missing:
        problems.append(_("Missing: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(_("Unknown: %(columns)s.") % {"columns": ", ".join(unknown)})
    if twice:
        problems.append(
            _("More than once: %(columns)s.") % {"columns": ", ".join(twice)}
        )
    return _(
        "The columns in the first row do not match the template. %(problems)s The "
        "first row names the columns %(expected)s."
    ) % {"problems": " ".join(problems), "expected": expected}
