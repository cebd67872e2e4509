"""Demo inspections: standard checklists and rules, the current month's cycle and three months
of history at every level — mostly on time, some late, some missed, some unassigned, and a few
failed items with their hidden dangers and photos.

Idempotent: every decision comes from a random source seeded by the assignment's natural key,
and an assignment that already has an inspection is left alone, so a second run the same day
changes nothing and a later day only adds what the new days require.
"""

from __future__ import annotations

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from PIL import Image, ImageDraw

from branches.choices import Post, PremisesKind
from branches.demo import SeedContext, seed_step
from branches.models import Unit, User
from core.services import attachment_create
from inspections.choices import AnswerType, AssignmentStatus, InspectionStatus, Level, Result
from inspections.cycles import cycle_open
from inspections.daily.rules import COSIGNED
from inspections.models import Answer, Assignment, Inspection
from inspections.services import answer_hazard_raise, standard_content_install
from safetybank.periods import add_months, month_start, next_month

HISTORY_MONTHS = 3
ON_TIME, LATE = 0.86, 0.06  # the rest is missed
FAIL_RATE = {Level.L4_PREMISES: 0.002}  # per item; other levels use DEFAULT_FAIL_RATE
DEFAULT_FAIL_RATE = 0.02
FINDINGS = {
    "physical": "门锁松动，已报修",
    "technical": "一路监控画面模糊，需清洁镜头",
    "fire": "灭火器压力低于绿区",
    "civil": "登记簿有漏签",
    "cash": "交接登记不完整",
}


def _photo(text: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (320, 240), (190, 60, 50))
    ImageDraw.Draw(image).text((10, 10), text, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return SimpleUploadedFile("finding.jpg", buffer.getvalue(), content_type="image/jpeg")


def _moment(day: datetime.date, level: str, slot: int, late: bool, rng: random.Random) -> datetime.datetime:
    if late:
        day = day + datetime.timedelta(days=rng.randint(1, 3))
    hour = {1: 8, 2: 12, 3: 17}.get(slot, 10) if level == Level.L4_PREMISES else rng.randint(9, 16)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, rng.randint(0, 50))))


