"""Claimed background jobs run under a lease: a job whose worker was killed is finished by the
sweep; a job whose worker is alive is not taken from it; a page that waited too long offers a retry."""

import datetime
import io

import pytest
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from core.choices import DocumentStatus
from core.leases import job_claim, job_renew, jobs_sweep
from core.models import GeneratedDocument
from core.services import document_render
from responsibilities import services as letters
from responsibilities.choices import RoundStatus
from responsibilities.models import Letter, LetterRound
from safetybank.celery import app

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 1, 5, 1, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)

    def later(seconds: float) -> None:
        time_machine.move_to(START + datetime.timedelta(seconds=seconds), tick=False)

    return later


def _calendar_document(org) -> GeneratedDocument:
    return GeneratedDocument.objects.create(
        kind="core.business_calendar", params={"year": 2026}, requested_by=org.officer, language="zh-hans"
    )


def _worker_dies_mid_render(document: GeneratedDocument) -> None:
    """A worker claims the document, reports 60 % and is killed before it can write anything else."""
    assert job_claim(GeneratedDocument, document.pk)
    GeneratedDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.RUNNING, progress=60)


def _sweep() -> int:
    """The beat job, with the tasks it enqueues run when its transaction commits (as in production)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return jobs_sweep()


def _pdf_text(document: GeneratedDocument) -> str:
    with document.file.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_a_document_whose_worker_was_killed_is_finished_by_the_sweep(org, clock):
    document = _calendar_document(org)
    _worker_dies_mid_render(document)
    clock(settings.JOB_LEASE_SECONDS + 1)
    assert _sweep() == 1  # sent to a worker again (tasks run in-process in tests)
    document.refresh_from_db()
    assert (document.status, document.progress, document.attempts) == (DocumentStatus.DONE, 100, 2)
    assert document.lease_until is None and "2026-02-14" in _pdf_text(document)
    assert _sweep() == 0  # a finished job is never sent again


def test_a_document_whose_worker_is_alive_is_not_taken_from_it(org, clock):
    document = _calendar_document(org)
    _worker_dies_mid_render(document)  # ... or is simply still rendering
    clock(settings.JOB_LEASE_SECONDS - 1)
    assert _sweep() == 0
    assert document_render(document_id=document.pk) is False  # the broker's second delivery backs off
    job_renew(GeneratedDocument, document.pk, progress=80)  # the worker reports progress: its lease moves on
    clock(settings.JOB_LEASE_SECONDS + 1)
    assert _sweep() == 0 and document_render(document_id=document.pk) is False
    document.refresh_from_db()
    assert (document.status, document.progress, document.attempts, document.file.name) == ("running", 80, 1, "")


def test_a_document_that_kills_every_worker_fails_after_the_last_attempt(org, clock, login):
    document = _calendar_document(org)
    for attempt in range(settings.JOB_MAX_ATTEMPTS):
        clock(attempt * (settings.JOB_LEASE_SECONDS + 1))
        _worker_dies_mid_render(document)
    clock(settings.JOB_MAX_ATTEMPTS * (settings.JOB_LEASE_SECONDS + 1))
    assert _sweep() == 0
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and f"lost {settings.JOB_MAX_ATTEMPTS} times" in document.error
    page = login(org.officer).get(reverse("document_status", args=[document.pk]), HTTP_HX_REQUEST="true")
    page = page.content.decode()
    assert "hx-trigger" not in page and 'id="document-retry"' in page


def test_a_round_whose_worker_was_killed_is_issued_by_the_sweep(org, clock):
    round = letters.round_request(unit=org.branch1, year=2026, by=org.security)
    assert job_claim(LetterRound, round.pk)  # a worker claimed it and was killed
    assert letters.round_run(round_id=round.pk) is False  # not taken while the lease lives
    clock(settings.JOB_LEASE_SECONDS + 1)
    assert _sweep() == 1
    round.refresh_from_db()
    assert round.status == RoundStatus.DONE and round.issued_count == Letter.objects.filter(round=round).count() > 0
    assert round.history.filter(status=RoundStatus.DONE).exists()  # the audit trail saw it finish


def test_the_status_page_stops_polling_after_the_limit_and_its_retry_finishes_the_document(
    org, clock, login, django_capture_on_commit_callbacks
):
    document = _calendar_document(org)
    _worker_dies_mid_render(document)
    client = login(org.officer)
    status_url = reverse("document_status", args=[document.pk])
    html = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in html and "60%" in html and "document-retry" not in html
    refused = client.post(reverse("document_retry", args=[document.pk]), follow=True).content.decode()
    assert "仍在生成" in refused and GeneratedDocument.objects.count() == 1  # too early to ask again

    clock(settings.JOB_WAIT_LIMIT_SECONDS + 1)
    html = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html and 'id="document-retry"' in html and 'id="document-stalled"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("document_retry", args=[document.pk]))
    again = GeneratedDocument.objects.exclude(pk=document.pk).get()
    assert response["Location"] == reverse("document_status", args=[again.pk])
    assert again.status == DocumentStatus.DONE and "2026-02-14" in _pdf_text(again)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED  # given up: the sweep does not render it as well
    assert login(org.outsider).post(reverse("document_retry", args=[again.pk])).status_code == 404


def test_a_stalled_round_page_stops_polling_and_issues_again(org, clock, login, django_capture_on_commit_callbacks):
    round = letters.round_request(unit=org.branch1, year=2026, by=org.security)
    assert job_claim(LetterRound, round.pk)
    LetterRound.objects.filter(pk=round.pk).update(status=RoundStatus.RUNNING, progress=40)
    client = login(org.security)
    html = client.get(round.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in html and "round-retry" not in html
    clock(settings.JOB_WAIT_LIMIT_SECONDS + 1)
    html = client.get(round.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html and 'id="round-retry"' in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("responsibilities:round_issue"), {"unit": org.branch1.pk, "year": 2026})
    round.refresh_from_db()
    assert round.status == RoundStatus.DONE and round.issued_count > 0


def test_the_broker_hands_back_a_lost_workers_message_and_the_sweep_is_scheduled():
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert 0 < app.conf.broker_transport_options["visibility_timeout"] < 3600
    assert settings.JOB_LEASE_SECONDS > settings.CELERY_TASK_TIME_LIMIT  # a live worker never loses its job
    assert settings.CELERY_BEAT_SCHEDULE["core-sweep-jobs"]["task"] == "core.sweep_jobs"
