"""`manage.py seed_demo`: the demo bank, its logins, and running it again."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from branches.choices import Post, PremisesKind, UnitKind
from branches.models import Acting, Contract, Premises, Unit, User
from drills.demo import LEAVER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _development_mode(settings):
    """The seed is for development (DEBUG=1); the test runner turns DEBUG off."""
    settings.DEBUG = True


LOGINS = ("headoffice", "president", "security", "outlethead", "officer", "outsider", "admin")


def seed(**kwargs) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table of every installed app, audit trail (historical models) and many-to-many included."""
    models = apps.get_models(include_auto_created=True)
    return {m._meta.label: m._base_manager.count() for m in models}


def test_the_demo_bank_has_the_shape_of_the_domain(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC))
    seed()  # its duration is a benchmark (bench/seed_demo.py, docs/benchmarks.md), not a timed test

    assert Unit.objects.filter(kind=UnitKind.HEAD_OFFICE).count() == 1
    assert Unit.objects.filter(kind=UnitKind.BRANCH).count() == 2
    subs = Unit.objects.filter(kind=UnitKind.SUB_BRANCH)
    assert subs.count() == 6
    assert all(s.parent.kind == UnitKind.BRANCH for s in subs)
    for branch in Unit.objects.filter(kind__in=[UnitKind.HEAD_OFFICE, UnitKind.BRANCH]):
        kinds = set(branch.children.filter(kind=UnitKind.DEPARTMENT).values_list("department_kind", flat=True))
        assert kinds == {"security", "risk", "business", "office"}, branch

    assert 20 <= Premises.objects.count() <= 30
    assert set(Premises.objects.values_list("kind", flat=True)) == set(PremisesKind.values)
    assert set(Premises.objects.values_list("area", flat=True)) == {"urban", "rural"}
    assert all(p.open_24h for p in Premises.objects.filter(kind=PremisesKind.SELF_SERVICE))
    outlet = Premises.objects.get(code="P-S1A-01")
    assert (outlet.opens_at, outlet.closes_at) == (datetime.time(8, 30), datetime.time(17, 0))

    assert 130 <= User.objects.count() <= 170
    assert set(User.objects.values_list("post", flat=True)) == set(Post.values)
    assert all(
        len(name) in (2, 3) for name in User.objects.exclude(username="admin").values_list("full_name", flat=True)
    )
    assert User.objects.filter(post=Post.TELLER, email="").count() > 20  # tellers without e-mail

    from reports.models import Report

    year_to_date = Report.objects.filter(kind="year_end", unit__kind=UnitKind.BRANCH, status="draft")
    assert year_to_date.count() == 2  # each branch's year-end summary so far, as the README says
    assert all(r.is_year_to_date and r.period_end == datetime.date(2026, 11, 25) for r in year_to_date)


def test_demo_logins_sign_in_with_the_demo_password_and_sit_where_the_readme_says(client, settings):
    settings.AXES_FAILURE_LIMIT = 50
    output = seed()
    for username in LOGINS:
        assert username in output
        response = client.post(reverse("login"), {"username": username, "password": "SafetyDemo-2026"})
        assert response.status_code == 302 and response["Location"] == reverse("home"), username
        home = client.get(reverse("home"))
        if username in ("headoffice", "president", "admin"):  # they set up two-factor sign-in first
            assert home["Location"] == reverse("second_factor_enrol"), username
        else:
            assert home.status_code == 200, username  # no forced password change
        client.logout()

    users = {u.username: u for u in User.objects.filter(username__in=LOGINS)}
    assert users["headoffice"].post == Post.HEAD_OFFICE_SECURITY and users["headoffice"].unit.code == "HO-SEC"
    assert users["president"].post == Post.PRESIDENT and users["president"].unit.code == "B1"
    assert users["security"].unit.parent.code == "B1"
    assert users["outlethead"].home_premises == users["officer"].home_premises
    assert users["outlethead"].home_premises.unit.parent.code == "B1"
    assert users["outsider"].home_premises.unit.parent.code == "B2"
    assert users["admin"].is_superuser

    contracted = Contract.objects.filter(user=users["security"]).values_list("premises__unit__path", flat=True)
    assert len(contracted) >= 3
    assert all(path.startswith(users["president"].unit.path) for path in contracted)
    assert not Premises.objects.for_user(users["outsider"]).filter(pk=users["officer"].home_premises_id).exists()

    # Generated staff are not logins.
    assert not any(u.has_usable_password() for u in User.objects.exclude(username__in=LOGINS))

    # The demo leaver left through the leaving service: account closed, and the audit trail says so.
    leaver = User.objects.get(username=LEAVER)
    assert leaver.has_left and not leaver.has_usable_password() and not leaver.contracts.exists()
    last_day = datetime.date(timezone.localdate().year, 9, 30).isoformat()
    assert last_day in leaver.history.order_by("-history_id").first().history_change_reason


def test_running_twice_the_same_day_changes_nothing():
    seed()
    before = row_counts()
    passwords = dict(User.objects.values_list("username", "password"))

    output = seed()
    assert row_counts() == before  # every table, audit trail included: no row added or saved again
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert "created" not in output and "updated" not in output


def test_a_later_day_rolls_forward_without_duplicates(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC))
    seed()
    counts = (Unit.objects.count(), Premises.objects.count(), User.objects.count(), Contract.objects.count())

    time_machine.move_to(datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC))  # the next week
    seed()
    seed()
    assert (Unit.objects.count(), Premises.objects.count(), User.objects.count(), Contract.objects.count()) == counts
    starts = list(Acting.objects.order_by("start_date").values_list("start_date", flat=True))
    assert starts == [datetime.date(2026, 11, 23), datetime.date(2026, 11, 30)]


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert not Unit.objects.exists()
    seed(force=True)
    assert Unit.objects.filter(code="HO").exists()
