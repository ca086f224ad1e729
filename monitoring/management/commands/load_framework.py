"""Load an assessment framework version from a YAML file.

    python manage.py load_framework monitoring/frameworks/metals-v1.yaml

The file is checked in full first; every problem is printed with its place in the file,
nothing is loaded, and the command ends with exit code 2. Loading a version again with
the same content changes nothing; with other content it replaces the version, unless a
round uses it: then the changed framework needs the next version number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from monitoring.services.frameworks import framework_load


class Command(BaseCommand):
    help = "Load an assessment framework version from a YAML file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="framework YAML file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as error:
            raise CommandError(f"{path}: no such file", returncode=2) from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}: not UTF-8 text", returncode=2) from error
        except OSError as error:
            raise CommandError(
                f"{path}: {error.strerror or error}", returncode=2
            ) from error
        started = timezone.now()
        try:
            framework, created = framework_load(text=text)
        except ValidationError as error:
            raise CommandError(
                "\n".join(f"{path}: {message}" for message in error.messages),
                returncode=2,
            ) from error
        parsed = framework.parsed
        summary = f"{len(parsed.steps)} steps, {len(parsed.questions)} questions"
        if created:
            verb = "Loaded"
        elif framework.loaded_at >= started:
            verb = "Replaced"
        else:
            self.stdout.write(
                f"{framework.code} version {framework.version} is loaded already "
                f"with the same content ({summary}); nothing changed."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {framework.code} version {framework.version}: {summary}"
            )
        )
