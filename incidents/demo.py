"""Demo incidents: a couple of cases, made once and dated back from the day of the first seed.

Keyed on (premises, description); an incident already there is left as it is (its follow-up may
have moved on), so the seed is idempotent and a later day adds nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from branches.demo import SeedContext, seed_step
from branches.models import Premises, User
from incidents.models import Incident

# premises code, kind, description, loss, police report no., status, follow-up, reporter, days ago
INCIDENTS = (
    (
        "P-S1B-01",
        "fraud",
        "一名男子持伪造身份证试图冒名支取他人存款，柜员核查发现证件异常后报警，嫌疑人被民警带走。",
        "0",
        "JQ2026-0317",
        "closed",
        "柜员按规定核查身份并报警；保卫部组织全辖学习本案例，提示识别伪造证件要点。",
        "security",
        75,
    ),
    (
        "P-S2A-ATM",
        "theft",
        "夜间自助区一台取款机防护罩被撬，机内现金未受损，监控录像已调取。",
        "1500",
        "JQ2026-0562",
        "investigating",
        "已报案并提供监控录像；更换防护罩，待公安侦查结果。",
        "outsider",
        18,
    ),
)


@seed_step
def seed_incidents(ctx: SeedContext) -> None:
    for code, kind, description, loss, police_no, status, follow_up, reporter, days_ago in INCIDENTS:
        premises = Premises.objects.filter(code=code).select_related("unit").first()
        by = ctx.staff.get(reporter) or User.objects.filter(username=reporter).first()
        if premises is None or by is None:
            continue
        lookup = {"premises": premises, "description": description}
        if Incident.objects.filter(**lookup).exists():
            ctx.stats["incident", "unchanged"] += 1
            continue
        occurred = timezone.localtime().replace(hour=10, minute=20, second=0, microsecond=0)
        occurred = occurred.replace(year=ctx.today.year, month=ctx.today.month, day=ctx.today.day)
        occurred -= datetime.timedelta(days=days_ago)
        ctx.upsert(
            Incident,
            lookup,
            {
                "unit": premises.unit,
                "kind": kind,
                "occurred_at": occurred,
                "loss_amount": Decimal(loss),
                "police_report_no": police_no,
                "status": status,
                "follow_up": follow_up,
                "reported_by": by,
                "reported_at": occurred + datetime.timedelta(hours=1),
                "closed_at": occurred + datetime.timedelta(days=12) if status == "closed" else None,
            },
        )
