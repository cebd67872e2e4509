"""Backup and restore of a single-machine install: the database and the uploaded files in one archive.

``manage.py backup`` (``make backup``) writes ``BACKUP_DIR/safetybank-YYYYMMDD-HHMMSS.tar.gz`` holding

- ``manifest.json``: when, which database engine, the applied migrations, and every file with its size
  and SHA-256;
- ``db.sqlite3`` (SQLite's online backup API: a consistent copy while the site runs) or ``db.dump``
  (``pg_dump --format=custom``);
- ``media/``: everything under ``MEDIA_ROOT`` (attachments and their thumbnails, signed scans, reports).

``manage.py restore ARCHIVE`` (``make restore ARCHIVE=...``) brings both back into an empty install and
checks every file against the manifest. It refuses a database that already holds people, or a media
folder with files in it, unless ``--force``. Production PostgreSQL should add point-in-time recovery:
see ``docs/backup.md``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in the reader's language."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: dict) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump / pg_restore, password through the environment, never argv."""
    args = ["--host", str(db.get("HOST") or "localhost"), "--username", str(db.get("USER") or "postgres")]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor})
    return vendor


def _media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def backup_create(*, output_dir: Path, alias: str = "default", media_root: Path | None = None) -> Path:
    """Write one dated archive of the database and the uploaded files; returns its path."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    engine = _engine(alias)
    connection = connections[alias]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / f"safetybank-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="sb-backup-") as work:
        work = Path(work)
        if engine == "sqlite":
            db_file = work / "db.sqlite3"
            connection.ensure_connection()
            destination = sqlite3.connect(db_file)
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
        else:
            db_file = work / "db.dump"
            args, env = _pg_env(connection.settings_dict)
            command = ["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges", "--file", str(db_file)]
            result = subprocess.run(  # noqa: S603
                [*command, str(connection.settings_dict["NAME"])], env=env, capture_output=True, text=True
            )
            if result.returncode:
                raise BackupError(_("pg_dump failed: %(error)s") % {"error": result.stderr.strip()})
        files = _media_files(media_root)
        recorder = MigrationRecorder(connection)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "engine": engine,
            "database": {"file": db_file.name, "sha256": _sha256(db_file)},
            "migrations": sorted(f"{app}.{name}" for app, name in recorder.applied_migrations()),
            "media": [
                {"path": p.relative_to(media_root).as_posix(), "size": p.stat().st_size, "sha256": _sha256(p)}
                for p in files
            ],
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        partial = target.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(db_file, arcname=db_file.name)
            for path in files:
                archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        partial.rename(target)  # a half-written archive never carries the final name
    return target


def _database_has_people(alias: str) -> bool:
    connection = connections[alias]
    table = get_user_model()._meta.db_table
    if table not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
        return cursor.fetchone() is not None


def backup_restore(*, archive: Path, alias: str = "default", media_root: Path | None = None, force: bool = False):
    """Bring an archive back into an empty install: database first, then the files, each checked."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if not archive.is_file():
        raise BackupError(_("No backup archive at %(path)s.") % {"path": archive})
    engine = _engine(alias)
    with tempfile.TemporaryDirectory(prefix="sb-restore-") as work:
        work = Path(work)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, filter="data")  # no absolute paths, links out or devices
            manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        except (tarfile.TarError, OSError, ValueError) as exc:
            raise BackupError(_("This is not a SafetyBank backup archive: %(error)s") % {"error": exc}) from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(_("This backup was written by another version of SafetyBank."))
        if manifest["engine"] != engine:
            raise BackupError(
                _("This backup is of a %(archive)s database; this install uses %(here)s.")
                % {"archive": manifest["engine"], "here": engine}
            )
        db_file = work / manifest["database"]["file"]
        if _sha256(db_file) != manifest["database"]["sha256"]:
            raise BackupError(_("The database in this archive is damaged (checksum differs)."))
        if not force and _database_has_people(alias):
            raise BackupError(_("The database is not empty; restore only into a new install, or use --force."))
        if not force and _media_files(media_root):
            message = _("The media folder %(path)s is not empty; use --force to overwrite.")
            raise BackupError(message % {"path": media_root})
        connection = connections[alias]
        if engine == "sqlite":
            source = sqlite3.connect(db_file)
            connection.close()
            destination = sqlite3.connect(connection.settings_dict["NAME"])
            try:
                source.backup(destination)
            finally:
                source.close()
                destination.close()
        else:
            connection.close()
            args, env = _pg_env(connection.settings_dict)
            command = ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--no-privileges"]
            command.append("--exit-on-error")
            result = subprocess.run(  # noqa: S603
                [*command, "--dbname", str(connection.settings_dict["NAME"]), str(db_file)],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode:
                raise BackupError(_("pg_restore failed: %(error)s") % {"error": result.stderr.strip()})
        media_root.mkdir(parents=True, exist_ok=True)
        for entry in manifest["media"]:
            source_file = work / "media" / entry["path"]
            if _sha256(source_file) != entry["sha256"]:
                raise BackupError(_("The file %(path)s in this archive is damaged.") % {"path": entry["path"]})
            destination_file = media_root / entry["path"]
            destination_file.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source_file, destination_file)
    return manifest


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)
