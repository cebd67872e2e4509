"""/healthz and the error pages when a part is down: fast answers that name the part, never a false promise."""

import contextlib
import socket
import time

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _silent_port():
    """A port that accepts connections and never answers: a hung server, not a refusing one."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


@contextlib.contextmanager
def _database_at(**where):
    """New database connections go to ``where`` (a port nothing listens on, a missing file)."""
    saved = {key: connection.settings_dict[key] for key in where}
    connection.settings_dict.update(where)
    try:
        yield
    finally:
        connection.settings_dict.update(saved)


def _unreachable_database():
    if connection.vendor == "postgresql":
        return _database_at(HOST="127.0.0.1", PORT=str(_closed_port()))
    return _database_at(NAME="/nonexistent-directory/safetybank.sqlite3")


def _timed_healthz(client):
    started = time.perf_counter()
    response = client.get("/healthz")
    return response, time.perf_counter() - started


@pytest.mark.django_db
def test_healthz_reports_eager_without_a_broker(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


@pytest.mark.django_db
def test_healthz_is_ok_with_the_real_broker(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/5"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_names_a_broker_that_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["broker"].startswith("error")
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_within_two_seconds_when_the_broker_hangs(client, settings):
    with _silent_port() as port:
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        response, seconds = _timed_healthz(client)
    assert seconds < 2
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_names_a_database_that_cannot_be_reached(client, settings):
    settings.REDIS_URL = ""
    with _unreachable_database():
        response, seconds = _timed_healthz(client)
    assert seconds < 2
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["database"] == "error: OperationalError"
    assert body["broker"] == "eager"


@pytest.mark.django_db
def test_healthz_answers_within_two_seconds_when_the_database_hangs(client, settings):
    if connection.vendor != "postgresql":
        pytest.skip("a hung database server is a PostgreSQL case (SQLite has no server); CI sets DATABASE_URL")
    settings.REDIS_URL = ""
    with _silent_port() as port, _database_at(HOST="127.0.0.1", PORT=str(port)):
        response, seconds = _timed_healthz(client)
    assert seconds < 2
    assert response.status_code == 503
    assert response.json()["database"] == "error: timeout"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_asks_to_try_again_in_a_minute_when_the_database_is_down(org):
    if connection.vendor != "postgresql":
        pytest.skip("the test database is SQLite in memory, which cannot go down; CI sets DATABASE_URL")
    browser = Client(raise_request_exception=False)
    browser.force_login(org.officer)
    connection.close()
    with _unreachable_database():
        response = browser.get(reverse("home"))
    connection.close()  # the next query reconnects to the real database
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "请一分钟后再试" in page
    assert "可能没有保存" in page


def test_the_500_page_no_longer_promises_that_nothing_was_lost():
    page = render_to_string("500.html")
    assert "nothing you saved is lost" not in page and "不会丢失" not in page
    assert "may not have been saved" in page and "可能没有保存" in page
