"""The audit trail: before and after of a change, and records nobody can change from a screen."""

import datetime

import pytest
from django.urls import reverse

from branches.models import Premises
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_audited_change_records_before_after_who_and_why(org):
    premises = Premises.objects.get(pk=org.outlet_a.pk)
    premises.closes_at = datetime.time(17, 30)
    premises._change_reason = "夏季营业时间调整"
    premises.save()

    latest, previous = premises.history.all()[:2]
    assert previous.closes_at == datetime.time(17, 0)
    assert latest.closes_at == datetime.time(17, 30)
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("closes_at", datetime.time(17, 0), datetime.time(17, 30))
    ]
    assert latest.history_change_reason == "夏季营业时间调整"
    assert latest.history_type == "~"


@pytest.fixture
def superuser(org):
    return UserFactory(username="root", is_superuser=True, is_staff=True, unit=org.ho_security)


@pytest.fixture
def audit_record(org):
    premises = Premises.objects.get(pk=org.outlet_a.pk)
    premises.name = "城关营业部（新）"
    premises.save()
    return premises.history.first()


def test_the_admin_shows_audit_records_but_cannot_change_or_delete_them(superuser, audit_record, login):
    client = login(superuser)
    opts = audit_record._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[audit_record.pk])
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[audit_record.pk])

    assert client.get(changelist).status_code == 200
    page = client.get(change)
    assert page.status_code == 200 and 'type="submit"' not in page.content.decode().split('id="content"')[1]
    assert client.post(change, {"name": "篡改"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    audit_record.refresh_from_db()
    assert audit_record.name == "城关营业部（新）"


def test_the_history_screen_offers_no_revert(superuser, audit_record, login):
    from simple_history.admin import SimpleHistoryAdmin

    from core.admin import AuditedAdmin

    # The revert button is switched off for every history screen, including other apps' admins.
    assert SimpleHistoryAdmin.revert_disabled(None, None)
    # The calendar's admin also refuses a revert posted by hand.
    from core.models import CalendarDay

    day = CalendarDay.objects.first()
    client = login(superuser)
    day.note = "改过"
    day.save()
    version = day.history.last()
    url = reverse("admin:core_calendarday_simple_history", args=[day.pk, version.history_id])
    assert (
        client.post(url, {"date": "2026-01-01", "kind": "holiday", "festival": "new_year", "note": "x"}).status_code
        == 403
    )
    assert issubclass(AuditedAdmin, SimpleHistoryAdmin)