@seed_step
def seed_inspections(ctx: SeedContext) -> None:
    head_office = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if head_office is None:
        return
    start = add_months(ctx.today, -HISTORY_MONTHS)
    standard_content_install(head_office=head_office, valid_from=datetime.date(start.year - 1, 1, 1))
    month = start
    while month <= month_start(ctx.today):
        cycle_open(month=month)
        month = next_month(month)

    due = (
        Assignment.objects.filter(cycle__month__gte=start, period_end__lt=ctx.today, inspections__isnull=True)
        .exclude(status__in=[AssignmentStatus.DONE, AssignmentStatus.LATE])
        .select_related("premises", "unit", "assignee", "version__template")
        .order_by("pk")
    )
    items_of: dict[int, list] = {}
    planned: list[tuple[Inspection, random.Random, bool]] = []
    cosigners = _cosigners()
    for assignment in due.iterator():
        rng = random.Random(f"{assignment.rule_id}:{assignment.target_key}:{assignment.period_start}:{assignment.slot}")
        roll = rng.random()
        if assignment.assignee is None or roll >= ON_TIME + LATE:
            continue  # missed, or nobody holds the post: the grid shows it
        late = roll >= ON_TIME
        premises = assignment.premises or _premises_of(assignment.unit, rng)
        if premises is None:
            continue
        when = _moment(assignment.period_end, assignment.level, assignment.slot, late, rng)
        if when.date() >= ctx.today:
            continue
        spent = rng.randint(70, 600)
        inspection = Inspection(
            assignment=assignment,
            level=assignment.level,
            version=assignment.version,
            unit=premises.unit,
            premises=premises,
            inspector=assignment.assignee,
            status=InspectionStatus.SUBMITTED,
            started_at=when - datetime.timedelta(seconds=spent),
            submitted_at=when + datetime.timedelta(seconds=rng.randint(5, 90)),
            performed_at=when,
            seconds_spent=spent,
        )
        if assignment.level == Level.L4_PREMISES and assignment.version.template.purpose in COSIGNED:
            cosigner = cosigners.get(premises.pk)
            if cosigner is None or cosigner.pk == inspection.inspector_id:
                continue  # nobody could co-sign: the check never counted
            inspection.cosigned_by = cosigner
            inspection.cosigned_at = when + datetime.timedelta(minutes=rng.randint(2, 40))
        if assignment.level == Level.L4_PREMISES and rng.random() < 0.01:
            inspection.seconds_spent, inspection.too_fast = rng.randint(8, 25), True  # a box-ticking outlier
        planned.append((inspection, rng, late))
    # Demo history is written in bulk (no audit rows): it is generated, not anybody's act.
    Inspection.objects.bulk_create([p[0] for p in planned], batch_size=500)
    answers, hazards_to_raise = [], []
    for inspection, rng, _late in planned:
        items = items_of.setdefault(inspection.version_id, list(inspection.version.items.all()))
        rate = FAIL_RATE.get(inspection.level, DEFAULT_FAIL_RATE)
        for item in items:
            pass_fail = item.answer_type == AnswerType.PASS_FAIL
            failed = pass_fail and rng.random() < rate
            answer = Answer(
                inspection=inspection,
                item=item,
                result=(Result.FAIL if failed else Result.PASS) if pass_fail else "",
                note=FINDINGS[item.defence] if failed else "",
                answered_at=inspection.submitted_at,
            )
            answers.append(answer)
            if failed:
                hazards_to_raise.append((inspection, answer))
    Answer.objects.bulk_create(answers, batch_size=2000)
    first_submission = Inspection.objects.filter(assignment=OuterRef("pk")).values("submitted_at")[:1]
    for status, late in ((AssignmentStatus.DONE, False), (AssignmentStatus.LATE, True)):
        ids = [p[0].assignment_id for p in planned if p[2] == late]
        Assignment.objects.filter(pk__in=ids).update(status=status, completed_at=Subquery(first_submission))
    created = len(planned)
    for index, (inspection, answer) in enumerate(hazards_to_raise):
        answer_hazard_raise(inspection=inspection, answer=answer)
        if index < 12:  # a few carry their photo
            attachment_create(owner=answer, upload=_photo(answer.item.code), by=inspection.inspector)
    Assignment.objects.filter(status=AssignmentStatus.OPEN, period_end__lt=ctx.today, cycle__month__gte=start).update(
        status=AssignmentStatus.OVERDUE
    )
    if created:
        ctx.stats["inspection", "created"] += created
    else:
        ctx.stats["inspection", "unchanged"] += Inspection.objects.filter(started_at__date__gte=start).count()


def _cosigners() -> dict[int, User]:
    """Who co-signs each premises' daily checks: its outlet head, or for a vault a second custodian."""
    found: dict[int, User] = {}
    people = User.objects.filter(is_active=True, home_premises__isnull=False).select_related("home_premises")
    for person in people.order_by("pk"):
        premises = person.home_premises
        if person.post == Post.OUTLET_HEAD or (
            premises.kind == PremisesKind.VAULT and person.post != Post.SECURITY_OFFICER
        ):
            found.setdefault(premises.pk, person)
    return found


