"""Two-factor sign-in: who must have it, the code step, recovery codes, lockout, the administrator's reset."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from branches import services
from branches.selectors import second_factor_enrolled
from tests.factories import PASSWORD, UserFactory
from tests.mfa_helpers import code_for, code_for_secret, enrolled_device

pytestmark = pytest.mark.django_db


def _password(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_president_without_an_app_is_sent_to_set_one_up_and_nowhere_else(org, client):
    _password(client, "president")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("second_factor_enrol")
    page = client.get(reverse("second_factor_enrol"))
    assert 'id="second-factor-required"' in page.content.decode()
    assert b'id="totp-secret"' in page.content and b"<svg" in page.content


def test_enrolment_confirms_with_a_code_and_shows_recovery_codes_once(org, client):
    _password(client, "president")
    page = client.get(reverse("second_factor_enrol"))
    secret = page.context["secret"]
    wrong = client.post(reverse("second_factor_enrol"), {"code": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    assert not second_factor_enrolled(org.president)
    TOTPDevice.objects.update(throttling_failure_count=0)  # a person takes more than the 1 s back-off to retype
    done = client.post(reverse("second_factor_enrol"), {"code": code_for_secret(secret)})
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert second_factor_enrolled(org.president)
    assert client.get(reverse("home")).status_code == 200  # enrolment done: the site opens
    history = org.president.history.order_by("-history_date").first()
    assert history.history_change_reason == "mfa.enrol"


def test_officer_may_sign_in_with_a_password_alone(org, client):
    _password(client, "officer")
    assert _signed_in(client)
    assert client.get(reverse("home")).status_code == 200


def test_enrolled_person_is_not_signed_in_before_the_code(org, client):
    device = enrolled_device(org.president)
    response = _password(client, "president")
    assert response["Location"] == reverse("second_factor_verify")
    assert not _signed_in(client)
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    client.post(reverse("second_factor_verify"), {"code": code_for(device)})
    assert _signed_in(client)
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_signs_in_once(org, client):
    _password(client, "president")
    secret = client.get(reverse("second_factor_enrol")).context["secret"]
    codes = client.post(reverse("second_factor_enrol"), {"code": code_for_secret(secret)}).context["codes"]
    client.logout()
    _password(client, "president")
    client.post(reverse("second_factor_verify"), {"code": codes[0]})
    assert _signed_in(client)
    client.logout()
    _password(client, "president")
    again = client.post(reverse("second_factor_verify"), {"code": codes[0]})
    assert not _signed_in(client)
    assert "验证码不正确" in again.content.decode()


def test_wrong_codes_count_toward_the_lockout(org, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device = enrolled_device(org.president)
    _password(client, "president")
    client.post(reverse("second_factor_verify"), {"code": "111111"})
    client.post(reverse("second_factor_verify"), {"code": "222222"})
    locked = client.post(reverse("second_factor_verify"), {"code": "333333"})
    assert locked.status_code == 429
    # Locked out: the right password and the right code no longer get in.
    _password(client, "president")
    client.post(reverse("second_factor_verify"), {"code": code_for(device)})
    assert not _signed_in(client)


def test_code_step_without_a_password_goes_back_to_sign_in(org, client):
    response = client.get(reverse("second_factor_verify"))
    assert response["Location"] == reverse("login")


def test_required_second_factor_cannot_be_turned_off(org, login):
    enrolled_device(org.president)
    client = login(org.president)
    response = client.post(reverse("second_factor"), {"do": "off"}, follow=True)
    assert "不能关闭" in response.content.decode()
    assert second_factor_enrolled(org.president)


def test_officer_may_turn_off_an_optional_second_factor(org, login):
    enrolled_device(org.officer)
    client = login(org.officer)
    client.post(reverse("second_factor"), {"do": "off"})
    assert not second_factor_enrolled(org.officer)


def test_administrator_resets_a_second_factor_audited_and_sessions_end(org, client):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    enrolled_device(org.president)
    president = Client()
    president.force_login(org.president)
    client.force_login(admin)
    page = client.get(reverse("branches:staff_detail", args=[org.president.pk]))
    assert reverse("second_factor_reset", args=[org.president.pk]).encode() in page.content
    client.post(reverse("second_factor_reset", args=[org.president.pk]))
    assert not TOTPDevice.objects.filter(user=org.president).exists()
    row = org.president.history.order_by("-history_date").first()
    assert (row.history_change_reason, row.history_user) == ("mfa.reset", admin)
    assert president.get(reverse("home")).status_code == 302  # their session ended


def test_security_department_cannot_reset_a_second_factor(org, login):
    client = login(org.security)
    assert client.post(reverse("second_factor_reset", args=[org.officer.pk])).status_code == 403
    with pytest.raises(Exception, match="只有管理员"):
        services.second_factor_reset(staff=org.officer, by=org.security)


def test_admin_login_page_is_the_site_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_forced_password_change_comes_before_enrolment(org, client):
    org.president.must_change_password = True
    org.president.save()
    _password(client, "president")
    assert client.get(reverse("home"))["Location"] == reverse("password_change")
    assert client.get(reverse("second_factor_enrol"))["Location"] == reverse("password_change")


def test_the_admin_has_no_side_door_to_second_factor_devices():
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
