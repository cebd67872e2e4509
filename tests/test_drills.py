"""Plans, drills and study as people meet them: rules across period boundaries, multi-premises
drills, problems becoming hidden dangers, counts, reminders, roles of leavers, bad input."""

import dataclasses
import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from core.models import Notification
from core.tasks_registry import tasks_for
from drills import rules, selectors, services
from drills.choices import DrillKind, DrillStatus, PlanKind, RuleState
from drills.models import DrillProblem, EmergencyPlan, PlanRole
from inspections.hazards.models import Hazard
from tests.factories import PremisesFactory, UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _held(org, when: datetime.datetime, kind=DrillKind.ON_SITE, premises=None, unit=None):
    drill = services.drill_plan(
        unit=unit or org.sub1,
        premises=premises if premises is not None else [org.outlet_a],
        kind=kind,
        scenario="持刀抢劫柜面",
        planned_date=when.date(),
        by=org.security,
    )
    with time_machine.travel(when + datetime.timedelta(hours=1)):
        return services.drill_record(
            drill=drill,
            by=org.security,
            held_at=when,
            duration_minutes=30,
            score=90,
            evaluation="",
            expected=[org.officer, org.outlethead],
            attended=[org.officer],
        )


def _period(periods, rule, start):
    return next(p for p in periods if p.rule == rule and p.start == start and p.premises is None)


@pytest.mark.django_db
def test_drill_late_on_30_june_in_shanghai_counts_for_the_first_half_year(org):
    _held(org, datetime.datetime(2026, 6, 30, 23, 30, tzinfo=SHANGHAI))  # 15:30 UTC
    periods = rules.evaluate(org.sub1, 2026, today=datetime.date(2026, 7, 1))
    first = _period(periods, rules.RULE_HALF_YEAR, datetime.date(2026, 1, 1))
    second = _period(periods, rules.RULE_HALF_YEAR, datetime.date(2026, 7, 1))
    assert (first.done, first.state) == (1, RuleState.MET)
    assert (second.done, second.state) == (0, RuleState.OPEN)
    assert _period(periods, rules.RULE_MONTHLY, datetime.date(2026, 6, 1)).state == RuleState.MET


@pytest.mark.django_db
def test_drill_just_after_midnight_on_1_july_counts_for_the_second_half_year(org):
    _held(org, datetime.datetime(2026, 7, 1, 0, 10, tzinfo=SHANGHAI))  # still 30 June in UTC
    periods = rules.evaluate(org.sub1, 2026, today=datetime.date(2026, 7, 2))
    assert _period(periods, rules.RULE_HALF_YEAR, datetime.date(2026, 1, 1)).state == RuleState.MISSED
    assert _period(periods, rules.RULE_HALF_YEAR, datetime.date(2026, 7, 1)).state == RuleState.MET


@pytest.mark.django_db
def test_new_years_eve_drill_counts_for_the_old_year_not_the_new(org):
    _held(org, datetime.datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI), kind=DrillKind.SPECIAL)
    old = rules.evaluate(org.sub1, 2026, today=datetime.date(2027, 1, 1))
    new = rules.evaluate(org.sub1, 2027, today=datetime.date(2027, 1, 1))
    assert _period(old, rules.RULE_ANNUAL, datetime.date(2026, 1, 1)).state == RuleState.MET
    assert _period(new, rules.RULE_ANNUAL, datetime.date(2027, 1, 1)).done == 0


@pytest.mark.django_db
def test_a_rule_is_due_soon_within_30_days_and_missed_once_the_period_ends(org):
    h1 = datetime.date(2026, 1, 1)
    assert _period(
        rules.evaluate(org.sub1, 2026, today=datetime.date(2026, 5, 31)), rules.RULE_HALF_YEAR, h1
    ).state == (RuleState.OPEN)
    assert _period(rules.evaluate(org.sub1, 2026, today=datetime.date(2026, 6, 1)), rules.RULE_HALF_YEAR, h1).state == (
        RuleState.AT_RISK
    )
    assert _period(rules.evaluate(org.sub1, 2026, today=datetime.date(2026, 7, 1)), rules.RULE_HALF_YEAR, h1).state == (
        RuleState.MISSED
    )


