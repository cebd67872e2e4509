"""Fault test: a Celery worker is killed (SIGKILL) while it renders a report PDF; after the
sweep, another worker finishes the document.

Everything runs for real: its own redis-server (a private port, nothing saved), `celery worker`
processes on the test's PostgreSQL database, WeasyPrint. The first worker is started with
``DOCUMENT_RENDER_HOLD_SECONDS`` so it is certainly mid-render when it is killed, and with a
short lease so the test need not wait the production lease out. The test stops only the
processes it started.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from core.choices import DocumentStatus
from core.models import GeneratedDocument
from reports.choices import ReportKind
from reports.services import month_bounds, report_generate

ROOT = Path(__file__).resolve().parent.parent
KILLED_WORKER_LEASE = 3  # seconds: the lease the killed worker took runs out quickly
TIMEOUT = 120  # seconds for a worker to start and get to a point, on a busy CI machine


def _free_port(preferred: int = 6391) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


def _database_url() -> str:
    """The test database (not the one DATABASE_URL names), for the worker processes."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait(what: str, check, logs: list[Path], timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs if log.exists())
    pytest.fail(f"timed out waiting for {what}\n{tails}")


def _document(pk: int) -> GeneratedDocument:
    return GeneratedDocument.objects.get(pk=pk)


def _finished(pk: int) -> GeneratedDocument | None:
    document = _document(pk)
    return document if document.is_finished else None


class Processes:
    """The processes this test started, and only those, stopped at the end."""

    def __init__(self, tmp_path: Path, env: dict):
        self.tmp_path, self.env, self.started = tmp_path, env, []

    def start(self, name: str, args: list[str], env: dict | None = None) -> tuple[subprocess.Popen, Path]:
        log = self.tmp_path / f"{name}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                args, cwd=ROOT, env={**self.env, **(env or {})}, stdout=output, stderr=subprocess.STDOUT
            )
        self.started.append(process)
        return process, log

    def worker(self, name: str, env: dict | None = None):
        args = [sys.executable, "-m", "celery", "-A", "safetybank", "worker", "--pool=solo", "--loglevel=INFO"]
        args += ["-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        return self.start(name, args, env)

    def call(self, task: str, *args) -> None:
        command = [sys.executable, "-m", "celery", "-A", "safetybank", "call", task]
        if args:
            command.append(f"--args={list(args)}")
        subprocess.run(command, cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=TIMEOUT)

    def stop_all(self) -> None:
        for process in reversed(self.started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs a PostgreSQL DATABASE_URL: the workers are separate processes (CI sets it)",
)
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server to run a private broker")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_report_pdf_whose_worker_was_killed_mid_render_is_finished_after_the_sweep(org, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    processes = Processes(tmp_path, env)
    try:
        _redis, redis_log = processes.start(
            "redis",
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--daemonize", "no"],
        )
        _wait("the private redis", lambda: b"PONG" in _ping(port), [redis_log], timeout=30)

        start, end = month_bounds(timezone.localdate())
        report = report_generate(unit=org.branch1, kind=ReportKind.MONTHLY, start=start, end=end)
        document = GeneratedDocument.objects.create(
            kind="reports.report", params={"report": report.pk}, requested_by=org.security, language="zh-hans"
        )

        doomed, doomed_log = processes.worker(
            "doomed",
            {"DOCUMENT_RENDER_HOLD_SECONDS": "120", "JOB_LEASE_SECONDS": str(KILLED_WORKER_LEASE)},
        )
        processes.call("core.tasks.render_document", document.pk)
        _wait(
            "the first worker to reach the render",
            lambda: _document(document.pk).progress == 60,
            [doomed_log],
        )
        doomed.send_signal(signal.SIGKILL)  # no chance to clean up, as with the OOM killer
        doomed.wait(timeout=30)

        stuck = _document(document.pk)
        assert (stuck.status, stuck.progress, stuck.file.name) == (DocumentStatus.RUNNING, 60, "")
        _wait("the killed worker's lease to run out", lambda: _document(document.pk).lease_until < timezone.now(), [])

        _rescuer, rescuer_log = processes.worker("rescuer")
        processes.call("core.sweep_jobs")  # what beat sends every few minutes
        done = _wait("the second worker to finish the document", lambda: _finished(document.pk), [rescuer_log])
        assert done.status == DocumentStatus.DONE, done.error
        assert (done.progress, done.attempts, done.lease_until) == (100, 2, None)
        data = Path(settings.MEDIA_ROOT, done.file.name).read_bytes()
        assert data.startswith(b"%PDF")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        assert org.branch1.name in text and "安全工作总结" in text
    finally:
        processes.stop_all()


def _ping(port: int) -> bytes:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64)
    except OSError:
        return b""
