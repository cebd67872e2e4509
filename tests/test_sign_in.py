import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert "登录" in response.content.decode()


def test_successful_and_failed_sign_ins_are_stored_with_username_and_ip(client):
    UserFactory(username="wangfang")
    _login(client, "wangfang", "wrong-password", ip="10.1.1.1")
    _login(client, "nosuchuser", "whatever", ip="10.1.1.2")
    response = _login(client, "wangfang", PASSWORD, ip="10.1.1.3")
    assert response.status_code == 302
    failures = {(f.username, f.ip_address) for f in AccessFailureLog.objects.all()}
    assert failures == {("wangfang", "10.1.1.1"), ("nosuchuser", "10.1.1.2")}
    success = AccessLog.objects.get()
    assert (success.username, success.ip_address) == ("wangfang", "10.1.1.3")
    assert success.attempt_time is not None


def test_repeated_failures_lock_the_user_at_that_address_only(client, settings):
    UserFactory(username="victim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "victim", "guess", ip="10.9.9.9")
    locked = _login(client, "victim", PASSWORD, ip="10.9.9.9")
    assert locked.status_code == 429
    assert "暂时锁定" in locked.content.decode()
    assert AccessAttempt.objects.filter(username="victim", ip_address="10.9.9.9").exists()

    # The real owner, at their own counter, still signs in.
    own = _login(client, "victim", PASSWORD, ip="10.2.2.2")
    assert own.status_code == 302
    assert own["Location"] == reverse("home")


def test_lockout_ends_after_the_cool_off(client, settings, time_machine):
    settings.AXES_COOLOFF_TIME = __import__("datetime").timedelta(minutes=15)
    UserFactory(username="victim")
    time_machine.move_to("2026-11-27 09:00:00+08:00")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "victim", "guess", ip="10.9.9.9")
    assert _login(client, "victim", PASSWORD, ip="10.9.9.9").status_code == 429
    time_machine.move_to("2026-11-27 09:16:00+08:00")
    assert _login(client, "victim", PASSWORD, ip="10.9.9.9").status_code == 302


def test_initial_password_must_be_changed_before_anything_else(client):
    user = UserFactory(username="newteller")
    user.must_change_password = True
    user.save()
    response = _login(client, "newteller", PASSWORD)
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"] == reverse("password_change")

    same = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert same.status_code == 200
    assert "新密码必须与当前密码不同" in same.content.decode()

    weak = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert weak.status_code == 200
    user.refresh_from_db()
    assert user.must_change_password

    changed = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Lotus-Pond-7731", "new_password2": "Lotus-Pond-7731"},
    )
    assert changed.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_logout_ends_the_session(client):
    UserFactory(username="officer1")
    _login(client, "officer1", PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_session_expires_after_idle_minutes(client, settings, time_machine):
    time_machine.move_to("2026-11-27 09:00:00+08:00", tick=False)
    UserFactory(username="idle")
    _login(client, "idle", PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    time_machine.move_to("2026-11-27 09:25:00+08:00", tick=False)
    assert client.get(reverse("home")).status_code == 200  # activity renews the clock
    time_machine.move_to("2026-11-27 09:56:00+08:00", tick=False)
    assert client.get(reverse("home")).status_code == 302
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_reading_pages_does_not_write_the_session_table(client, time_machine):
    """Sessions are saved when they change and renewed at most every SESSION_RENEW_MINUTES, not on
    every request: a signed-in person reading pages sends no write to the session table."""
    time_machine.move_to("2026-11-27 09:00:00+08:00", tick=False)
    UserFactory(username="reader")
    _login(client, "reader", PASSWORD)
    for minute in (1, 2, 4):
        time_machine.move_to(f"2026-11-27 09:0{minute}:00+08:00", tick=False)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        writes = [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
        assert writes == []
    time_machine.move_to("2026-11-27 09:06:00+08:00", tick=False)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert any(q["sql"].startswith('UPDATE "django_session"') for q in queries)  # renewed once due


def test_a_session_made_without_the_sign_in_page_is_not_written_on_its_first_request(client, time_machine):
    """A sign-in counts as the session's renewal however it was made (``force_login`` here, as the
    benchmarks and tests sign in): the next request reads the session and writes nothing."""
    time_machine.move_to("2026-11-27 09:00:00+08:00", tick=False)
    client.force_login(UserFactory(username="forced"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")] == []


def test_language_switch_becomes_the_persons_preference(client):
    user = UserFactory(username="switcher")
    _login(client, "switcher", PASSWORD)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "My tasks" in client.get(reverse("home")).content.decode()
    user.refresh_from_db()
    assert user.language == "en"


def test_preferred_language_applies_at_sign_in_without_a_cookie(client):
    UserFactory(username="english", language="en")
    _login(client, "english", PASSWORD)
    assert "My tasks" in client.get(reverse("home")).content.decode()
