"""Demo reports: last month's summaries for every unit — published for branch 1's subtree,
drafts elsewhere —, a Safety Month with a few activities, and each branch's year-to-date
year-end summary draft.

Idempotent: generation keeps one current version per unit and month, and a report that
is already finalised or published is left as it is. PDFs are rendered on first download,
not here, so the seed stays fast.
"""

from __future__ import annotations

import datetime

from branches.choices import UnitKind
from branches.demo import SeedContext, seed_step
from branches.models import Unit, User
from reports.choices import ActivityKind, ReportKind, ReportStatus
from reports.models import Activity, Campaign, Report
from reports.services import (
    report_finalise,
    report_publish,
    report_save_sections,
    reports_generate_month,
    reports_generate_year,
)
from safetybank.periods import previous_month

THEMES = {
    2025: "人人讲安全、个个会应急——查找身边安全隐患",
    2024: "人人讲安全、个个会应急——畅通生命通道",
}
DEFAULT_THEME = "人人讲安全、个个会应急"
PROBLEMS = (
    "一是个别网点营业前检查存在漏项，部分记录填写不规范；二是个别隐患整改未在期限内完成，"
    "原因是设备供应商到场不及时；三是部分员工应急处置技能不够熟练。"
)
MEASURES = (
    "一是保卫部每周抽查网点检查记录，发现问题当场纠正；二是对超期隐患逐项明确责任人和完成时限，"
    "实行销号管理；三是下月组织一次防抢劫应急演练和一次消防器材实操培训。"
)
ACTIVITIES = (
    (
        ActivityKind.CONSULTATION_DAY,
        16,
        "6·16安全宣传咨询日",
        "厅堂设宣传台、电子屏滚动播放安全标语，发放宣传资料200余份。",
        12,
    ),
    (ActivityKind.TRAINING, 10, "消防培训与灭火器实操", "邀请消防救援站讲解初期火灾扑救，员工逐一实操灭火器。", 35),
    (ActivityKind.INSPECTION, 5, "安全生产专项检查", "专项检查小组对全部网点开展拉网式排查，重点检查消防设施。", 8),
)


@seed_step
def seed_reports(ctx: SeedContext) -> None:
    month = previous_month(ctx.today)
    reports_generate_month(month=month, today=ctx.today)
    security = ctx.staff.get("security") or User.objects.filter(username="security").first()
    branch1 = Unit.objects.filter(code="B1").first()
    if security is None or branch1 is None:
        return
    drafts = Report.objects.filter(
        unit__path__startswith=branch1.path,
        kind=ReportKind.MONTHLY,
        period_start=month,
        is_current=True,
        status=ReportStatus.DRAFT,
    ).select_related("unit")
    for report in drafts:
        report_save_sections(
            report=report,
            by=security,
            rules_text="修订《营业网点安全检查操作规程》。",
            problems=PROBLEMS,
            measures=MEASURES,
        )
        report = report_finalise(report=report, by=security, today=ctx.today)
        report_publish(report=report, by=security)
        ctx.stats["report", "created"] += 1
    _seed_safety_month(ctx, security)
    # Each branch's year-end summary so far (截至 today): a draft head office finds under
    # Reports → "Year-end safety work summary".
    branches = Unit.objects.filter(kind=UnitKind.BRANCH).order_by("path")
    reports_generate_year(year=ctx.today.year, units=branches, today=ctx.today)


def _seed_safety_month(ctx: SeedContext, security: User) -> None:
    year = ctx.today.year if ctx.today >= datetime.date(ctx.today.year, 6, 30) else ctx.today.year - 1
    head_office = Unit.objects.filter(parent__isnull=True).first()
    headoffice = ctx.staff.get("headoffice") or User.objects.filter(username="headoffice").first()
    if head_office is None or headoffice is None:
        return
    campaign = ctx.upsert(
        Campaign,
        {"unit": head_office, "year": year},
        {
            "start": datetime.date(year, 6, 1),
            "end": datetime.date(year, 6, 30),
            "theme": THEMES.get(year, DEFAULT_THEME),
            "created_by": headoffice,
        },
    )
    branch1 = Unit.objects.filter(code="B1").first()
    for kind, day, title, description, participants in ACTIVITIES:
        ctx.upsert(
            Activity,
            {"campaign": campaign, "title": title},
            {
                "unit": branch1,
                "date": datetime.date(year, 6, day),
                "kind": kind,
                "description": description,
                "participants": participants,
                "recorded_by": security,
            },
        )