@pytest.mark.django_db
def test_a_planned_drill_covers_a_rule_in_the_plan_but_not_in_what_was_done(org):
    services.drill_plan(
        unit=org.sub1,
        premises=[org.outlet_a],
        kind=DrillKind.ON_SITE,
        scenario="营业厅电路短路起火",
        planned_date=datetime.date(2026, 9, 15),
        by=org.security,
    )
    h2 = _period(
        rules.evaluate(org.sub1, 2026, today=datetime.date(2026, 7, 10)),
        rules.RULE_HALF_YEAR,
        datetime.date(2026, 7, 1),
    )
    assert (h2.done, h2.planned, h2.state) == (0, 1, RuleState.PLANNED)


@pytest.mark.django_db
def test_a_drill_at_two_outlets_counts_for_each_outlet_and_appears_once(org, login):
    second = PremisesFactory(code="PA3", name="东关分理处", unit=org.sub1)
    drill = _held(org, datetime.datetime(2026, 2, 10, 10, 0, tzinfo=SHANGHAI), premises=[org.outlet_a, second])
    periods = rules.evaluate(org.sub1, 2026, today=datetime.date(2026, 4, 1))
    q1 = {p.premises.code: p.state for p in periods if p.premises and p.start == datetime.date(2026, 1, 1)}
    assert q1 == {"PA": RuleState.MET, "PA3": RuleState.MET}
    counts = selectors.drill_counts(
        user=org.headoffice, unit=org.sub1, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31)
    )
    assert (counts.drills_done, counts.premises_drills) == (1, 2)
    page = login(org.security).get(reverse("drills:drill_list") + "?year=2026")
    assert page.content.decode().count(drill.get_absolute_url()) == 1


