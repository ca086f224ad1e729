"""Import a company's production-location list for a year from a CSV or XLSX file on the
command line, with the same checks and messages as the company's import page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.models import Organisation, OrganisationKind
from ketenkaart.resources import COLUMNS
from ketenkaart.services import location_list_import


class Command(BaseCommand):
    help = (
        "Replace a company's production-location list for a year with the locations "
        "of a CSV or XLSX file with the columns "
        + ", ".join(COLUMNS)
        + ". Saves every row or, when any row has a problem, none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV or XLSX file.")
        parser.add_argument(
            "--company", required=True, help="The company's KvK number (8 digits)."
        )
        parser.add_argument(
            "--year", required=True, type=int, help="The reporting year, e.g. 2026."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what it would do, without saving.",
        )

    def handle(
        self,
        *args: Any,
        file: Path,
        company: str,
        year: int,
        dry_run: bool,
        **options: Any,
    ) -> None:
        organisation = Organisation.objects.filter(
            kvk_number=company.strip(), kind=OrganisationKind.COMPANY
        ).first()
        if organisation is None:
            raise CommandError(
                _("No company has KvK number %(kvk)s.") % {"kvk": company}
            )
        try:
            with file.open("rb") as source:
                # No actor: the command line is trusted and recorded as "system".
                result = location_list_import(
                    company=organisation,
                    year=year,
                    file=source,
                    dry_run=dry_run,
                    actor=None,
                )
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s")
                % {"file": file, "reason": error.strerror or error}
            ) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            _("%(company)s, %(year)s: %(rows)s rows read; %(summary)s")
            % {
                "company": organisation.name,
                "year": year,
                "rows": result.rows,
                "summary": result.summary(),
            }
        )
        if result.merge_count:
            self.stdout.write(
                ngettext(
                    "%(count)d location was given in more than one row and merged:",
                    "%(count)d locations were given in more than one row and merged:",
                    result.merge_count,
                )
                % {"count": result.merge_count}
            )
            for merge in result.merged:
                self.stdout.write(
                    _("  rows %(rows)s: %(name)s")
                    % {
                        "rows": ", ".join(map(str, merge.rows)),
                        "name": merge.supplier_name,
                    }
                )
        if result.remove_count and not result.has_errors:
            if dry_run:
                message = ngettext(
                    "%(count)d location of the list is not in the file and would be "
                    "removed:",
                    "%(count)d locations of the list are not in the file and would be "
                    "removed:",
                    result.remove_count,
                )
            else:
                message = ngettext(
                    "%(count)d location of the list was not in the file and was "
                    "removed:",
                    "%(count)d locations of the list were not in the file and were "
                    "removed:",
                    result.remove_count,
                )
            self.stdout.write(message % {"count": result.remove_count})
            for row in result.to_remove:
                self.stdout.write(
                    f"  {row.supplier_name} ({row.city}, {row.country}, "
                    f"{row.activity}, tier {row.tier})"
                )
        if options["verbosity"] >= 2:
            for row in result.to_add:
                self.stdout.write(
                    _("row %(row)d: adds %(name)s")
                    % {"row": row.row, "name": row.supplier_name}
                )
            for row in result.to_change:
                changes = "; ".join(
                    f"{change.column}: {change.old} → {change.new}"
                    for change in row.changes
                )
                self.stdout.write(
                    _("row %(row)d: changes %(name)s (%(changes)s)")
                    % {"row": row.row, "name": row.supplier_name, "changes": changes}
                )
        for problem in result.problems:
            self.stderr.write(str(problem))
        if result.has_errors:
            raise CommandError(
                ngettext(
                    "%(count)d problem; nothing was imported.",
                    "%(count)d problems; nothing was imported.",
                    result.problem_count,
                )
                % {"count": result.problem_count}
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS(_("The list was imported.")))
