"""Write the newest published release of a year's aggregated list to a file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketenkaart import releases
from ketenkaart.exports import FILE_FORMATS


class Command(BaseCommand):
    help = (
        "Write the newest published release of a year's aggregated production-location "
        "list, with the published columns only, to a CSV or XLSX file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", required=True, choices=FILE_FORMATS)
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument("--language", choices=("nl", "en"), default="en")

    def handle(self, *args, **options) -> None:
        release = releases.release_latest(options["year"])
        if release is None:
            raise CommandError(
                f"Nothing is published for {options['year']}: run "
                f"publish_location_list --year {options['year']} first."
            )
        export = releases.release_export(
            release, options["format"], options["language"]
        )
        try:
            options["output"].write_bytes(export.content)
        except OSError as error:
            raise CommandError(f"Cannot write {options['output']}: {error}") from error
        self.stdout.write(
            f"Wrote {release} ({release.cells.count()} figures) to {options['output']}."
        )