@pytest.mark.django_db
def test_a_drill_problem_becomes_a_hidden_danger_linked_both_ways(org, login):
    drill = _held(org, datetime.datetime(2026, 3, 10, 16, 0, tzinfo=SHANGHAI))
    client = login(org.officer)
    response = client.post(
        reverse("drills:drill_problem_add", args=[drill.pk]),
        {"premises": org.outlet_a.pk, "description": "报警员未在3分钟内报警", "category": "civil", "grade": "general"},
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.drill_problem.drill == drill
    assert hazard.premises == org.outlet_a and hazard.found_by == org.officer
    assert "报警员未在3分钟内报警" in hazard.description
    page = client.get(drill.get_absolute_url()).content.decode()
    assert hazard.get_absolute_url() in page
    assert "报警员未在3分钟内报警" in client.get(hazard.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_problem_of_a_drill_not_yet_held_is_refused_and_nothing_is_raised(org, login):
    drill = services.drill_plan(
        unit=org.sub1,
        premises=[org.outlet_a],
        kind="on_site",
        scenario="恐吓电话",
        planned_date=datetime.date(2026, 12, 20),
        by=org.security,
    )
    response = login(org.security).post(
        reverse("drills:drill_problem_add", args=[drill.pk]),
        {"premises": org.outlet_a.pk, "description": "x", "category": "civil", "grade": "general"},
    )
    assert response.status_code == 400
    assert not Hazard.objects.exists() and not DrillProblem.objects.exists()


@pytest.mark.django_db
def test_recording_a_drill_in_the_future_is_a_form_error_that_keeps_the_input(org, login):
    drill = services.drill_plan(
        unit=org.sub1,
        premises=[org.outlet_a],
        kind="on_site",
        scenario="恐吓电话",
        planned_date=datetime.date(2026, 12, 20),
        by=org.security,
    )
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)):
        response = login(org.officer).post(
            reverse("drills:drill_record", args=[drill.pk]),
            {"held_on": "2026-12-20", "held_time": "16:00", "duration_minutes": "40", "evaluation": "评估文字保留"},
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert "演练举行之后才能登记" in body and "评估文字保留" in body
    drill.refresh_from_db()
    assert drill.status == DrillStatus.PLANNED


@pytest.mark.django_db
def test_recording_keeps_who_attended_and_who_was_absent(org, login):
    drill = services.drill_plan(
        unit=org.sub1,
        premises=[org.outlet_a],
        kind="on_site",
        scenario="恐吓电话",
        planned_date=datetime.date(2026, 3, 5),
        by=org.security,
    )
    with time_machine.travel(datetime.datetime(2026, 3, 6, 9, 0, tzinfo=SHANGHAI)):
        response = login(org.officer).post(
            reverse("drills:drill_record", args=[drill.pk]),
            {
                "held_on": "2026-03-05",
                "held_time": "16:00",
                "duration_minutes": "40",
                "score": "85",
                "attended": [org.officer.pk],
            },
        )
    assert response.status_code == 302
    attendance = {p.person.username: p.attended for p in drill.participants.all()}
    assert attendance == {"officer": True, "outlethead": False}


@pytest.mark.django_db
def test_the_organiser_is_reminded_once_a_week_before_a_planned_drill(org):
    drill = services.drill_plan(
        unit=org.sub1,
        premises=[org.outlet_a],
        kind="on_site",
        scenario="恐吓电话",
        planned_date=datetime.date(2026, 4, 15),
        by=org.security,
    )
    assert services.drills_remind_upcoming(today=datetime.date(2026, 4, 7)) == 0
    assert services.drills_remind_upcoming(today=datetime.date(2026, 4, 8)) == 1
    assert services.drills_remind_upcoming(today=datetime.date(2026, 4, 9)) == 0
    told = set(Notification.objects.filter(kind="drill.upcoming").values_list("user__username", flat=True))
    assert told == {"security", "officer", "outlethead"}
    assert drill.scenario in Notification.objects.filter(user=org.security).get().title


@pytest.mark.django_db
def test_security_is_told_once_when_a_rule_is_30_days_from_being_missed(org):
    services.drill_rules_remind(today=datetime.date(2026, 5, 31))  # May itself is due that day
    assert not Notification.objects.filter(title__contains="2026-06-30").exists()
    with time_machine.travel(datetime.datetime(2026, 6, 1, 8, 0, tzinfo=SHANGHAI)):
        sent = services.drill_rules_remind(today=datetime.date(2026, 6, 1))
        again = services.drill_rules_remind(today=datetime.date(2026, 6, 1))
    assert sent > 0 and again == 0
    titles = list(Notification.objects.filter(user=org.security).values_list("title", flat=True))
    assert any("城关支行" in t and "2026-06-30" in t for t in titles)


@pytest.mark.django_db
def test_each_sub_branch_is_told_of_its_own_outlets_and_a_drill_held_there_counts(org):
    from drills.models import Drill

    # 河口营业部 (under another branch) held its second-quarter drill in May; 城关营业部 held none.
    held = Drill.objects.create(
        unit=org.sub2,
        kind=DrillKind.ON_SITE,
        scenario="防抢劫",
        status=DrillStatus.DONE,
        planned_date=datetime.date(2026, 5, 12),
        held_at=datetime.datetime(2026, 5, 12, 10, 0, tzinfo=SHANGHAI),
    )
    held.premises.set([org.outlet_b])
    with time_machine.travel(datetime.datetime(2026, 6, 1, 7, 50, tzinfo=SHANGHAI)):
        services.drill_rules_remind(today=datetime.date(2026, 6, 1))
    titles = set(Notification.objects.filter(kind="drill.rule_at_risk").values_list("title", flat=True))
    assert any(t.startswith("城关营业部") and "2026-06-30" in t for t in titles)
    assert not any(t.startswith("河口营业部") for t in titles)
    assert any(t.startswith("河口支行") and "2026-06-30" in t for t in titles)  # June itself has no drill


@pytest.mark.django_db
def test_a_role_held_by_someone_who_left_is_flagged_in_tasks_and_orphans(org, login):
    leaver = UserFactory(
        username="leaver", full_name="郑离职", unit=org.sub1, home_premises=org.outlet_a, post="teller"
    )
    plan = services.plan_save(
        plan=EmergencyPlan(
            unit=org.sub1, kind=PlanKind.ROBBERY, title="城关防抢劫预案", next_review=datetime.date(2027, 3, 1)
        ),
        by=org.security,
    )
    role = services.plan_role_assign(plan=plan, period="business_hours", role="door_keeper", holder=leaver)
    assert not role.needs_reassignment
    leaver.is_active, leaver.end_date = False, datetime.date(2026, 9, 30)
    leaver.save()
    role.holder.refresh_from_db()
    assert PlanRole.objects.get().needs_reassignment
    assert any("城关防抢劫预案" in t.title for t in tasks_for(org.security))
    assert not any("城关防抢劫预案" in t.title for t in tasks_for(org.officer))
    assert "城关防抢劫预案" in login(org.security).get(reverse("branches:orphans")).content.decode()
    # Handing it to someone who left is refused; to a colleague it works and the flag goes.
    response = login(org.security).post(
        reverse("drills:plan_role_edit", args=[role.pk]),
        {"period": "business_hours", "role": "door_keeper", "holder": org.officer.pk},
    )
    assert response.status_code == 302
    assert not PlanRole.objects.get().needs_reassignment


@pytest.mark.django_db
def test_revising_a_plan_raises_its_version_and_keeps_the_history(org, login):
    client = login(org.security)
    response = client.post(
        reverse("drills:plan_create"),
        {
            "unit": org.sub1.pk,
            "kind": "fire_explosion",
            "title": "防火预案",
            "next_review": "2027-06-30",
            "is_active": "on",
        },
    )
    plan = EmergencyPlan.objects.get()
    assert response.status_code == 302 and plan.version == 1
    response = client.post(
        reverse("drills:plan_update", args=[plan.pk]),
        {
            "unit": org.sub1.pk,
            "kind": "fire_explosion",
            "title": "防火防爆预案",
            "next_review": "2027-06-30",
            "is_active": "on",
            "change_note": "增加燃气泄漏处置",
        },
    )
    plan.refresh_from_db()
    assert plan.version == 2 and plan.history.count() == 2
    assert "增加燃气泄漏处置" in client.get(plan.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_branch_plan_is_seen_below_but_only_changed_by_its_branch(org, login):
    plan = services.plan_save(
        plan=EmergencyPlan(
            unit=org.branch1, kind=PlanKind.VAULT, title="金库守护预案", next_review=datetime.date(2027, 1, 1)
        ),
        by=org.security,
    )
    assert login(org.officer).get(plan.get_absolute_url()).status_code == 200
    assert login(org.outsider).get(plan.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_a_sub_branch_with_one_study_session_in_a_month_is_flagged(org, login):
    from drills.models import StudySession

    for day in (5, 19):
        services.study_session_save(
            session=StudySession(unit=org.sub1, topic="制度学习", kind="rules", date=datetime.date(2026, 2, day)),
            attendees=[org.officer],
            by=org.officer,
        )
    services.study_session_save(
        session=StudySession(unit=org.sub1, topic="案例学习", kind="cases", date=datetime.date(2026, 3, 5)),
        attendees=[org.officer, org.outlethead],
        by=org.officer,
    )
    counts = selectors.drill_counts(
        user=org.headoffice,
        unit=org.branch1,
        start=datetime.date(2026, 2, 1),
        end=datetime.date(2026, 3, 31),
        today=datetime.date(2026, 4, 2),
    )
    assert counts.study_sessions == 3 and counts.study_attendances == 4
    assert [(u.code, m, n) for u, m, n in counts.study_months_below] == [("S1A", datetime.date(2026, 3, 1), 1)]


@pytest.mark.django_db
def test_counts_of_a_seeded_sub_branch_match_a_hand_count():
    from branches.demo import SeedContext, seed_organisation
    from branches.models import Unit
    from drills.demo import seed_drills, seed_emergency_plans, seed_study_sessions

    today = datetime.date(2026, 11, 27)
    ctx = SeedContext(today=today)
    with time_machine.travel(datetime.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)):
        for step in (seed_organisation, seed_emergency_plans, seed_drills, seed_study_sessions):
            step(ctx)
        before = ctx.changed()
        ctx2 = SeedContext(today=today)
        for step in (seed_organisation, seed_emergency_plans, seed_drills, seed_study_sessions):
            step(ctx2)
    assert before > 0 and ctx2.changed() == 0  # the same day again changes nothing
    admin = ctx.staff["admin"]
    s1a, s2b = Unit.objects.get(code="S1A"), Unit.objects.get(code="S2B")
    counts = selectors.drill_counts(
        user=admin, unit=s1a, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31), today=today
    )
    # By hand: one drill on the 10th of each month; Jan–Nov are done, December is planned.
    # Quarter-end months (3, 6, 9) use both outlets: 11 drills, 14 drill-premises.
    assert (counts.drills_done, counts.drills_planned, counts.premises_drills) == (11, 1, 14)
    assert counts.drills_by_kind == {"on_site": 8, "special": 2, "comprehensive": 1}
    assert counts.problems == 2 and Hazard.objects.filter(drill_problem__drill__unit=s1a).count() == 2
    assert counts.study_sessions == 22  # 8th and 22nd of Jan–Nov
    assert counts.rules_missed == 0
    low = selectors.drill_counts(
        user=admin, unit=s2b, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 10, 31), today=today
    )
    assert low.study_sessions == 10 and len(low.study_months_below) == 10
    assert PlanRole.objects.filter(holder__is_active=False).count() == 1


