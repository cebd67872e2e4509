"""The scoping chokepoint: who sees which units, premises and people."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.choices import Post, UnitKind
from branches.models import Acting, Premises, Unit, User
from branches.scoping import forget_scope
from tests.factories import PremisesFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_head_office_sees_every_premises(org):
    assert codes(Premises.objects.for_user(org.headoffice)) == ["PA", "PA2", "PB"]


def test_president_sees_own_branch_subtree_only(org):
    assert codes(Premises.objects.for_user(org.president)) == ["PA", "PA2"]
    assert "B2" not in codes(Unit.objects.for_user(org.president))


def test_security_department_looks_at_the_unit_it_belongs_to(org):
    assert codes(Premises.objects.for_user(org.security)) == ["PA", "PA2"]
    assert set(codes(Unit.objects.for_user(org.security))) == {"B1", "B1-SEC", "S1A"}


def test_officer_sees_home_premises_only(org):
    assert codes(Premises.objects.for_user(org.officer)) == ["PA"]
    assert set(User.objects.for_user(org.officer).values_list("username", flat=True)) == {"outlethead", "officer"}


def test_outsider_cannot_see_branch_one(org):
    assert codes(Premises.objects.for_user(org.outsider)) == ["PB"]


def test_acting_for_an_outlet_adds_it_for_the_period_only(org, time_machine):
    time_machine.move_to("2026-11-10 10:00:00+08:00")
    Acting.objects.create(
        user=org.outsider,
        post=Post.OUTLET_HEAD,
        premises=org.outlet_a,
        start_date=datetime.date(2026, 11, 9),
        end_date=datetime.date(2026, 11, 13),
    )
    assert codes(Premises.objects.for_user(org.outsider)) == ["PA", "PB"]
    forget_scope(org.outsider)
    time_machine.move_to("2026-11-14 10:00:00+08:00")
    assert codes(Premises.objects.for_user(org.outsider)) == ["PB"]


def test_reference_data_flows_down_the_tree(org):
    visible = set(codes(Unit.objects.visible_to(org.officer)))
    assert visible == {"HO", "B1", "S1A"}
    assert "B2" not in codes(Unit.objects.visible_to(org.president))
    assert "HO" in codes(Unit.objects.visible_to(org.president))


def test_moving_a_unit_moves_its_subtree(org):
    org.sub1.parent = org.branch2
    org.sub1.save()
    org.president.refresh_from_db()
    forget_scope(org.president)
    assert codes(Premises.objects.for_user(org.president)) == []
    assert Unit.objects.get(code="S1A").path.startswith(org.branch2.path)


def test_subtree_query_count_is_constant_on_a_five_level_tree():
    parent = None
    for level, kind in enumerate([UnitKind.HEAD_OFFICE, UnitKind.BRANCH, UnitKind.SUB_BRANCH, UnitKind.SUB_BRANCH]):
        parent = UnitFactory(code=f"L{level}", kind=kind, parent=parent)
    leaf = UnitFactory(code="L4", kind=UnitKind.SUB_BRANCH, parent=parent)
    PremisesFactory(code="DEEP", unit=leaf)
    branch = Unit.objects.get(code="L1")
    president = UserFactory(username="deep-president", unit=branch, post=Post.PRESIDENT)
    with CaptureQueriesContext(connection) as queries:
        assert codes(Premises.objects.for_user(president)) == ["DEEP"]
    shallow = len(queries)
    assert leaf.depth == 4
    for extra in range(5, 9):
        leaf = UnitFactory(code=f"L{extra}", kind=UnitKind.SUB_BRANCH, parent=leaf)
    PremisesFactory(code="DEEPER", unit=leaf)
    forget_scope(president)
    with CaptureQueriesContext(connection) as queries:
        assert codes(Premises.objects.for_user(president)) == ["DEEP", "DEEPER"]
    assert len(queries) == shallow


def test_premises_assigned_for_inspection_are_in_scope_this_month_and_the_next(org, time_machine):
    from inspections.cycles import cycle_open
    from inspections.models import Assignment
    from inspections.services import standard_content_install

    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    time_machine.move_to("2026-12-08 10:00:00+08:00")
    cycle_open(month=datetime.date(2026, 12, 1))
    assignment = (
        Assignment.objects.filter(premises=org.outlet_b, period_end__lte="2026-12-31").order_by("period_end").last()
    )
    Assignment.objects.filter(pk=assignment.pk).update(assignee=org.officer)  # another branch's outlet

    def officer_sees():
        return codes(Premises.objects.for_user(User.objects.get(pk=org.officer.pk)))

    # PA2: the self-service bank the December cycle gave the officer to patrol; PB: assigned by hand.
    assert officer_sees() == ["PA", "PA2", "PB"]
    time_machine.move_to("2027-01-20 10:00:00+08:00")
    assert officer_sees() == ["PA", "PA2", "PB"]
    time_machine.move_to("2027-02-01 10:00:00+08:00")
    assert officer_sees() == ["PA"]


def test_the_scope_is_one_query_compiled_once_and_read_with_each_persons_values(org, time_machine):
    """The scope's UNION is compiled once per process (``branches.scoping._scope_rows``) with stand-ins for
    the person, their unit and the day: what it reads is what the queryset reads for each of them, an
    acting for a unit and one for premises included, and it is one query."""
    from branches.scoping import _scope_queryset, _scope_rows, user_scope

    time_machine.move_to("2026-11-10 10:00:00+08:00")
    today = datetime.date(2026, 11, 10)
    Acting.objects.create(
        user=org.outsider, post=Post.OUTLET_HEAD, premises=org.outlet_a, start_date=today, end_date=today
    )
    Acting.objects.create(user=org.officer, post=Post.PRESIDENT, unit=org.branch2, start_date=today, end_date=today)
    people = User.objects.order_by("pk")
    assert len(people) > 5
    for person in people:
        assert sorted(_scope_rows(person, today), key=repr) == sorted(_scope_queryset(person, today), key=repr)
    officer = User.objects.get(pk=org.officer.pk)
    with CaptureQueriesContext(connection) as queries:
        assert codes(Premises.objects.for_user(officer)) == ["PA", "PB"]  # home, and branch 2 acted for
    assert len(queries) == 2  # the scope, then the premises
    assert user_scope(officer).unit_paths == [org.branch2.path]
