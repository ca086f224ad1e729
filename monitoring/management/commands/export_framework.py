"""Write a loaded framework version back out as YAML.

    python manage.py export_framework metals 1 [--output metals-v1.yaml]

The YAML loads again (with load_framework) to an equal framework.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from monitoring.framework import dump_framework_yaml
from monitoring.models import Framework


class Command(BaseCommand):
    help = "Print (or write to a file) a loaded framework version as YAML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="framework code, e.g. metals")
        parser.add_argument("version", type=int, help="version number")
        parser.add_argument(
            "--output", type=Path, help="file to write to instead of standard output"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code, version = options["code"], options["version"]
        framework = Framework.objects.filter(code=code, version=version).first()
        if framework is None:
            known = ", ".join(
                f"{c} {v}"
                for c, v in Framework.objects.order_by("code", "version").values_list(
                    "code", "version"
                )
            )
            raise CommandError(
                f"No framework {code} version {version} is loaded"
                + (
                    f" (loaded: {known})."
                    if known
                    else "; no framework is loaded at all."
                ),
                returncode=2,
            )
        text = dump_framework_yaml(framework.parsed)
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(
                f"{output}: {error.strerror or error}", returncode=2
            ) from error
        self.stdout.write(f"Wrote {code} version {version} to {output}")
