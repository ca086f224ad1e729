"""Build and publish the aggregated production-location list of a year, as the
secretariat's button does, and wait for it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketenkaart import releases


class Command(BaseCommand):
    help = (
        "Build the aggregated production-location list of a year from the submitted "
        "lists, with the disclosure rule in force, and publish it as a new release."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args, **options) -> None:
        try:
            release, started = releases.release_start(
                year=options["year"], actor=None, run_now=True
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if not started:
            raise CommandError(
                f"{release} is being built already; wait for it and try again."
            )
        release.refresh_from_db()
        self.stdout.write(
            f"Published {release}: {release.cells.count()} figures from "
            f"{release.lists} lists of {release.companies} companies "
            f"({release.locations} locations), at least {release.rules.get('k')} "
            "companies per figure."
        )
