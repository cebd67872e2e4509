"""Notifications, the bell, "my tasks" and the escalation function."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy

from branches.choices import DepartmentKind, Post, UnitKind
from core.models import Notification
from core.selectors import superior_of
from core.services import notify
from core.tasks_registry import TaskItem, register_task_provider, unregister_task_provider
from tests.factories import PremisesFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

# A message with a Chinese text in the catalogue, used as a feature's reminder would be.
TITLE = gettext_lazy("Business calendar %(year)s")


def remind(user, obj):
    """What a feature's hourly reminder job does."""
    return notify(user=user, kind="test.reminder", obj=obj, title=TITLE, params={"year": 2027}, url="/calendar/")


def test_a_reminder_run_every_hour_notifies_once_per_object_per_day(org, time_machine):
    time_machine.move_to("2026-03-02 08:00:00+08:00")
    for hour in range(8, 20):
        time_machine.move_to(f"2026-03-02 {hour:02d}:00:00+08:00")
        remind(org.officer, org.outlet_a)
    assert Notification.objects.filter(user=org.officer).count() == 1

    remind(org.officer, org.outlet_a2)  # another object is another reminder
    assert Notification.objects.filter(user=org.officer).count() == 2

    time_machine.move_to("2026-03-03 08:00:00+08:00")
    remind(org.officer, org.outlet_a)  # the next day reminds again
    assert Notification.objects.filter(user=org.officer).count() == 3


def test_a_repeated_notice_inside_a_transaction_leaves_the_transaction_usable(org):
    """The notice is inserted unless today's is there, in the caller's transaction: a repeat is
    skipped by the database (no error, no savepoint) and the caller carries on."""
    from django.db import transaction

    with transaction.atomic():
        assert remind(org.officer, org.outlet_a) is not None
        assert remind(org.officer, org.outlet_a) is None
        assert Notification.objects.filter(user=org.officer).count() == 1


def test_the_day_of_a_reminder_is_the_local_day(org, time_machine):
    # 23:30 in Shanghai is still 15:30 UTC of the same day; 00:30 is a new local day.
    time_machine.move_to("2026-03-02 23:30:00+08:00")
    remind(org.officer, org.outlet_a)
    time_machine.move_to("2026-03-03 00:30:00+08:00")
    assert remind(org.officer, org.outlet_a) is not None


def test_text_is_in_the_recipients_language_not_the_senders(org):
    org.officer.language = "en"
    org.officer.save()
    remind(org.officer, org.outlet_a)
    remind(org.outlethead, org.outlet_a)  # default language: Simplified Chinese
    assert Notification.objects.get(user=org.officer).title == "Business calendar 2027"
    chinese = Notification.objects.get(user=org.outlethead).title
    assert "2027" in chinese and "营业日历" in chinese


