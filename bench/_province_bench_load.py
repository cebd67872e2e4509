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
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn)
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "safetybank.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(120):
            try:
                requests.get(f"{base}/healthz", timeout=30)
                break
            except requests.RequestException:
                time.sleep(0.5)
        cookies = {u.pk: session_cookie(u) for u in officers + viewers}
        _load(base, cookies, officers[:2], viewers[:2], 1)  # warm-up: both workers compile their templates
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
        f"gunicorn 2 workers DEBUG=0 (load average {os.getloadavg()[0]:.1f})",
        {"mixed": mixed, "alone": alone, "at": timezone.now().isoformat()},
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