@seed_step
def seed_pending_cosigns(ctx: SeedContext) -> None:
    """The demo outlet's last after-closing check before today stays unsigned (the register shows it),
    and today's before-opening check waits for the outlet head's co-signature."""
    officer = User.objects.filter(username="officer").select_related("home_premises").first()
    if officer is None or officer.home_premises is None:
        return
    mine = Assignment.objects.filter(premises=officer.home_premises).select_related("version")
    last_close = mine.filter(rule__code="L4-CLOSE", period_start__lt=ctx.today).order_by("-period_start").first()
    today_open = mine.filter(rule__code="L4-OPEN", period_start=ctx.today).first()
    for assignment, hour in ((last_close, 17), (today_open, 8)):
        if assignment is None or assignment.inspections.exists():
            continue
        when = timezone.make_aware(datetime.datetime.combine(assignment.period_start, datetime.time(hour, 5)))
        if when > timezone.now():
            continue
        inspection = Inspection.objects.create(
            assignment=assignment,
            level=assignment.level,
            version=assignment.version,
            unit=assignment.unit,
            premises=assignment.premises,
            inspector=officer,
            status=InspectionStatus.SUBMITTED,
            started_at=when - datetime.timedelta(minutes=4),
            submitted_at=when,
            performed_at=when,
            seconds_spent=240,
        )
        Answer.objects.bulk_create(
            Answer(inspection=inspection, item=item, result=Result.PASS, answered_at=when)
            for item in assignment.version.items.all()
        )
        ctx.stats["inspection", "created"] += 1


def _premises_of(unit: Unit, rng: random.Random):
    places = list(unit.premises.filter(is_active=True).order_by("code"))
    return rng.choice(places) if places else None


# --------------------------------------------------------------------------- hidden-danger loop


@seed_step
def seed_summaries(ctx: SeedContext) -> None:
    """The demo history above was written in bulk: the dashboards' summary tables are rebuilt from it,
    and PostgreSQL's planner statistics refreshed (the seed runs in one transaction, so autovacuum has
    not seen the new rows yet: with statistics of empty tables the reports below chose nested loops over
    millions of row pairs, 15 s for a month's reports instead of 1 s)."""
    from django.db import connection

    from inspections.models import InspectionCycle
    from inspections.summaries import rebuild_month

    for month in InspectionCycle.objects.order_by("month").values_list("month", flat=True):
        rebuild_month(month)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # counts this transaction's own new rows as live


