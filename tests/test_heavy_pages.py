"""Heavy pages take their turn inside a web process (safetybank/heavy.py): while one dashboard is being
computed, a second waits — and after the wait is told, in Chinese, to open it again — while an officer's
daily-check page is served at once."""

import contextlib
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse


@contextlib.contextmanager
def _first_dashboard_computing(org, monkeypatch):
    """Head office opens its dashboard in another thread; it stays computing until the block ends.
    Yields a dict that holds head office's response afterwards."""
    from dashboards import selectors

    inside, release = threading.Event(), threading.Event()
    original = selectors.cached_dashboard

    def slow(**kwargs):
        if not inside.is_set():
            inside.set()
            release.wait(30)
        return original(**kwargs)

    monkeypatch.setattr(selectors, "cached_dashboard", slow)
    answers = {}

    def first_viewer():
        client = Client()
        client.force_login(org.headoffice)
        answers["first"] = client.get(reverse("dashboards:dashboard"))
        connection.close()

    thread = threading.Thread(target=first_viewer)
    thread.start()
    try:
        assert inside.wait(30)
        yield answers
    finally:
        release.set()
        thread.join(60)


def _dashboard(user):
    client = Client()
    client.force_login(user)
    return client.get(reverse("dashboards:dashboard"))


@pytest.mark.django_db(transaction=True)
def test_a_second_dashboard_waits_its_turn_while_the_counter_is_served(org, settings, monkeypatch):
    settings.HEAVY_PAGES_AT_ONCE = 1
    settings.HEAVY_PAGE_WAIT_SECONDS = 1
    with _first_dashboard_computing(org, monkeypatch) as answers:
        refused = _dashboard(org.president)
        officer = Client()
        officer.force_login(org.officer)
        counter = officer.get(reverse("inspections:today"))

    assert counter.status_code == 200
    assert refused.status_code == 503 and refused["Retry-After"] == "10"
    assert "正在准备" in refused.content.decode()
    assert answers["first"].status_code == 200
    assert _dashboard(org.president).status_code == 200  # its turn, once the first is done


@pytest.mark.django_db(transaction=True)
def test_with_the_gate_off_heavy_pages_do_not_wait(org, settings, monkeypatch):
    settings.HEAVY_PAGES_AT_ONCE = 0
    settings.HEAVY_PAGE_WAIT_SECONDS = 1
    with _first_dashboard_computing(org, monkeypatch):
        assert _dashboard(org.president).status_code == 200
