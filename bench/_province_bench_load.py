"""The mixed load: gunicorn on the bank, officers opening their "today" page while viewers reload the dashboard."""

from __future__ import annotations

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
        alone = _load(base, cookies, officers, [], args.seconds // 2)
        mixed = _load(base, cookies, officers, viewers, args.seconds)
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
    baseline = (
        f"officers alone ({args.seconds // 2} s): p50 {alone['officer_p50']:,.0f} ms, {alone['officer_pages']} pages"
    )
    record(
        "mixed",
        measured,
        baseline,
        f"{len(officers)} officers (a page every 0.5 s), {len(viewers)} viewers, {args.seconds} s, "
        f"`{' '.join(command[1:])}` DEBUG=0 (load average {os.getloadavg()[0]:.1f})",
        {"mixed": mixed, "alone": alone, "at": timezone.now().isoformat(), "command": command[1:]},
    )


def _load(base: str, cookies: dict, officers: list, viewers: list, seconds: int) -> dict:
    """Officers open their "today" page every half second; viewers reload the dashboard back to back."""
    import requests
    from django.urls import reverse

    today_url = reverse("inspections:today")
    dashboard_url = reverse("dashboards:dashboard")
    stop = time.perf_counter() + seconds
    lock = threading.Lock()
    officer_times, viewer_times, errors = [], [], []

    def loop(user, url, times, pause):
        session = requests.Session()
        session.cookies.set("sessionid", cookies[user.pk])
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                ok = session.get(base + url, timeout=120).status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                (times if ok else errors).append(time.perf_counter() - started)
            time.sleep(pause)

    threads = [threading.Thread(target=loop, args=(u, today_url, officer_times, 0.5)) for u in officers]
    threads += [threading.Thread(target=loop, args=(u, dashboard_url, viewer_times, 0)) for u in viewers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "rate": (len(officer_times) + len(viewer_times)) / wall,
        "officer_p50": pct(officer_times, 50) * 1000 if officer_times else float("nan"),
        "officer_pages": len(officer_times),
        "viewer_p50": pct(viewer_times, 50) * 1000 if viewer_times else float("nan"),
        "viewer_pages": len(viewer_times),
        "errors": len(errors),
    }
