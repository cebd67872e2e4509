"""The production stack comes up healthy: docker-compose.yml's own commands, run without Docker.

No Docker engine runs here, so this test does what `docker compose up` would: it reads
docker-compose.yml, fills in its ``${...}`` variables as compose does (with a real host name in
ALLOWED_HOSTS and a real SITE_URL), runs the one-shot ``migrate`` service's command to completion,
then starts ``web``, ``worker``, ``worker-pdf`` and ``beat`` with exactly their commands and
environment (``DEBUG=0``, TLS redirect on) and runs ``web``'s healthcheck command, as written,
until it passes within a bound.

What Docker would provide is replaced, and only that: the service addresses inside the compose
network (``postgres``, ``redis``, ``/app/var/media``) become a fresh PostgreSQL database this test
creates and drops (``sb_stack_…``, on the server of ``DATABASE_URL``), a redis-server of its own on
a free port, and a temporary folder; port 8000 becomes a free port, bound to 127.0.0.1.
"""

import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the image's python, gunicorn and celery
HEALTHY_WITHIN = 180  # seconds from the first long-running process to a passing healthcheck
SITE_URL = "https://safety.example.cn"
SERVER_URL = os.environ.get("DATABASE_URL", "")

pytestmark = [
    pytest.mark.skipif(
        not SERVER_URL.startswith(("postgres://", "postgresql://")),
        reason="needs a PostgreSQL DATABASE_URL (the server where the stack's own database is created)",
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server to run a private broker"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def interpolate(text: str, variables: dict) -> str:
    """Compose's variable syntax: ``${NAME}``, ``${NAME:-default}``, ``${NAME:?error}``, ``$$``."""

    def one(match):
        name, operator, argument = match.group(1), match.group(2), match.group(3)
        value = variables.get(name, "")
        if operator == ":?" and not value:
            raise AssertionError(f"compose would refuse to start: {argument}")
        if operator == ":-" and not value:
            return argument
        return value

    text = re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, text.replace("$$", "\0"))
    return text.replace("\0", "$")


def _interpolated(node, variables: dict):
    """As compose does it: on the parsed file's string values, so ``KEY: ${X:-}`` stays a string."""
    if isinstance(node, dict):
        return {key: _interpolated(value, variables) for key, value in node.items()}
    if isinstance(node, list):
        return [_interpolated(value, variables) for value in node]
    return interpolate(node, variables) if isinstance(node, str) else node


def _interpolated_compose(variables: dict) -> dict:
    return _interpolated(yaml.safe_load((ROOT / "docker-compose.yml").read_text()), variables)


def _database_url(name: str) -> str:
    parts = urlsplit(SERVER_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_sql(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(_database_url("postgres"))
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


class Stack:
    """The compose services as processes; logs in files, stopped by their own handles."""

    def __init__(self, folder: Path, env: dict, port: int):
        self.folder, self.env, self.port = folder, env, port
        self.processes: dict[str, subprocess.Popen] = {}

    def argv(self, command) -> list[str]:
        """A service's command as Docker would exec it, with the published port made free."""
        words = shlex.split(command) if isinstance(command, str) else list(command)
        port = str(self.port)
        return [word.replace("0.0.0.0:8000", f"127.0.0.1:{port}").replace(":8000/", f":{port}/") for word in words]

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def run(self, name: str, command, timeout: float) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.argv(command), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def start(self, name: str, command) -> None:
        with open(self.folder / f"{name}.log", "wb") as log:
            self.processes[name] = subprocess.Popen(
                self.argv(command), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def wait_for(self, what: str, check, timeout: float = HEALTHY_WITHIN):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    tail = self.log(name)[-3000:]
                    pytest.fail(f"{name} exited ({process.returncode}) while waiting for {what}:\n{tail}")
            result = check()
            if result:
                return result
            time.sleep(1)
        logs = "\n".join(f"--- {name}\n{self.log(name)[-2000:]}" for name in self.processes)
        pytest.fail(f"not within {timeout} s: {what}\n{logs}")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def own_database():
    name = f"sb_stack_{secrets.token_hex(4)}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    try:
        yield _database_url(name)
    finally:
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _status(port: int, path: str, host: str, method: str = "GET") -> tuple[int, str]:
    """One plain-HTTP request, redirects not followed: (status, Location)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers={"Host": host})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


ROUTE_PROBE = """
from safetybank.celery import app
for name in ("core.tasks.render_document", "reports.store_files", "core.tasks.send_notification_email"):
    print(app.amqp.router.route({}, name)["queue"].name)
"""

EMAIL_PROBE = """
from django.contrib.auth import get_user_model
from core.services import notify
from safetybank.audit import set_reason
person = get_user_model()(username="stack-probe", email="probe@example.cn", full_name="Stack Probe", language="en")
set_reason(person, "record.create")
person.save()
notify(user=person, kind="stack.probe", title="Stack probe", url="/inspections/")
"""


def test_the_compose_stack_comes_up_healthy_and_mails_links_to_site_url(tmp_path, own_redis, own_database):
    web_port = _free_port()
    compose = _interpolated_compose(
        {
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "safety.example.cn",  # a real name: the probe's 127.0.0.1 is not in it
            "SITE_URL": SITE_URL,
        }
    )
    services = compose["services"]
    environment = dict(services["web"]["environment"])
    assert environment["DEBUG"] == "0" and environment["ALLOW_INSECURE_HTTP"] == "0"
    # The compose network's addresses, and nothing else, become this machine's.
    environment.update(DATABASE_URL=own_database, REDIS_URL=own_redis, MEDIA_ROOT=str(tmp_path / "media"))
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8", **environment}
    stack = Stack(tmp_path, env, web_port)
    for name in ("web", "worker", "worker-pdf", "beat"):
        assert services[name]["environment"] == services["web"]["environment"], name

    try:
        migrated = stack.run("migrate", services["migrate"]["command"], timeout=900)
        assert migrated.returncode == 0, migrated.stdout[-2000:] + migrated.stderr[-3000:]
        for name in ("web", "worker", "worker-pdf", "beat"):
            stack.start(name, services[name]["command"])

        healthcheck = services["web"]["healthcheck"]["test"]
        assert healthcheck[0] == "CMD"

        def healthy():
            try:
                return stack.run("healthcheck", healthcheck[1:], timeout=10).returncode == 0
            except subprocess.TimeoutExpired:
                return False

        stack.wait_for("the web healthcheck to pass", healthy)
        for name, node in (("worker", "worker@"), ("worker-pdf", "pdf@")):
            stack.wait_for(
                f"{name} ready",
                lambda name=name, node=node: f"{node}" in stack.log(name) and " ready." in stack.log(name),
            )
        stack.wait_for("beat started", lambda: "beat: Starting" in stack.log("beat"))
        assert ".> pdf " in stack.log("worker-pdf") and ".> pdf " not in stack.log("worker")
        routed = stack.run("shell", ["python", "manage.py", "shell", "-v", "0", "-c", ROUTE_PROBE], timeout=120)
        assert routed.stdout.split()[-3:] == ["pdf", "pdf", "celery"], routed.stderr[-2000:]

        # Only the probe is exempt: any other path, or another method, still meets the TLS
        # redirect (a real host) or the host check (127.0.0.1).
        assert _status(web_port, "/healthz", "127.0.0.1")[0] == 200
        assert _status(web_port, "/healthz", "127.0.0.1", method="HEAD")[0] == 200
        assert _status(web_port, "/healthz", "127.0.0.1", method="POST")[0] == 400
        assert _status(web_port, "/accounts/login/", "127.0.0.1")[0] == 400
        assert _status(web_port, "/accounts/login/", "safety.example.cn") == (
            301,
            "https://safety.example.cn/accounts/login/",
        )

        # An e-mail sent by the worker (console backend: its log) links to SITE_URL.
        probe = stack.run("shell", ["python", "manage.py", "shell", "-c", EMAIL_PROBE], timeout=120)
        assert probe.returncode == 0, probe.stderr[-3000:]
        line = stack.wait_for(
            "the worker to send the e-mail",
            lambda: re.search(r"Open: (\S+)", stack.log("worker")),
            timeout=120,
        )
        assert line.group(1) == f"{SITE_URL}/inspections/"
    finally:
        stack.stop()


SESSION_PROBE = """
from django.contrib.auth import get_user_model
from django.test import Client
from safetybank.audit import set_reason
person = get_user_model()(username="restart-probe", full_name="Restart Probe")
set_reason(person, "record.create")
person.save()
client = Client()
client.force_login(person)
print(client.cookies["sessionid"].value)
"""


def _signed_in_status(port: int, path: str, session: str) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", "Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_after_the_database_drops_every_connection_the_next_pages_are_served(tmp_path, own_redis, own_database):
    """What a PostgreSQL restart does to the web server: every connection it kept open (CONN_MAX_AGE) is
    closed under it. The next request of each thread must reconnect, not answer 500."""
    web_port = _free_port()
    variables = {"SECRET_KEY": secrets.token_urlsafe(48), "SITE_URL": SITE_URL, "ALLOWED_HOSTS": "127.0.0.1"}
    compose = _interpolated_compose(variables)
    services = compose["services"]
    environment = dict(services["web"]["environment"])
    environment.update(
        DATABASE_URL=own_database,
        REDIS_URL=own_redis,
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),  # the image's collected static files (Dockerfile)
        ALLOWED_HOSTS="127.0.0.1",
        ALLOW_INSECURE_HTTP="1",  # plain HTTP to 127.0.0.1: the pages themselves, not the TLS redirect
    )
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8", **environment}
    stack = Stack(tmp_path, env, web_port)
    try:
        # As the image's build does (Dockerfile): DEBUG=0 pages need the collected, hashed static files.
        collected = stack.run("collectstatic", ["python", "manage.py", "collectstatic", "--noinput"], timeout=300)
        assert collected.returncode == 0, collected.stderr[-3000:]
        migrated = stack.run("migrate", services["migrate"]["command"], timeout=900)
        assert migrated.returncode == 0, migrated.stdout[-2000:] + migrated.stderr[-3000:]
        probe = stack.run("shell", ["python", "manage.py", "shell", "-v", "0", "-c", SESSION_PROBE], timeout=120)
        assert probe.returncode == 0, probe.stderr[-3000:]
        session = probe.stdout.split()[-1]
        stack.start("web", services["web"]["command"])

        def answering():
            try:
                return _status(web_port, "/healthz", "127.0.0.1")[0] == 200
            except OSError:  # not listening yet
                return False

        stack.wait_for("the web server", answering)

        # Every worker thread opens its connection (3 workers × 8 threads: more pages than threads).
        before = [_signed_in_status(web_port, "/", session) for _ in range(60)]
        name = urlsplit(own_database).path.lstrip("/")
        _admin_sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        after = [_signed_in_status(web_port, "/", session) for _ in range(60)]
    finally:
        stack.stop()
    assert set(before) == {200}, f"{before}:\n{stack.log('web')[-1500:]}"
    assert set(after) == {200}, f"{after}:\n{stack.log('web')[-1500:]}"
