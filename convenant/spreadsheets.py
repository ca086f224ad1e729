"""The first row of an uploaded spreadsheet, checked against a template's columns: the
same words for every import of the platform."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.utils.translation import gettext as _


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
