"""Time opening one month's inspection cycle for a bank of N outlets (each with a security
officer, an outlet head and a contracting security-department member)."""

import datetime
import sys
import time

from _setup import django_with_fresh_database, peak_rss_mib

engine = django_with_fresh_database()

from branches.choices import Post, PremisesKind, UnitKind  # noqa: E402
from branches.models import Contract, Premises, Unit, User  # noqa: E402
from inspections.cycles import cycle_open  # noqa: E402
from inspections.models import Assignment, InspectionCycle  # noqa: E402
from inspections.services import standard_content_install  # noqa: E402

sizes = [int(arg) for arg in sys.argv[1:]] or [300]
head = Unit.objects.create(code="HO", name="总行", kind=UnitKind.HEAD_OFFICE)
standard_content_install(head_office=head, valid_from=datetime.date(2026, 1, 1))
month = datetime.date(2026, 12, 1)
made = 0
for size in sizes:
    while made < size:
        branch = Unit.objects.create(code=f"B{made}", name=f"分行{made}", kind=UnitKind.BRANCH, parent=head)
        security = User.objects.create(username=f"sec{made}", unit=branch, post=Post.SECURITY_DEPARTMENT)
        for _ in range(10):
            sub = Unit.objects.create(code=f"S{made}", name=f"支行{made}", kind=UnitKind.SUB_BRANCH, parent=branch)
            outlet = Premises.objects.create(
                unit=sub,
                code=f"P{made}",
                name=f"网点{made}",
                kind=PremisesKind.OUTLET,
                opens_at=datetime.time(8, 30),
                closes_at=datetime.time(17),
            )
            for post in (Post.SECURITY_OFFICER, Post.OUTLET_HEAD):
                User.objects.create(username=f"{post}{made}", unit=sub, home_premises=outlet, post=post)
            Contract.objects.create(user=security, premises=outlet)
            made += 1
    Assignment.objects.all().delete()
    started = time.perf_counter()
    _cycle, created = cycle_open(month=month)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    _cycle, again = cycle_open(month=month)
    repeat = time.perf_counter() - started
    print(
        f"cycle_open {month:%Y-%m} on {engine}, {made} outlets: {created} assignments in {elapsed:.2f} s; "
        f"re-run {again} new in {repeat:.2f} s; peak RSS {peak_rss_mib():.0f} MiB"
    )
    Assignment.objects.all().delete()
    InspectionCycle.objects.all().delete()
