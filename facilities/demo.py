"""Demo facilities ledger: facilities for every premises, about three months of tests on fixed
dates (weekly on Mondays, monthly on a day of the month per premises), some premises behind so
their tests are overdue, one failed alarm test with its hidden danger, and facility investment
("more than 460,000 yuan to upgrade monitoring at three outlets").

Idempotent: facilities are keyed on (premises, name), tests on (facility, test, date), and a test
already in the ledger is left alone; each premises' choices come from a random source seeded by
its code. A second run the same day changes nothing; a later day adds the tests that fell due.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from branches.choices import Post, PremisesKind
from branches.demo import SEED, SeedContext, seed_step
from branches.models import Premises, User
from core.selectors import superior_of
from facilities.models import Cadence, Facility, FacilityTest, Investment
from facilities.services import facility_test_record

HISTORY_MONTHS = 3
WEEKLY_HISTORY = datetime.timedelta(weeks=8)  # weekly reboots: the last two months are enough to show
BEHIND = 0.2  # share of premises that stopped testing two months ago: their tests are overdue

# Per premises kind: (kind, name, extra values).
FACILITIES = {
    PremisesKind.OUTLET: (
        ("alarm_110", "110联网报警", {"supplier": "县公安局技防中心"}),
        ("intrusion_alarm", "营业厅入侵报警主机", {"model_name": "DS-19A16", "supplier": "海康威视"}),
        ("cctv", "营业厅硬盘录像机", {"model_name": "DS-8632N", "channels": 32, "retention_days": 90}),
        ("bulletproof_glass", "柜台防弹玻璃", {"supplier": "鲁南安防玻璃"}),
        ("steel_counter", "钢板柜台", {}),
        ("anti_robbery", "防尾随联动门", {}),
        ("extinguisher", "营业厅灭火器", {"quantity": 6, "extinguisher_type": "dry_powder"}),
        ("self_defence", "自卫器械（钢叉、警棍、盾牌）", {}),
    ),
    PremisesKind.SELF_SERVICE: (
        ("alarm_110", "110联网报警", {"supplier": "县公安局技防中心"}),
        ("intrusion_alarm", "自助区报警主机", {"model_name": "DS-19A08"}),
        ("cctv", "自助区硬盘录像机", {"model_name": "DS-7816N", "channels": 16, "retention_days": 60}),
    ),
    PremisesKind.VAULT: (
        ("alarm_110", "110联网报警", {"supplier": "县公安局技防中心"}),
        ("intrusion_alarm", "金库报警主机", {"model_name": "DS-19A32"}),
        ("cctv", "金库硬盘录像机", {"channels": 32, "retention_days": 180}),
        ("safe_door", "金库门", {"supplier": "上海金库门厂"}),
        ("extinguisher", "金库灭火器", {"quantity": 4, "extinguisher_type": "co2"}),
    ),
    PremisesKind.CASH_IN_TRANSIT: (
        ("self_defence", "押运防护装备", {}),
        ("extinguisher", "运钞车灭火器", {"quantity": 3, "extinguisher_type": "dry_powder"}),
    ),
    PremisesKind.OFFICE_BUILDING: (
        ("cctv", "办公楼硬盘录像机", {"channels": 16, "retention_days": 30}),
        ("extinguisher", "办公楼灭火器", {"quantity": 24, "extinguisher_type": "dry_powder"}),
        ("micro_fire_station", "微型消防站", {}),
    ),
}
FAILED_AT = "P-S1A-01"  # the officer's outlet: last month's alarm test failed
FINDING = "2号防区红外探头无响应，主机未报警"


def _rng(code: str) -> random.Random:
    return random.Random(f"{SEED}-facilities-{code}")


def _tester(premises: Premises) -> User | None:
    local = User.objects.filter(
        home_premises=premises, post__in=(Post.SECURITY_OFFICER, Post.OUTLET_HEAD), is_active=True
    ).order_by("post", "username")
    return local.first() or next(iter(superior_of(premises)), None)


def _dates(cadence: Cadence, premises_day: int, start: datetime.date, until: datetime.date) -> list[datetime.date]:
    """Fixed test dates between ``start`` and ``until``: weekly on Mondays, otherwise on ``premises_day``
    of each month in step with the cadence (quarterly tests in January, April, July, October)."""
    days = []
    if cadence.unit == "week":
        start = max(start, until - WEEKLY_HISTORY)
        day = start + datetime.timedelta(days=(7 - start.weekday()) % 7)
        while day <= until:
            days.append(day)
            day += datetime.timedelta(weeks=cadence.every)
        return days
    month = datetime.date(start.year, 1, premises_day)
    while month <= until:
        if month >= start:
            days.append(month)
        month += relativedelta(months=cadence.every)
    return days


@seed_step
def seed_facilities(ctx: SeedContext) -> None:
    start = ctx.today.replace(day=1) - relativedelta(months=HISTORY_MONTHS)
    registered = start - datetime.timedelta(days=1)
    cadences = list(Cadence.objects.filter(is_active=True))
    premises_list = Premises.objects.filter(is_active=True).select_related("unit").order_by("code")
    for premises in premises_list:
        rng = _rng(premises.code)
        behind = premises.code != FAILED_AT and rng.random() < BEHIND
        premises_day = 1 + rng.randrange(20)
        tester = _tester(premises)
        for kind, name, extra in FACILITIES.get(premises.kind, ()):
            values = {"unit": premises.unit, "kind": kind, "status": "in_use", **extra}
            values.setdefault("install_date", datetime.date(rng.randint(2015, 2024), rng.randint(1, 12), 1))
            if kind == "extinguisher":
                values["expiry_date"] = values["install_date"] + relativedelta(years=5)
            lookup = {"premises": premises, "name": name}
            existing = Facility.objects.filter(**lookup).first()
            if existing is None:
                values["registered_on"] = registered
            else:
                values.pop("status")  # a failed test made it faulty: the ledger keeps that
            facility = ctx.upsert(Facility, lookup, values)
            if tester is None:
                continue
            until = ctx.today - relativedelta(months=2) if behind else ctx.today
            for cadence in cadences:
                if cadence.facility_kind != kind:
                    continue
                _seed_tests(ctx, facility, cadence, tester, _dates(cadence, premises_day, start, until))


def _seed_tests(ctx, facility, cadence, tester, dates) -> None:
    done = set(
        FacilityTest.objects.filter(facility=facility, test_kind=cadence.test_kind).values_list("tested_on", flat=True)
    )
    fail_on = None
    if facility.premises.code == FAILED_AT and cadence.test_kind == "alarm_monthly":
        last_month = [d for d in dates if d < ctx.today.replace(day=1)]
        fail_on = last_month[-1] if last_month else None
    for day in dates:
        if day in done:
            continue
        failed = day == fail_on
        facility_test_record(
            facility=facility,
            test_kind=cadence.test_kind,
            tested_on=day,
            result="fail" if failed else "pass",
            notes=FINDING if failed else "",
            police_receipt=f"县110指挥中心值班民警确认收到，回执{day:%m%d}" if cadence.requires_police_receipt else "",
            by=tester,
        )
        ctx.stats["facilitytest", "created"] += 1
    ctx.stats["facilitytest", "unchanged"] += len(done)


# (premises code, kind, facility kind, amount, what it bought, days before the first seed)
INVESTMENTS = (
    ("P-S1A-01", "upgrade", "cctv", "182000.00", "营业厅监控升级为高清数字系统（32路）", 150),
    ("P-S1B-01", "upgrade", "cctv", "156500.00", "监控系统高清改造及存储扩容至90天", 120),
    ("P-S1C-01", "upgrade", "cctv", "128000.00", "农村网点监控升级并接入分行监控中心", 90),
    ("P-S1A-01", "purchase", "extinguisher", "3600.00", "更换到期干粉灭火器12具", 60),
    ("P-S2A-01", "purchase", "intrusion_alarm", "18800.00", "新增入侵报警探测器和紧急按钮", 40),
)


@seed_step
def seed_investments(ctx: SeedContext) -> None:
    """Investments are made once, dated back from the day of the first seed, and never moved."""
    user = ctx.staff.get("security") or User.objects.filter(username="security").first()
    for code, kind, facility_kind, amount, description, days_ago in INVESTMENTS:
        premises = Premises.objects.filter(code=code).select_related("unit").first()
        if premises is None or user is None:
            continue
        lookup = {"premises": premises, "description": description}
        values = {"unit": premises.unit, "kind": kind, "facility_kind": facility_kind, "amount": Decimal(amount)}
        if not Investment.objects.filter(**lookup).exists():
            values |= {"date": ctx.today - datetime.timedelta(days=days_ago), "recorded_by": user}
        ctx.upsert(Investment, lookup, values)
