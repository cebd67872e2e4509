"""Demo data for plans, drills and study (``manage.py seed_demo``), written through ``ctx.upsert``.

Each branch has a plan of every kind and each sub-branch a robbery plan with its outlet's
roles; one role is held by a teller who left. Each sub-branch has this year's drill plan,
a drill every month up to today (planned ones for the rest of the year) and study sessions
twice a month, except 王庄支行 (S2B), which held only one a month. The March drill of
城关支行 (both its outlets) exposed two problems that became hidden dangers. Keyed on units and dates, so the
same day changes nothing and a later day turns that day's planned drills into done ones.
"""

from __future__ import annotations

import datetime

from branches.choices import Post, PremisesKind
from branches.demo import SeedContext, seed_step
from branches.models import User
from drills.choices import DrillKind, DrillStatus, PlanKind, PlanRoleKind, RolePeriod, StudyKind
from drills.models import (
    AnnualDrillPlan,
    Drill,
    DrillParticipant,
    DrillProblem,
    EmergencyPlan,
    PlanRole,
    StudyAttendance,
    StudySession,
)

PLAN_TITLES = {
    PlanKind.ROBBERY: (
        "防抢劫应急预案",
        "生命第一；稳住周旋、拖延时间；隐蔽按报警、拨110；现金入箱隐藏；疏散客户；记体貌特征，不盲目追击；保护现场。",
    ),
    PlanKind.THEFT: (
        "防盗窃应急预案",
        "监控中心接警→切图复核→通知网点负责人到场；确属盗窃立即报110并上报；保护现场、配合公安。",
    ),
    PlanKind.FRAUD: (
        "防诈骗应急预案",
        "大额取现/转账询问用途；可疑时以合理理由拖延；报告负责人，联系反诈中心/110；事后系统上报。",
    ),
    PlanKind.FIRE_EXPLOSION: (
        "防火防爆应急预案",
        "初起火灾就近灭火；报119；切断电源；疏散客户；现金凭证入箱转移；清点人员。",
    ),
    PlanKind.OUTLET: ("营业网点突发事件应急预案", "统一指挥、快速反应；双线报告（公安/上级）。"),
    PlanKind.VAULT: ("金库守护应急预案", "双人守库；异常立即报警并上报；不得擅自开库。"),
    PlanKind.ESCORT: ("押运遇袭应急预案", "立即停止装卸，关车门和网点门；GPS/电话报警；持枪抢劫时驾车驶离。"),
    PlanKind.OFFICE_FIRE: ("办公楼消防应急预案", "报119；切断电源；按疏散路线撤离；清点人员。"),
    PlanKind.SPECIAL_EQUIPMENT: (
        "特种设备（车辆、食堂燃气）应急预案",
        "燃气泄漏关阀通风、严禁明火；车辆事故保护现场并报警。",
    ),
}
SCENARIOS = ("持刀抢劫柜面", "营业厅电路短路起火", "防冒领/电信诈骗拦截", "款箱交接遭抢", "恐吓电话", "客户资金遭抢夺")
STUDY_TOPICS = (
    (StudyKind.RULES, "学习《银行营业场所安全防范要求》"),
    (StudyKind.CASES, "典型案例：某农商行营业网点持刀抢劫案"),
    (StudyKind.WARNING, "警示教育：电信诈骗冒领案"),
    (StudyKind.SKILLS, "灭火器与防卫器械使用实操"),
)
LOW_STUDY_UNIT = "S2B"
LEAVER = "qh-left-s1b"


def _sub_codes(ctx: SeedContext) -> list[str]:
    return [code for code, unit in ctx.units.items() if unit.kind == "sub_branch"]


@seed_step
def seed_emergency_plans(ctx: SeedContext) -> None:
    review = datetime.date(ctx.today.year + 1, 3, 31)
    for code in ("B1", "B2"):
        for kind, (title, summary) in PLAN_TITLES.items():
            ctx.upsert(
                EmergencyPlan,
                {"unit": ctx.units[code], "kind": kind},
                {"title": f"{ctx.units[code].name}{title}", "summary": summary, "next_review": review},
            )
    # A teller of 新华路支行营业部 who left in September still holds the door-keeper role.
    outlet_s1b = ctx.premises["P-S1B-01"]
    leaver = ctx.person(  # created, then leaving recorded, through the staff services
        LEAVER,
        {
            "full_name": "郑离职",
            "unit": ctx.units["S1B"],
            "home_premises": outlet_s1b,
            "post": Post.TELLER,
            "is_active": False,
            "end_date": datetime.date(ctx.today.year, 9, 30),
        },
    )
    for code in _sub_codes(ctx):
        unit = ctx.units[code]
        title, summary = PLAN_TITLES[PlanKind.ROBBERY]
        plan = ctx.upsert(
            EmergencyPlan,
            {"unit": unit, "kind": PlanKind.ROBBERY},
            {"title": f"{unit.name}营业部{title}", "summary": summary, "next_review": review},
        )
        outlet = ctx.premises[f"P-{code}-01"]
        staff = list(User.objects.filter(home_premises=outlet, is_active=True).order_by("employee_number"))
        by_post = {
            post: [p for p in staff if p.post == post]
            for post in (Post.OUTLET_HEAD, Post.SECURITY_OFFICER, Post.TELLER, Post.EMPLOYEE)
        }
        holders = [
            (PlanRoleKind.COMMANDER, by_post[Post.OUTLET_HEAD][:1]),
            (PlanRoleKind.ALARM, by_post[Post.TELLER][:1]),
            (PlanRoleKind.CASH_PROTECTION, by_post[Post.TELLER][1:3]),
            (PlanRoleKind.EVACUATION, by_post[Post.EMPLOYEE][:1]),
            (PlanRoleKind.DEFENDER, by_post[Post.SECURITY_OFFICER][:1]),
        ]
        if code == "S1B":
            holders.append((PlanRoleKind.DOOR_KEEPER, [leaver]))
        for role, people in holders:
            for person in people:
                ctx.upsert(
                    PlanRole,
                    {"plan": plan, "period": RolePeriod.BUSINESS_HOURS, "role": role, "holder": person},
                    {},
                )


