"""Import organisations from a CSV or XLSX file on the command line, with the same checks
and messages as the secretariat's import page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.imports import organisation_import
from governance.resources import REQUIRED_COLUMNS


class Command(BaseCommand):
    help = (
        "Add and update organisations from a CSV or XLSX file with the columns "
        + ", ".join(REQUIRED_COLUMNS)
        + " (and optionally status). Saves every row or, when any row has a problem, "
        "none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV or XLSX file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what it would do, without saving.",
        )

    def handle(self, *args: Any, file: Path, dry_run: bool, **options: Any) -> None:
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s")
                % {"file": file, "reason": error.strerror or error}
            ) from None
        # No actor: the command line is trusted and recorded as "system".
        outcome = organisation_import(
            data=data, file_name=file.name, dry_run=dry_run, actor=None
        )
        self.stdout.write(outcome.summary())
        if options["verbosity"] >= 2:
            for row in outcome.added:
                self.stdout.write(
                    _("row %(row)d: adds %(name)s") % {"row": row.row, "name": row.name}
                )
            for row in outcome.updated:
                changes = "; ".join(
                    f"{change.column}: {change.old} → {change.new}"
                    for change in row.changes
                )
                self.stdout.write(
                    _("row %(row)d: changes %(name)s (%(changes)s)")
                    % {"row": row.row, "name": row.name, "changes": changes}
                )
        for problem in outcome.errors:
            self.stderr.write(str(problem))
        if outcome.errors:
            raise CommandError(
                ngettext(
                    "%(count)d problem; nothing was imported.",
                    "%(count)d problems; nothing was imported.",
                    len(outcome.errors),
                )
                % {"count": len(outcome.errors)}
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS(_("The organisations were imported.")))
