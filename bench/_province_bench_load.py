"""The mixed load: gunicorn on the bank, officers opening their "today" page while viewers reload the dashboard."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import threading
import time

from _province_bench_common import environment, pct, record
from _province_setup import ROOT


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def server_command(port: int, *, workers: int = 2, sync: bool = False) -> list[str]:
    """gunicorn as docker-compose.yml's ``web`` runs it (gthread workers and threads), with ``workers``
    processes on ``port``; ``sync`` replaces the worker class by gunicorn's default, for comparison."""
    import shlex

    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    words = shlex.split(compose["services"]["web"]["command"])
    options: dict[str, str] = {}
    for name, value in zip(words[2::2], words[3::2], strict=True):
        options[name] = value
    options.update({"--workers": str(workers), "--bind": f"127.0.0.1:{port}"})
    if sync:
        options.pop("--worker-class", None)
        options.pop("--threads", None)
    options.update({"--graceful-timeout": "5", "--log-level": "warning"})
    return [str(ROOT / ".venv" / "bin" / "gunicorn"), words[1], *[w for pair in options.items() for w in pair]]


def cmd_mixed(args) -> None:
    import requests
    from django.utils import timezone

    from branches.models import User

    officers = list(User.objects.filter(username__startswith="officer").order_by("username")[: args.officers])
    viewers = list(
        User.objects.filter(post__in=["president", "security_department", "head_office_security"]).order_by("pk")[
            : args.viewers
        ]
    )
    base = f"http://127.0.0.1:{args.port}"
    env = dict(os.environ, **environment(args.db, args.host))
    command = server_command(args.port, sync=args.sync_workers)
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 (our own gunicorn)
    try:
        for _ in range(120):
            try:
                requests.get(f"{base}/healthz", timeout=30)
                break
            except requests.RequestException:
                time.sleep(0.5)
        cookies = {u.pk: session_cookie(u) for u in officers + viewers}
        # Warm-up: the workers compile their templates and each viewer's page is computed once (its
        # computation afresh is the dashboard rows' "first view"; here the steady state is measured).
        _load(base, cookies, officers[:2], viewers, 1)
        # Alone and mixed alternate in ROUNDS, so that a slower minute of a shared machine weighs on both.
        alone_parts, mixed_parts = [], []
        for _round in range(ROUNDS):
            alone_parts.append(_load(base, cookies, officers, [], args.seconds // (2 * ROUNDS)))
            mixed_parts.append(
                _load(base, cookies, officers, viewers, args.seconds // ROUNDS, one_client=args.one_client)
            )
        alone, mixed = _summary(alone_parts), _summary(mixed_parts)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    measured = (
        f"{mixed['rate']:.1f} req/s; officers' “today” page p50 {mixed['officer_p50']:,.0f} ms "
        f"({mixed['officer_pages']} pages), dashboards p50 {mixed['viewer_p50']:,.0f} ms "
        f"({mixed['viewer_pages']}), {mixed['errors']} errors"
    )
    rounds = list(zip(alone_parts, mixed_parts, strict=True))
    ratios = ", ".join(f"{m['officer_p50'] / a['officer_p50']:.2f}×" for a, m in rounds)
    baseline = (
        f"officers alone ({args.seconds // 2} s): p50 {alone['officer_p50']:,.0f} ms, {alone['officer_pages']} pages; "
        f"mixed / alone by round: {ratios}"
    )
    record(
        "mixed",
        measured,
        baseline,
        f"{len(officers)} officers (a page every 0.5 s), {len(viewers)} viewers "
        f"({'in the officers’ client process' if args.one_client else 'in a client process of their own'}), "
        f"{args.seconds} s in {ROUNDS} rounds each after its {args.seconds // (2 * ROUNDS)} s alone, "
        f"`{' '.join(command[1:])}` DEBUG=0 (load average {os.getloadavg()[0]:.1f})",
        {
            "mixed": _figures(mixed),
            "alone": _figures(alone),
            "rounds": [{"alone": a["officer_p50"], "mixed": m["officer_p50"]} for a, m in rounds],
            "at": timezone.now().isoformat(),
            "command": command[1:],
        },
    )


ROUNDS = 3


def _clients(base: str, url: str, cookies: list[str], pause: float, stop: float) -> tuple[list, list]:
    """One thread per person, each opening ``url`` until ``stop`` (``time.perf_counter``, the same clock in
    every process), ``pause`` seconds apart; the times of the pages served and of the failures."""
    import requests

    lock = threading.Lock()
    times, errors = [], []

    def loop(cookie):
        session = requests.Session()
        session.cookies.set("sessionid", cookie)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                ok = session.get(base + url, timeout=120).status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                (times if ok else errors).append(time.perf_counter() - started)
            time.sleep(pause)

    threads = [threading.Thread(target=loop, args=(cookie,)) for cookie in cookies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, errors


def _viewer_process(base, url, cookies, stop, results) -> None:
    results.send(_clients(base, url, cookies, 0, stop))


def _load(base: str, cookies: dict, officers: list, viewers: list, seconds: int, *, one_client=False) -> dict:
    """Officers open their "today" page every half second; viewers reload the dashboard back to back.

    The viewers are other people's browsers: by default their requests are made by a client process of
    their own, so that the officers' measured times do not include waiting for the client's interpreter
    lock behind the viewers' large pages (``one_client``: one process for all, as measured before)."""
    from django.urls import reverse

    today_url = reverse("inspections:today")
    dashboard_url = reverse("dashboards:dashboard")
    stop = time.perf_counter() + seconds
    officer_cookies = [cookies[u.pk] for u in officers]
    viewer_cookies = [cookies[u.pk] for u in viewers]
    started = time.perf_counter()
    if one_client or not viewers:
        shared = {}
        threads = [
            threading.Thread(target=lambda: shared.update(o=_clients(base, today_url, officer_cookies, 0.5, stop))),
            threading.Thread(target=lambda: shared.update(v=_clients(base, dashboard_url, viewer_cookies, 0, stop))),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        (officer_times, officer_errors), (viewer_times, viewer_errors) = shared["o"], shared["v"]
    else:
        receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
        process = multiprocessing.get_context("fork").Process(
            target=_viewer_process, args=(base, dashboard_url, viewer_cookies, stop, sending)
        )
        process.start()
        officer_times, officer_errors = _clients(base, today_url, officer_cookies, 0.5, stop)
        viewer_times, viewer_errors = receiving.recv()
        process.join()
    return _summary(
        [{"officers": officer_times, "viewers": viewer_times, "errors": officer_errors + viewer_errors}],
        wall=time.perf_counter() - started,
    )


def _figures(summary: dict) -> dict:
    """A summary without its lists of times, as recorded."""
    return {name: value for name, value in summary.items() if not isinstance(value, list)}


def _summary(parts: list[dict], wall: float | None = None) -> dict:
    """The figures of one or more runs of ``_load`` together (their times pooled)."""
    officer_times = [t for part in parts for t in part["officers"]]
    viewer_times = [t for part in parts for t in part["viewers"]]
    wall = wall if wall is not None else sum(part["wall"] for part in parts)
    return {
        "officers": officer_times,
        "viewers": viewer_times,
        "wall": wall,
        "rate": (len(officer_times) + len(viewer_times)) / wall,
        "officer_p50": pct(officer_times, 50) * 1000 if officer_times else float("nan"),
        "officer_pages": len(officer_times),
        "viewer_p50": pct(viewer_times, 50) * 1000 if viewer_times else float("nan"),
        "viewer_pages": len(viewer_times),
        "errors": sum(part["errors"] if isinstance(part["errors"], int) else len(part["errors"]) for part in parts),
    }