@seed_step
def seed_hazard_loop(ctx: SeedContext) -> None:
    """Hidden dangers at the demo outlet in every state of the loop: reported, assigned, rectifying,
    waiting for verification, closed after one send-back, fixed on the spot, one overdue and escalated,
    one major with its governance plan, one repeat finding. Runs once (recognised by its first danger)."""
    from django.db import transaction

    from branches.models import Premises
    from inspections.hazards import rectification
    from inspections.hazards import services as hz
    from inspections.hazards.models import Hazard, HazardEvent

    people = {u.username: u for u in User.objects.filter(username__in=["officer", "outlethead", "security"])}
    if len(people) < 3 or people["officer"].home_premises is None:
        return
    officer, head, security = people["officer"], people["outlethead"], people["security"]
    outlet = officer.home_premises
    first = "后门门禁读卡器失灵，刷卡无反应"
    if Hazard.objects.filter(premises=outlet, description=first).exists():
        ctx.stats["hazard loop", "unchanged"] += 1
        return
    other = Premises.objects.filter(unit=outlet.unit, is_active=True).exclude(pk=outlet.pk).order_by("code").first()
    other = other or outlet
    now = timezone.now()

    def ago(days: int, hour: int = 10) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(ctx.today - datetime.timedelta(days=days), datetime.time(hour))
        )

    def raise_(description, category, days, *, premises=outlet, by=officer, **kwargs):
        return hz.hazard_raise(
            premises=premises,
            description=description,
            category=category,
            found_by=by,
            found_at=ago(days),
            uploads=[_photo(category)],
            **kwargs,
        )

    def backdate(hazard, days: int) -> None:
        # Timeline rows are not audited; spread the demo steps over the days since the danger was found.
        events = list(hazard.events.order_by("pk"))
        for index, event in enumerate(events[1:], start=1):
            when = min(now, ago(max(days - index, 0), 11 + index % 6))
            HazardEvent.objects.filter(pk=event.pk).update(at=when)

    def assign(hazard, deadline_days: int, person=head):
        return rectification.hazard_assign(
            hazard=hazard,
            by=security,
            responsible=person,
            deadline=ctx.today + datetime.timedelta(days=max(deadline_days, 0)),
        )

    def fix(hazard, note):
        rectification.hazard_start(hazard=hazard, by=head)
        return rectification.hazard_submit_fix(hazard=hazard, by=head, note=note, uploads=[_photo("fix")])

    with transaction.atomic():
        raise_(first, "physical", 0)  # reported
        assign(raise_("一路监控画面模糊，需清洁镜头", "technical", 2), 5)
        hazard = assign(raise_("灭火器压力低于绿区", "fire", 4), 6)
        rectification.hazard_start(hazard=hazard, by=head)  # rectifying
        backdate(hazard, 4)
        hazard = fix(assign(raise_("防卫器械摆放不当，取用不便", "civil", 5), 3), "已按规定位置重新摆放")  # to verify
        backdate(hazard, 5)
        hazard = fix(assign(raise_("自助区电源插座未封堵", "physical", 12), 5), "已封堵插座")
        rectification.hazard_send_back(hazard=hazard, by=security, reason="照片未显示封堵后的插座全貌")
        rectification.hazard_submit_fix(hazard=hazard, by=head, note="补拍全景照片", uploads=[_photo("fix")])
        rectification.hazard_verify(hazard=hazard, by=security, note="现场核实已封堵")  # closed after a send-back
        backdate(hazard, 12)
        hazard = raise_("登记簿有漏签", "civil", 9)
        rectification.hazard_fix_on_spot(hazard=hazard, by=officer, note="当场补登并提醒柜员", uploads=[_photo("fix")])
        rectification.hazard_verify(hazard=hazard, by=security)
        backdate(hazard, 9)
        # overdue and escalated: its deadline passed a week ago
        hazard = assign(raise_("营业室后窗防盗栏一处焊点开裂", "physical", 20), 1)
        rectification.hazard_start(hazard=hazard, by=head)
        hazard.refresh_from_db()
        hazard.deadline = ctx.today - datetime.timedelta(days=7)
        hazard._change_reason = "Demo: the deadline passed"
        hazard.save()
        backdate(hazard, 20)
        # a major danger with its governance plan, rectification under way
        major = raise_("110联网报警主机故障，无法布防", "technical", 6, by=security, grade="major", premises=other)
        assign(major, 25, person=security)
        rectification.hazard_plan_save(
            hazard=major,
            by=security,
            targets="恢复110联网报警和布防，15个工作日内通过验收",
            methods="更换报警主机和备用电源，与报警中心联调测试",
            funds="分行安防专项经费2.6万元，设备由供应商备货",
            organisation="分行保卫部牵头，网点负责人配合，供应商技术人员实施",
            time_limit=ctx.today + datetime.timedelta(days=25),
            safety_measures="整改期间每晚加派保安值守，增加巡查频次；启动防盗抢应急预案",
        )
        rectification.hazard_start(hazard=major, by=security)
        backdate(major, 6)
        # a repeat finding: the same item came back within 30 days of the last one closed
        earlier = raise_("营业前检查：尾箱未双人交接", "other", 25, item_code="KO-05")
        rectification.hazard_fix_on_spot(hazard=earlier, by=officer, note="当场纠正", uploads=[_photo("fix")])
        rectification.hazard_verify(hazard=earlier, by=security)
        backdate(earlier, 25)
        earlier.refresh_from_db()
        earlier.closed_at = ago(20)
        earlier._change_reason = "Demo: closed three weeks ago"
        earlier.save()
        assign(raise_("营业前检查：尾箱未双人交接", "other", 1, item_code="KO-05"), 3)
    counts = hz.hazards_mark_overdue(today=ctx.today)
    ctx.stats["hidden danger", "created"] += 10
    ctx.stats["hidden danger", "escalated"] += counts["escalated"]
