"""Backup and restore: an archive restored into an empty database and media folder holds every record and
every file, photos included (SQLite always; PostgreSQL when DATABASE_URL is PostgreSQL)."""

import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import Attachment
from core.services import attachment_create
from tests.test_core_attachments import jpeg_with_gps

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _restore(archive: Path, database_url: str, media: Path) -> subprocess.CompletedProcess:
    """``manage.py restore`` as an operator runs it, on a fresh install configured by the environment."""
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media)}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def recorded(org, settings):
    """The organisation, a photo with its thumbnail and a PDF scan on file."""
    photo = attachment_create(
        owner=org.outlet_a, upload=SimpleUploadedFile("现场.jpg", jpeg_with_gps(), "image/jpeg"), by=org.security
    )
    assert photo.thumbnail
    return org


def _backup(tmp_path) -> Path:
    call_command("backup", output_dir=tmp_path / "backups")
    (archive,) = (tmp_path / "backups").glob("safetybank-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(name.startswith("media/attachments/") for name in names)
    return archive


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite restore runs on the SQLite suite")
def test_sqlite_backup_restores_every_record_and_file_into_an_empty_install(recorded, tmp_path, settings):
    archive = _backup(tmp_path)
    target = tmp_path / "restored" / "db.sqlite3"
    target.parent.mkdir()
    media = tmp_path / "restored" / "media"
    result = _restore(archive, f"sqlite:///{target}", media)
    assert result.returncode == 0, result.stderr

    restored = sqlite3.connect(target)
    tables = [row[0] for row in restored.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    counts = {t: restored.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    source = _source_counts()
    assert {t: counts.get(t) for t in source} == source
    assert counts["branches_user"] >= 6 and counts["core_attachment"] == 1
    photo = Attachment.objects.get()
    assert restored.execute("SELECT file FROM core_attachment").fetchone()[0] == photo.file.name
    assert _files(media) == _files(Path(settings.MEDIA_ROOT))
    assert (media / photo.file.name).read_bytes() == photo.file.read()


def _pg(db: dict, name: str):
    import psycopg2

    conn = psycopg2.connect(
        host=db["HOST"] or "localhost", port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"], dbname=name
    )
    conn.autocommit = True
    return conn


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs DATABASE_URL=postgres://…")
def test_postgresql_backup_restores_every_record_and_file_into_a_fresh_database(recorded, tmp_path, settings):
    archive = _backup(tmp_path)
    db = connection.settings_dict
    name = f"sb_mfa_restore_{uuid.uuid4().hex[:8]}"
    admin = _pg(db, "postgres")
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        media = tmp_path / "restored-media"
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        result = _restore(archive, f"postgres://{auth}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}", media)
        assert result.returncode == 0, result.stderr
        restored = _pg(db, name)
        cursor = restored.cursor()
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        counts = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        restored.close()
        source = _source_counts()
        assert {t: counts.get(t) for t in source} == source
        assert counts["branches_user"] >= 6 and counts["core_attachment"] == 1
        assert _files(media) == _files(Path(settings.MEDIA_ROOT))
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_restore_refuses_a_database_in_use(recorded, tmp_path):
    archive = _backup(tmp_path)
    with pytest.raises(CommandError, match="数据库不为空"):
        call_command("restore", str(archive))


def test_restore_refuses_what_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "photo.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="这不是 SafetyBank 备份文件"):
        call_command("restore", str(bogus))