@seed_step
def seed_drills(ctx: SeedContext) -> None:
    from inspections.services import hazard_raise

    year = ctx.today.year
    security = ctx.staff.get("security")
    for index, code in enumerate(_sub_codes(ctx)):
        unit = ctx.units[code]
        ctx.upsert(
            AnnualDrillPlan, {"unit": unit, "year": year}, {"drills_per_month": 1, "outlet_drills_per_quarter": 1}
        )
        outlets = [ctx.premises[f"P-{code}-01"], ctx.premises[f"P-{code}-02"]]
        plan = EmergencyPlan.objects.get(unit=unit, kind=PlanKind.ROBBERY)
        for month in range(1, 13):
            day = datetime.date(year, month, 10 + index)
            kind = (
                DrillKind.COMPREHENSIVE if month == 6 else DrillKind.SPECIAL if month in (3, 9) else DrillKind.ON_SITE
            )
            # Quarter-end months drill both outlets at once: one drill, counted for each.
            where = outlets if month % 3 == 0 else [outlets[month % 2]]
            done = day < ctx.today
            values = {
                "kind": kind,
                "scenario": SCENARIOS[(month + index) % len(SCENARIOS)],
                "plan": plan,
                "lead": security if unit.parent.code == "B1" else None,
                "status": DrillStatus.DONE if done else DrillStatus.PLANNED,
            }
            if done:
                values |= {
                    "held_at": datetime.datetime(year, month, day.day, 16, 30, tzinfo=datetime.UTC)
                    - datetime.timedelta(hours=8),
                    "duration_minutes": 30 + (month % 3) * 10,
                    "score": 80 + (month + index) % 15,
                    "evaluation": "报警及时，人员到位，分工明确；现金凭证及时入箱。",
                }
            drill = ctx.upsert(Drill, {"unit": unit, "planned_date": day}, values)
            if set(drill.premises.values_list("pk", flat=True)) != {p.pk for p in where}:
                drill.premises.set(where)
            if not done:
                continue
            people = User.objects.filter(home_premises__in=where, is_active=True).order_by("employee_number")
            for n, person in enumerate(people):
                ctx.upsert(DrillParticipant, {"drill": drill, "person": person}, {"attended": n % 7 != 3})
            if code == "S1A" and month == 3:  # both outlets, the officer's among them
                for text, category in (
                    ("报警员未在“黄金3分钟”内完成报警", "civil"),
                    ("联动门锁闭迟缓，门禁按钮失灵", "physical"),
                ):
                    problem = ctx.upsert(
                        DrillProblem,
                        {"drill": drill, "description": text},
                        {"premises": where[0], "category": category, "found_by": security},
                    )
                    if problem.hazard_id is None:
                        problem.hazard = hazard_raise(
                            premises=where[0], description=f"演练发现：{text}", category=category, found_by=security
                        )
                        problem._change_reason = "Demo data"
                        problem.save()


@seed_step
def seed_study_sessions(ctx: SeedContext) -> None:
    year = ctx.today.year
    for code in _sub_codes(ctx):
        unit = ctx.units[code]
        staff = list(
            User.objects.filter(unit=unit, is_active=True, home_premises__kind=PremisesKind.OUTLET).order_by(
                "employee_number"
            )
        )
        presenter = next((p for p in staff if p.post == Post.SECURITY_OFFICER), None)
        days = (8,) if code == LOW_STUDY_UNIT else (8, 22)
        for month in range(1, ctx.today.month + 1):
            for n, day_of_month in enumerate(days):
                day = datetime.date(year, month, day_of_month)
                if day > ctx.today:
                    continue
                kind, topic = STUDY_TOPICS[(month * 2 + n) % len(STUDY_TOPICS)]
                session = ctx.upsert(
                    StudySession,
                    {"unit": unit, "date": day},
                    {
                        "topic": topic,
                        "kind": kind,
                        "duration_minutes": 60,
                        "presenter": presenter,
                        "recorded_by": presenter or staff[0],
                    },
                )
                for i, person in enumerate(staff):
                    if (i + month) % 5:
                        ctx.upsert(StudyAttendance, {"session": session, "person": person}, {})
