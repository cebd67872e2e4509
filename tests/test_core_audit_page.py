"""The audit page: head office and security departments search the audit trail within their scope,
read a record's history (who, when, before → after, why) in their language, export it; old rows go."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.choices import Post, PremisesKind
from branches.models import Premises
from core.services import audit_history_prune
from safetybank.audit import set_reason
from tests.factories import PremisesFactory, UserFactory

pytestmark = pytest.mark.django_db


def _rename(premises, name, by):
    premises.name = name
    set_reason(premises, "record.edit", by=by)
    premises.save()


def _record_url(premises_pk):
    return reverse("audit_record", args=["branches", "premises", premises_pk])


def test_security_department_finds_changes_in_its_branch_and_not_in_another(org, login):
    _rename(org.outlet_a, "城关营业部（新址）", org.security)
    _rename(org.outlet_b, "河口营业部（装修）", org.headoffice)
    client = login(org.security)
    page = client.get(reverse("audit"), {"kind": "branches.premises"}).content.decode()
    assert _record_url(org.outlet_a.pk) in page
    assert _record_url(org.outlet_b.pk) not in page
    assert client.get(_record_url(org.outlet_b.pk)).status_code == 404
    head_office = login(org.headoffice).get(reverse("audit"), {"kind": "branches.premises"}).content.decode()
    assert _record_url(org.outlet_b.pk) in head_office


def test_record_page_shows_who_when_before_after_and_why_in_the_readers_language(org, login):
    _rename(org.outlet_a, "城关营业部（新址）", org.security)
    page = login(org.headoffice).get(_record_url(org.outlet_a.pk)).content.decode()
    assert "孙保卫" in page and "城关营业部" in page and "城关营业部（新址）" in page
    assert "修改" in page  # the reason code "record.edit" in Chinese
    org.headoffice.language = "en"
    org.headoffice.save()
    english = login(org.headoffice).get(_record_url(org.outlet_a.pk)).content.decode()
    assert "Changed" in english and "name" in english


def test_record_page_names_related_records_and_choices(org, login):
    org.outlet_a.unit = org.branch1
    org.outlet_a.kind = PremisesKind.VAULT
    set_reason(org.outlet_a, "record.edit", by=org.headoffice)
    org.outlet_a.save()
    page = login(org.headoffice).get(_record_url(org.outlet_a.pk)).content.decode()
    assert "城关支行" in page and "城东分行" in page  # units by name, not by number
    assert "金库" in page  # the kind by its label


def test_search_by_person_and_date(org, login):
    _rename(org.outlet_a, "城关营业部（新址）", org.security)
    _rename(org.outlet_a2, "北街自助银行（24小时）", org.headoffice)
    client = login(org.headoffice)
    by_security = client.get(reverse("audit"), {"person": org.security.pk}).content.decode()
    assert _record_url(org.outlet_a.pk) in by_security and _record_url(org.outlet_a2.pk) not in by_security
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    later = client.get(reverse("audit"), {"since": tomorrow}).content.decode()
    assert _record_url(org.outlet_a.pk) not in later
    bad = client.get(reverse("audit"), {"since": "2026-13-45"})
    assert bad.status_code == 200 and "有效的日期" in bad.content.decode()
    assert client.get(reverse("audit"), {"kind": "no.such", "record": "abc"}).status_code == 200
    assert client.get(reverse("audit"), {"export": "pdf"}).status_code == 404


def test_deleted_record_history_is_scoped_by_its_unit_as_it_was(org, login):
    gone = PremisesFactory(code="PX", name="临时网点", unit=org.sub1, kind=PremisesKind.OUTLET)
    pk = gone.pk
    set_reason(gone, "admin.delete")
    gone.delete()
    assert not Premises.objects.filter(pk=pk).exists()
    assert login(org.security).get(_record_url(pk)).status_code == 200
    other = UserFactory(username="b2sec", unit=org.branch2, post=Post.SECURITY_DEPARTMENT)
    assert login(other).get(_record_url(pk)).status_code == 404


def test_audit_export_lists_what_the_search_finds(org, login):
    _rename(org.outlet_a, "城关营业部（新址）", org.security)
    response = login(org.security).get(reverse("audit"), {"kind": "branches.premises", "export": "csv"})
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "孙保卫" in text and "修改" in text
    xlsx = login(org.security).get(reverse("audit"), {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_officer_may_not_read_the_audit_trail(org, login):
    assert login(org.officer).get(reverse("audit")).status_code == 403


def test_retention_runs_nightly_from_the_one_schedule(org, settings):
    from core.tasks import prune_audit_history

    assert settings.CELERY_BEAT_SCHEDULE["core-prune-audit-history"]["task"] == prune_audit_history.name
    assert prune_audit_history() == 0  # nothing is ten years old yet


def test_retention_prunes_old_rows_and_keeps_each_records_latest(org):
    _rename(org.outlet_a, "城关营业部（新址）", org.security)
    _rename(org.outlet_a, "城关营业部（再次）", org.security)
    rows = list(org.outlet_a.history.order_by("history_date"))
    old = timezone.now() - datetime.timedelta(days=365 * 11)
    org.outlet_a.history.model.objects.filter(history_id__in=[r.history_id for r in rows]).update(history_date=old)
    assert audit_history_prune(years=10) == len(rows) - 1
    assert list(org.outlet_a.history.values_list("name", flat=True)) == ["城关营业部（再次）"]
    assert audit_history_prune(years=10) == 0
