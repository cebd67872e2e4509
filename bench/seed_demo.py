"""Time `seed_demo` on an empty database, then again (the idempotent re-run)."""

import time

from _setup import django_with_fresh_database, peak_rss_mib

engine = django_with_fresh_database()

from branches.demo import seed_demo  # noqa: E402

for run in ("first", "again"):
    started = time.perf_counter()
    ctx = seed_demo()
    elapsed = time.perf_counter() - started
    print(
        f"seed_demo {run} run on {engine}: {elapsed:.1f} s, {ctx.changed()} rows written, "
        f"peak RSS {peak_rss_mib():.0f} MiB"
    )
