import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from convenant.backups import BackupError, backup_make, files_phrase


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files (MEDIA_ROOT and "
        "PRIVATE_MEDIA_ROOT) into a new folder: --output, else BACKUP_DIR, else "
        "var/backups/<time>."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=os.environ.get("BACKUP_DIR") or None,
            help="The folder to write (new or empty).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        folder = Path(options["output"]) if options["output"] else None
        try:
            result = backup_make(folder=folder, database=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the {result.engine} database ({result.tables} tables, "
            f"{result.rows} rows) and {files_phrase(result.files)} into {result.folder}."
        )
