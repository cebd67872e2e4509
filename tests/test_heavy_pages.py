"""Heavy pages take their turn (safetybank/heavy.py): while one dashboard is being computed, a second
waits — and after the wait is told, in Chinese, to open it again — while an officer's daily-check page is
served at once. With Redis the turn is the whole site's: a dashboard in another process makes this one
wait too."""

import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.broker_helpers import REFUSING, OwnRedis


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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
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
    assert "正在准备" in refused.content.decode() and "没有任何数据被更改" in refused.content.decode()
    assert answers["first"].status_code == 200
    assert _dashboard(org.president).status_code == 200  # its turn, once the first is done


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_gate_off_heavy_pages_do_not_wait(org, settings, monkeypatch):
    settings.HEAVY_PAGES_AT_ONCE = 0
    settings.HEAVY_PAGE_WAIT_SECONDS = 1
    with _first_dashboard_computing(org, monkeypatch):
        assert _dashboard(org.president).status_code == 200


HOLD_A_TURN = """
import sys, django
django.setup()
from safetybank.heavy import turn
with turn() as held:
    print("held" if held else "refused", flush=True)
    sys.stdin.read()  # until the test closes it
"""


@pytest.fixture
def site_redis(tmp_path, settings):
    """A Redis of this test's own, as the site's REDIS_URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(binary, tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dashboard_in_another_process_makes_this_one_wait(org, settings, site_redis):
    settings.HEAVY_PAGES_AT_ONCE = 1
    settings.HEAVY_PAGE_WAIT_SECONDS = 1
    environment = dict(
        os.environ,
        REDIS_URL=site_redis.url,
        DJANGO_SETTINGS_MODULE="safetybank.settings",
        HEAVY_PAGES_SHARE_PERCENT="100",  # its turn is free as soon as it is done
    )
    other = subprocess.Popen(  # another web process, computing a heavy page until told to stop
        [sys.executable, "-c", HOLD_A_TURN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment, text=True
    )
    try:
        assert other.stdout.readline().strip() == "held"
        refused = _dashboard(org.president)
        officer = Client()
        officer.force_login(org.officer)
        counter = officer.get(reverse("inspections:today"))
    finally:
        other.stdin.close()
        other.wait(30)

    assert counter.status_code == 200
    assert refused.status_code == 503 and "正在准备" in refused.content.decode()
    assert _dashboard(org.president).status_code == 200  # the other process is done: its turn is free


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_unreachable_heavy_pages_take_turns_inside_the_process(org, settings, monkeypatch):
    settings.HEAVY_PAGES_AT_ONCE = 1
    settings.HEAVY_PAGE_WAIT_SECONDS = 1
    settings.REDIS_URL = REFUSING
    assert _dashboard(org.president).status_code == 200  # served, not a 500
    with _first_dashboard_computing(org, monkeypatch):
        assert _dashboard(org.president).status_code == 503  # the process's own gate still holds


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("where", ["this process", "the whole site (Redis)"])
def test_once_the_turns_budget_is_spent_heavy_pages_wait_and_the_counter_is_served(
    org, settings, monkeypatch, request, where
):
    from dashboards import selectors

    if where == "this process":
        settings.REDIS_URL = ""
    else:
        request.getfixturevalue("site_redis")
    settings.HEAVY_PAGES_AT_ONCE = 1
    settings.HEAVY_PAGE_WAIT_SECONDS = 1
    settings.HEAVY_PAGES_SHARE_PERCENT = 25  # the turn rests three times as long as the page took
    settings.HEAVY_PAGES_BURST_SECONDS = 0  # and no debt is allowed: the second page finds it resting
    original = selectors.cached_dashboard

    def slow(**kwargs):
        time.sleep(0.5)
        return original(**kwargs)

    monkeypatch.setattr(selectors, "cached_dashboard", slow)
    started = time.monotonic()
    assert _dashboard(org.headoffice).status_code == 200
    took, done = time.monotonic() - started, time.monotonic()
    officer = Client()
    officer.force_login(org.officer)
    assert officer.get(reverse("inspections:today")).status_code == 200  # the counter does not wait
    refused = _dashboard(org.president)  # asks within the rest (at least 1.5 s), waits 1 s
    assert refused.status_code == 503 and "没有任何数据被更改" in refused.content.decode()
    time.sleep(max(0.0, done + 3 * took + 0.3 - time.monotonic()))
    assert _dashboard(org.president).status_code == 200  # the rest is over


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("burst", [3, 0])
def test_a_president_clicking_down_to_a_sub_branch_does_not_wait_for_the_turns_rest(org, settings, monkeypatch, burst):
    from dashboards import selectors

    settings.REDIS_URL = ""
    settings.HEAVY_PAGES_AT_ONCE = 1
    settings.HEAVY_PAGE_WAIT_SECONDS = 1
    settings.HEAVY_PAGES_SHARE_PERCENT = 25
    settings.HEAVY_PAGES_BURST_SECONDS = burst
    original = selectors.cached_dashboard

    def slow(**kwargs):  # a page computed afresh: its turn then rests at least 1.5 s
        time.sleep(0.5)
        return original(**kwargs)

    monkeypatch.setattr(selectors, "cached_dashboard", slow)
    client = Client()
    client.force_login(org.president)
    assert client.get(reverse("dashboards:dashboard")).status_code == 200  # his branch
    second = client.get(reverse("dashboards:unit", args=[org.sub1.pk]))  # a click later, one of its sub-branches
    # Within the burst the click is served at once; with none allowed it waits the rest, past the 1 s wait.
    assert second.status_code == (200 if burst else 503)
