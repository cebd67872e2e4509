"""Re-measure issue 19's table on the provincial bank built by ``bench/province.py``.

Each subcommand measures one row, prints one result line, and records it (with a raw-SQL baseline
measured in the same run) in ``var/province-bench.json``; ``write`` turns the recorded rows into
the marked section of ``docs/benchmarks.md``; ``all`` runs every row and then writes.

    .venv/bin/python bench/province_bench.py all                 # every row, then docs/benchmarks.md
    .venv/bin/python bench/province_bench.py ho-dashboard --runs 5
    .venv/bin/python bench/province_bench.py write               # rewrite the table from the recorded rows

Pages are measured in-process with Django's test ``Client`` (``DEBUG=0``; queries counted with
``CaptureQueriesContext``); the mixed load runs gunicorn as docker-compose.yml's ``web`` does (but 2
workers, ``DEBUG=0``) on port 8813 and drives it from Python threads with ``requests``. Everything that
writes runs in a transaction that is rolled back, so the bank is the same for the next run. Rows
(``--db``, default ``sb_province``).

The rows live in sibling modules: ``_province_bench_pages`` (pages and the daily check), ``_province_bench_jobs``
(overdue, cycle, PDFs), ``_province_bench_nightly`` (every periodic job once: run it on a copy of the bank),
``_province_bench_load`` (the mixed load); ``_province_bench_common`` measures and records.
"""

from __future__ import annotations

import argparse
import json

from _province_bench_common import RESULTS, setup
from _province_bench_jobs import cmd_cycle, cmd_overdue, cmd_pdfs
from _province_bench_load import cmd_mixed
from _province_bench_nightly import cmd_jobs
from _province_bench_pages import (
    cmd_branch_dashboard,
    cmd_daily_check,
    cmd_grid,
    cmd_hazards,
    cmd_ho_dashboard,
    cmd_home,
)
from _province_setup import ROOT

DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- province-bench:begin -->", "<!-- province-bench:end -->"
PORT = 8813
ROWS = [
    ("ho-dashboard", "head-office dashboard", "p95 ≤ 300 ms"),
    ("branch-dashboard", "branch dashboard", "p95 ≤ 100 ms"),
    ("grid", "head-office compliance grid", "≤ 300 ms"),
    ("hazards", "head-office hazard register", "≤ 300 ms"),
    ("home", "head-office home (my tasks)", "≤ 200 ms"),
    ("daily-check", "one daily check, start → taps → submit", "≤ 1.5× raw SQL"),
    ("mixed", "14 officers + 6 dashboard viewers, 60 s", "dashboards never starve the counter"),
    ("overdue", "nightly overdue job", "bounded, ≤ 60 s"),
    ("cycle", "opening a month's cycle", "≤ 10 s"),
    ("pdfs", "100 branch PDFs in one worker", "≤ 3 min, growth ≤ 100 MB"),
    ("jobs", "every periodic job once (CELERY_BEAT_SCHEDULE)", "each within its soft time limit"),
]


def cmd_write(args) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    lines = [
        BEGIN,
        "",
        "Provincial bank (issue 19), PostgreSQL 15, 2 cores, 24 GiB, shared with other work "
        "(`bench/province.py` then `bench/province_bench.py all`):",
        "",
        "| page or job | measured | raw-SQL baseline, same run | target | commit, premises, when (Asia/Shanghai) |",
        "|---|---|---|---|---|",
    ]
    for key, label, target in ROWS:
        row = results.get(key)
        if row is None:
            lines.append(f"| {label} | not measured | | {target} | |")
            continue
        note = f" ({row['note']})" if row["note"] else ""
        lines.append(
            f"| {label} | {row['measured']}{note} | {row['baseline']} | {target} | "
            f"`{row['commit']}`, {row['premises']:,}, {row['at']} |"
        )
    lines += ["", END]
    text = DOC.read_text()
    block = "\n".join(lines)
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text)
    print(f"wrote {len(results)} rows into {DOC.relative_to(ROOT)}")


COMMANDS = {
    "ho-dashboard": cmd_ho_dashboard,
    "branch-dashboard": cmd_branch_dashboard,
    "grid": cmd_grid,
    "hazards": cmd_hazards,
    "home": cmd_home,
    "daily-check": cmd_daily_check,
    "mixed": cmd_mixed,
    "overdue": cmd_overdue,
    "cycle": cmd_cycle,
    "pdfs": cmd_pdfs,
    "jobs": cmd_jobs,
}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=[*COMMANDS, "all", "write"])
    parser.add_argument("--db", default="sb_province")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--runs", type=int, default=5, help="page requests (or daily checks) per row")
    parser.add_argument("--count", type=int, default=100, help="branch PDFs")
    parser.add_argument("--officers", type=int, default=14)
    parser.add_argument("--viewers", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument(
        "--sync-workers", action="store_true", help="mixed: gunicorn's sync workers instead of the compose file's"
    )
    parser.add_argument(
        "--one-client",
        action="store_true",
        help="mixed: officers and viewers share one client process (as before session 7), not one each",
    )
    parser.add_argument("--sample", type=int, default=0, help="overdue job: run on this many, extrapolate (0: all)")
    parser.add_argument("--tasks", default="", help="jobs: only these (schedule names or task names; not recorded)")
    parser.add_argument("--day", default="", help="jobs: run them on this day (YYYY-MM-DD; not recorded)")
    parser.add_argument("--skip", default="", help="comma-separated rows to leave out of all")
    args = parser.parse_args(argv)
    if args.command == "write":
        cmd_write(args)
        return
    setup(args.db, args.host)
    if args.command == "all":
        skipped = set(filter(None, args.skip.split(",")))
        for key, command in COMMANDS.items():
            if key not in skipped:
                command(args)
        cmd_write(args)
    else:
        COMMANDS[args.command](args)


if __name__ == "__main__":
    main()
