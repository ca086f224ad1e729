"""Backing up and restoring the whole platform: the database and the uploaded files.

A backup is one folder:

- `database.dump` (PostgreSQL, `pg_dump` custom format) or `database.sqlite3` (SQLite, a
  consistent copy made with SQLite's online backup, safe while the site runs);
- `files.tar`: MEDIA_ROOT under `media/` and PRIVATE_MEDIA_ROOT under `private/`
  (evidence, plans, agenda documents, meeting packs, reports, location-list evidence);
- `manifest.json`, written last: what is in the folder, from which database engine, and
  the row count of every table at the time. A folder without it is not a backup.

A restore goes into an empty database only (one just created, without tables), unless
`force` is given: then PostgreSQL's tables are dropped and recreated from the dump, and an
SQLite database is replaced whole. Files are unpacked into the two folders; files already
there with other names stay.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
FILES = "files.tar"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    engine: str
    tables: int
    rows: int
    files: int


@dataclass(frozen=True)
class RestoreResult:
    folder: Path
    engine: str
    database: str
    tables: int
    rows: int
    files: int
    replaced: bool


def files_phrase(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def default_folder() -> Path:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.BASE_DIR) / "var" / "backups" / stamp


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DUMP:
        raise BackupError(f"Databases of type {vendor} cannot be backed up here.")
    return vendor


def _file_roots() -> dict[str, Path]:
    return {
        "media": Path(settings.MEDIA_ROOT),
        "private": Path(settings.PRIVATE_MEDIA_ROOT),
    }


def _table_rows(alias: str) -> dict[str, int]:
    connection = connections[alias]
    tables = sorted(connection.introspection.table_names())
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_environment(alias: str) -> dict[str, str]:
    """The connection of `alias` for the PostgreSQL tools, in their environment (so that
    no password shows on a command line)."""
    database = connections[alias].settings_dict
    environment = dict(os.environ)
    for key, name in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ]:
        if database.get(key):
            environment[name] = str(database[key])
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = sslmode
    return environment


def _run(command: list[str], alias: str) -> None:
    try:
        subprocess.run(  # noqa: S603 - fixed programs, arguments not from a shell
            command,
            env=_pg_environment(alias),
            check=True,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed; install the PostgreSQL client tools "
            "of the server's version or newer."
        ) from error
    except subprocess.CalledProcessError as error:
        raise BackupError(
            f"{command[0]} failed: {error.stderr.strip() or error.returncode}"
        ) from error


# --- Backup -------------------------------------------------------------------------------


def backup_make(
    *, folder: Path | None = None, database: str = "default"
) -> BackupResult:
    """Write a backup of `database` and the uploaded files into `folder` (a new or empty
    folder; by default var/backups/<time>). Never overwrites an earlier backup."""
    folder = Path(folder or default_folder())
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; choose a new folder.")
    engine = _engine(database)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _write(folder, engine, database)
    except BaseException:
        _remove_incomplete(folder)
        raise


def _write(folder: Path, engine: str, database: str) -> BackupResult:
    counts = _table_rows(database)
    dump = folder / DUMP[engine]
    if engine == "postgresql":
        name = connections[database].settings_dict["NAME"]
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
                f"--dbname={name}",
            ],
            database,
        )
    else:
        _sqlite_copy(database, dump)
    files = _pack_files(folder / FILES)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "database": dump.name,
        "files": FILES,
        "file_count": files,
        "rows": counts,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return BackupResult(
        folder=folder,
        engine=engine,
        tables=len(counts),
        rows=sum(counts.values()),
        files=files,
    )


def _sqlite_copy(alias: str, target: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # SQLite's online backup: a consistent copy even while others write.
        connection.connection.backup(copy)
    finally:
        copy.close()


def _pack_files(target: Path) -> int:
    count = 0
    with tarfile.open(target, "w") as archive:
        for prefix, root in _file_roots().items():
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=f"{prefix}/{path.relative_to(root)}")
                    count += 1
    return count


# --- Restore ------------------------------------------------------------------------------


def _manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{folder} holds no {MANIFEST}: not a backup, or one that did not finish."
        )
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is a backup of an unknown format.")
    for name in (manifest["database"], manifest["files"]):
        if not (folder / name).is_file():
            raise BackupError(f"{folder / name} is missing.")
    return manifest


def backup_restore(
    *, folder: Path, database: str = "default", force: bool = False
) -> RestoreResult:
    """Restore the backup in `folder` into `database` and the file folders. Refuses a
    database that has tables already unless `force`; refuses a backup of another engine
    (a PostgreSQL dump cannot go into SQLite, nor the other way)."""
    folder = Path(folder)
    manifest = _manifest(folder)
    engine = _engine(database)
    if manifest["engine"] != engine:
        raise BackupError(
            f"The backup is of a {manifest['engine']} database; this one is {engine}."
        )
    connection = connections[database]
    existing = connection.introspection.table_names()
    if existing and not force:
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty "
            f"({len(existing)} tables). Restore into a new, empty database, or give "
            "--force to replace what is in it."
        )
    _check_files(folder / manifest["files"])
    dump = folder / manifest["database"]
    if engine == "postgresql":
        connection.close()
        command = [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
        ]
        if force:
            command += ["--clean", "--if-exists"]
        _run([*command, str(dump)], database)
    else:
        _sqlite_replace(database, dump)
    files = _unpack_files(folder / manifest["files"])
    counts = _table_rows(database)
    return RestoreResult(
        folder=folder,
        engine=engine,
        database=str(connection.settings_dict["NAME"]),
        tables=len(counts),
        rows=sum(counts.values()),
        files=files,
        replaced=bool(existing),
    )


def _sqlite_replace(alias: str, source: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    backup = sqlite3.connect(source)
    try:
        backup.backup(connection.connection)
    finally:
        backup.close()


def _members(archive: tarfile.TarFile) -> Iterator[tuple[tarfile.TarInfo, Path]]:
    """The archive's files, each renamed to its place under its folder, with the folder;
    a member outside the two folders is left out."""
    roots = _file_roots()
    for member in archive.getmembers():
        prefix, _, name = member.name.partition("/")
        if prefix in roots and name and member.isfile():
            yield member.replace(name=name, deep=False), roots[prefix]


def _check_files(source: Path) -> None:
    """Refuse an archive with a file that would land outside its folder, before the
    database is touched."""
    with tarfile.open(source, "r") as archive:
        for member, root in _members(archive):
            try:
                # The "data" filter refuses absolute paths, "..", links and devices.
                tarfile.data_filter(member, str(root))
            except tarfile.FilterError as error:
                raise BackupError(
                    f"{source} holds a file that would land outside its folder "
                    f"({member.name}); nothing was restored."
                ) from error


def _unpack_files(source: Path) -> int:
    count = 0
    with tarfile.open(source, "r") as archive:
        for member, root in _members(archive):
            root.mkdir(parents=True, exist_ok=True)
            archive.extract(member, path=root, filter="data")
            count += 1
    return count


def _remove_incomplete(folder: Path) -> None:
    """A backup that failed half-way leaves no folder that looks like a backup."""
    if folder.is_dir() and not (folder / MANIFEST).exists():
        shutil.rmtree(folder)