def test_email_goes_once_in_the_recipients_language_when_there_is_an_address(
    org, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    org.officer.language = "en"
    org.officer.save()
    org.outlethead.email = ""
    org.outlethead.save()
    with django_capture_on_commit_callbacks(execute=True):
        remind(org.officer, org.outlet_a)
        remind(org.officer, org.outlet_a)
        remind(org.outlethead, org.outlet_a)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [org.officer.email]
    assert message.subject == "[SafetyBank] Business calendar 2027"
    assert "http://127.0.0.1:8000/calendar/" in message.body
    assert Notification.objects.get(user=org.officer).emailed_at is not None


def test_bell_shows_the_unread_count_and_the_list_marks_read(org, login):
    remind(org.officer, org.outlet_a)
    remind(org.officer, org.outlet_a2)
    client = login(org.officer)
    home = client.get(reverse("home")).content.decode()
    assert 'data-unread="2"' in home

    notification = Notification.objects.filter(user=org.officer).first()
    response = client.post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/calendar/"
    assert 'data-unread="1"' in client.get(reverse("notification_bell")).content.decode()

    client.post(reverse("notifications_read_all"))
    bell = client.get(reverse("notification_bell")).content.decode()
    assert "data-unread" not in bell
    listing = client.get(reverse("notifications")).content.decode()
    assert "营业日历" in listing


def test_the_list_shows_only_the_unread_when_asked_and_never_someone_elses(org, login):
    from core.services import notification_mark_read

    def note(user, year):
        return notify(user=user, kind="test", title=TITLE, params={"year": year}, dedupe_key=f"test-{year}")

    notification_mark_read(notification=note(org.officer, 2026))
    note(org.officer, 2027)
    note(org.security, 2028)
    client = login(org.officer)
    everything = client.get(reverse("notifications")).content.decode()
    assert "2026 年营业日历" in everything and "2027 年营业日历" in everything and "2028" not in everything
    unread = client.get(reverse("notifications") + "?unread=true").content.decode()
    assert "2027 年营业日历" in unread and "2026 年营业日历" not in unread


def test_nobody_opens_someone_elses_notification(org, login):
    notification = remind(org.officer, org.outlet_a)
    response = login(org.outsider).post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_notification_link_never_leaves_the_site(org, login):
    notification = notify(user=org.officer, kind="test", title=TITLE, params={"year": 1}, url="https://evil.example/")
    response = login(org.officer).post(reverse("notification_open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications")


# --------------------------------------------------------------------------- my tasks


@pytest.fixture
def provider():
    def tasks(user):
        if user.post != Post.SECURITY_OFFICER:
            return []
        return [
            TaskItem(title="明天检查灭火器", due=datetime.date(2026, 3, 5), source="设施"),
            TaskItem(title="整改北门门锁", due=datetime.date(2026, 3, 1), url="/hazards/7/"),
        ]

    register_task_provider(tasks)
    yield tasks
    unregister_task_provider(tasks)


def test_home_page_lists_what_features_registered_overdue_first(org, login, provider, time_machine):
    time_machine.move_to("2026-03-03 09:00:00+08:00")
    page = login(org.officer).get(reverse("home")).content.decode()
    assert page.index("整改北门门锁") < page.index("明天检查灭火器")
    assert "list-group-item-danger" in page  # the overdue one stands out
    assert "Nothing is waiting for you" not in page and "没有" not in page.split("my-tasks")[1][:200]

    other = login(org.president).get(reverse("home")).content.decode()
    assert "整改北门门锁" not in other


def test_head_office_is_reminded_to_enter_next_years_calendar_from_november(org, login, time_machine):
    time_machine.move_to("2026-10-20 09:00:00+08:00")
    assert "2027" not in login(org.headoffice).get(reverse("home")).content.decode().split('id="my-tasks"')[1][:600]
    time_machine.move_to("2026-11-02 09:00:00+08:00")
    page = login(org.headoffice).get(reverse("home")).content.decode()
    assert "/calendar/?year=2027" in page
    assert "/calendar/?year=2027" not in login(org.officer).get(reverse("home")).content.decode()


# --------------------------------------------------------------------------- escalation


def test_superior_walks_up_security_departments_of_a_three_level_tree(org):
    # head office → branch 1 → sub-branch S1A: S1A has no security department of its own.
    assert superior_of(org.officer) == [org.security]
    assert superior_of(org.outlet_a) == [org.security]
    assert superior_of(org.sub1) == [org.security]
    # The branch security department escalates to head office, never to itself.
    assert superior_of(org.security) == [org.headoffice]
    assert superior_of(org.president) == [org.security]
    # Branch 2 has no security department: its sub-branch escalates straight to head office.
    assert superior_of(org.outsider) == [org.headoffice]
    # Nobody above head office.
    assert superior_of(org.headoffice) == []


def test_a_sub_branch_with_its_own_security_department_escalates_there_first(org):
    s1_security = UnitFactory(
        code="S1A-SEC",
        name="城关支行保卫组",
        kind=UnitKind.DEPARTMENT,
        department_kind=DepartmentKind.SECURITY,
        parent=org.sub1,
    )
    guard = UserFactory(username="guard", full_name="郑保卫", unit=s1_security, post=Post.SECURITY_DEPARTMENT)
    UserFactory(username="away", unit=s1_security, post=Post.SECURITY_DEPARTMENT, is_active=False)
    assert superior_of(org.officer) == [guard]
    assert superior_of(guard) == [org.security]
    # A risk department is not where safety escalates.
    risk = UnitFactory(
        code="B2-RISK", kind=UnitKind.DEPARTMENT, department_kind=DepartmentKind.RISK, parent=org.branch2
    )
    UserFactory(username="risky", unit=risk, post=Post.SECURITY_DEPARTMENT)
    outlet = PremisesFactory(code="PB2", unit=org.sub2)
    assert superior_of(outlet) == [org.headoffice]


def test_a_digest_to_many_people_tells_each_once_in_their_language_and_mails_them(
    org, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """notify_many (the nightly digests): each person gets their own counts once that day, in their
    language, with the e-mail that a single notice sends; a second run tells nobody again; the
    writes do not grow with the number of people."""
    from core.services import notify_many

    people = [org.officer, org.outlethead, org.president, org.security]
    for n, person in enumerate(people):
        person.email, person.language = f"p{n}@example.com", "en" if n % 2 else "zh-hans"
        person.save()
    org.president.is_active = False
    org.president.save()
    mail.outbox.clear()
    recipients = [(person, {"year": 2026 + n}, "/calendar/") for n, person in enumerate(people)]
    with django_capture_on_commit_callbacks(execute=False) as published:
        with django_assert_max_num_queries(8):  # the told, the notices, the e-mails queued, the channels
            sent = notify_many(kind="test.digest", title=TITLE, recipients=recipients, dedupe_key="digest:1")
    for callback in published:
        callback()  # after commit: the e-mails are sent
    assert sent == 4
    notices = {n.user_id: n for n in Notification.objects.filter(kind="test.digest")}
    assert notices[org.officer.pk].title == "2026 年营业日历"
    assert notices[org.outlethead.pk].title == "Business calendar 2027"
    assert sorted(mail.outbox[i].to[0] for i in range(len(mail.outbox))) == [
        "p0@example.com",
        "p1@example.com",
        "p3@example.com",
    ]
    assert notify_many(kind="test.digest", title=TITLE, recipients=recipients, dedupe_key="digest:1") == 0
    assert Notification.objects.filter(kind="test.digest").count() == 4
