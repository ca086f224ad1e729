from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from convenant.backups import BackupError, backup_restore, files_phrase


class Command(BaseCommand):
    help = (
        "Restore a backup folder made by `backup`: the database (which must be empty "
        "unless --force) and the uploaded files."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup folder.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace what is in a database that is not empty.",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            result = backup_restore(
                folder=Path(options["path"]),
                database=options["database"],
                force=options["force"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        how = "Replaced" if result.replaced else "Restored"
        self.stdout.write(
            f"{how} the {result.engine} database {result.database} from "
            f"{result.folder}: {result.tables} tables, {result.rows} rows. "
            f"{files_phrase(result.files)} unpacked into MEDIA_ROOT and PRIVATE_MEDIA_ROOT."
        )
