"""The provincial bank's plumbing: its database (copied from a migrated template), Django on it, a step clock."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def database_url(db: str, host: str = "127.0.0.1") -> str:
    return f"postgres://postgres@{host}:5432/{db}"


def recreate_database(db: str, host: str) -> None:
    """Drop ``db`` and copy it from ``<db>_template``, an empty database migrated once (migrating from
    nothing takes minutes on a busy machine; bringing the template up to date takes seconds)."""
    import subprocess

    import psycopg2

    template = f"{db}_template"
    connection = psycopg2.connect(dbname="postgres", user="postgres", host=host)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{template}"')
        env = dict(os.environ, DATABASE_URL=database_url(template, host), DEBUG="1")
        env.setdefault("DJANGO_SETTINGS_MODULE", "safetybank.settings")
        command = [sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"]
        subprocess.run(command, env=env, check=True)  # noqa: S603 (our own manage.py)
        cursor.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
    connection.close()


def django_on(db: str, host: str) -> None:
    os.environ["DATABASE_URL"] = database_url(db, host)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetybank.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("ALLOW_INSECURE_HTTP", "1")
    import django

    django.setup()


class Clock:
    def __init__(self):
        self.started = self.last = time.perf_counter()

    def step(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {now - self.started:7.1f} s  (+{now - self.last:5.1f})  {what}", flush=True)
        self.last = now