@pytest.mark.django_db
def test_programme_page_shows_missed_and_met_rules(org, login):
    _held(org, datetime.datetime(2026, 2, 10, 10, 0, tzinfo=SHANGHAI))
    with time_machine.travel(datetime.datetime(2026, 8, 1, 10, 0, tzinfo=SHANGHAI)):
        page = login(org.president).get(reverse("drills:programme") + f"?unit={org.sub1.pk}&year=2026")
    body = page.content.decode()
    assert page.status_code == 200
    assert "rule-met" in body and "rule-missed" in body


def _programme_periods(section) -> list:
    return [
        *section["annual"],
        *section["half_years"],
        *section["months"],
        *(p for _o, ps in section["outlets"] for p in ps),
    ]


def _as_row(period) -> tuple:
    return (
        period.rule,
        period.unit.pk,
        period.start,
        period.end,
        period.required,
        period.done,
        period.planned,
        period.state,
        getattr(period.premises, "pk", None),
    )


@pytest.mark.django_db
def test_the_programme_page_counts_every_sub_branch_as_the_rules_do():
    """The programme page (sections, a row per branch, its counts) says for every sub-branch what
    ``rules.evaluate`` says for it alone and what ``drill_counts`` says for the year: drills at another
    sub-branch's outlet, on the last evening of a year in Shanghai, cancelled, and a plan without a
    monthly target included."""
    from branches.demo import SeedContext, seed_organisation
    from branches.models import Unit
    from drills.demo import seed_drills, seed_emergency_plans
    from drills.models import AnnualDrillPlan, Drill

    ctx = SeedContext(today=datetime.date(2026, 11, 27))
    with time_machine.travel(datetime.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)):
        for step in (seed_organisation, seed_emergency_plans, seed_drills):
            step(ctx)
    admin, s1a, s2a = ctx.staff["admin"], Unit.objects.get(code="S1A"), Unit.objects.get(code="S2A")
    at_s2a = ctx.premises["P-S2A-01"]
    for held_at, kind, status in (
        (datetime.datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI), DrillKind.ON_SITE, DrillStatus.DONE),
        (datetime.datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI), DrillKind.COMPREHENSIVE, DrillStatus.DONE),
        (None, DrillKind.ON_SITE, DrillStatus.CANCELLED),
    ):
        drill = Drill.objects.create(
            unit=s1a,
            kind=kind,
            scenario="跨支行演练",
            status=status,
            planned_date=datetime.date(2026, 12, 30),
            held_at=held_at,
        )
        drill.premises.set([at_s2a, ctx.premises["P-S1A-01"]])
    plan = AnnualDrillPlan.objects.get(unit__code="S1B", year=2026)
    plan.drills_per_month, plan.outlet_drills_per_quarter = 0, 2
    plan.save()
    cases = 0
    for unit in Unit.objects.exclude(kind="department").order_by("path"):
        subs = rules.sub_branches_of(unit)
        for year, today in (
            (2026, datetime.date(2026, 6, 20)),
            (2026, datetime.date(2026, 11, 27)),
            (2027, datetime.date(2027, 1, 5)),
        ):
            page = selectors.programme(user=admin, unit=unit, year=year, today=today)
            alone = {sub.pk: rules.evaluate(sub, year, today=today) for sub in subs}
            sections = {section["unit"].pk: section for section in page.sections}
            rows: dict = {}
            for sub in subs:
                if sub.pk in sections:
                    assert [_as_row(p) for p in _programme_periods(sections[sub.pk])] == [
                        _as_row(p) for p in alone[sub.pk]
                    ]
                    continue
                child = next(a for a in sub.ancestors(include_self=True) if a.parent_id == unit.pk)
                states = [p.state for p in alone[sub.pk]]
                row = rows.setdefault(child.pk, [0, 0, 0, 0, 0])
                row[0] += 1
                row[1] += states.count(RuleState.MET)
                row[2] += states.count(RuleState.MISSED)
                row[3] += states.count(RuleState.AT_RISK)
                row[4] += len(states) - states.count(RuleState.MET) - states.count(RuleState.MISSED)
            assert {r.unit.pk: [r.sub_branches, r.met, r.missed, r.at_risk, r.pending] for r in page.rows} == rows
            counts = selectors.drill_counts(
                user=admin, unit=unit, start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31), today=today
            )
            assert dataclasses.replace(counts, study_months_below=[]) == page.counts
            cases += 1
    assert cases == 9 * 3 and _period(rules.evaluate(s2a, 2027), rules.RULE_ANNUAL, datetime.date(2027, 1, 1)).done == 1
