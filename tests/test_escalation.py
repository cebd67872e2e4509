"""Nobody grants more than they hold: by post, by acting arrangement, by password reset (issue 15, part 1).

Each attack of the issue is replayed as the branch security department; the rule lives in
``branches/rules.py`` and is met through ``branches/services.py`` by every caller.
"""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from branches import rules, services
from branches.choices import Post
from branches.models import Acting, RefusedAccess, User
from branches.permissions import can
from safetybank.audit import reason_text
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _staff_data(person, **overrides):
    data = {
        "full_name": person.full_name,
        "username": person.username,
        "unit": person.unit_id,
        "post": person.post,
        "home_premises": person.home_premises_id or "",
        "phone": "",
        "email": person.email,
        "employee_number": "",
        "start_date": "",
        "language": person.language,
    }
    data.update(overrides)
    return data


def _acting_data(person, post, *, unit=None, premises=None):
    return {
        "user": person.pk,
        "post": post,
        "unit": unit.pk if unit else "",
        "premises": premises.pk if premises else "",
        "start_date": TODAY.isoformat(),
        "end_date": (TODAY + datetime.timedelta(days=5)).isoformat(),
        "reason": "出差",
    }


def _refusals(user, action):
    return RefusedAccess.objects.filter(user=user, action=action).count()


def _signs_in(username, password) -> bool:
    client = Client()
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


# --------------------------------------------------------------------------- by post


@pytest.mark.parametrize(
    ("whom", "refusal"),
    [("security", "不能为自己办理此事"), ("officer", "岗位“总行保卫部”高于您的岗位")],
    ids=["itself", "someone_else"],
)
def test_security_cannot_make_anyone_head_office_by_editing_a_post(org, login, whom, refusal):
    person = getattr(org, whom)
    client = login(org.security)
    response = client.post(
        reverse("branches:staff_update", args=[person.pk]), _staff_data(person, post=Post.HEAD_OFFICE_SECURITY)
    )
    assert response.status_code == 200
    assert refusal in response.content.decode()
    assert User.objects.get(pk=person.pk).post == person.post
    assert _refusals(org.security, rules.GRANT_POST) == 1
    # Branch 2 stays out of reach.
    assert client.get(reverse("branches:premises_detail", args=[org.outlet_b.pk])).status_code == 404


def test_security_cannot_create_a_president_nor_transfer_someone_into_the_post(org, login):
    client = login(org.security)
    data = {"full_name": "冯行长", "username": "feng", "unit": org.branch1.pk, "post": Post.PRESIDENT, "language": "en"}
    response = client.post(reverse("branches:staff_create"), data)
    assert "岗位“行长”高于您的岗位" in response.content.decode()
    assert not User.objects.filter(username="feng").exists()
    transfer = client.post(
        reverse("branches:staff_transfer", args=[org.officer.pk]),
        {"unit": org.sub1.pk, "post": Post.PRESIDENT, "home_premises": "", "effective": "2026-12-01", "reason": "提拔"},
    )
    assert transfer.status_code == 200 and "岗位“行长”高于您的岗位" in transfer.content.decode()
    assert _refusals(org.security, rules.GRANT_POST) == 2


def test_security_cannot_edit_or_close_the_account_of_its_own_president(org, login):
    client = login(org.security)
    edit = client.post(
        reverse("branches:staff_update", args=[org.president.pk]), _staff_data(org.president, email="x@evil.test")
    )
    assert "是您的上级" in edit.content.decode()
    leave = client.post(
        reverse("branches:staff_leave", args=[org.president.pk]), {"end_date": "2026-11-30", "confirm": "on"}
    )
    assert leave.status_code == 200 and "是您的上级" in leave.content.decode()
    org.president.refresh_from_db()
    assert org.president.is_active and org.president.email == "president@example.com"


def test_security_still_appoints_an_outlet_head_below_it(org, login):
    response = login(org.security).post(
        reverse("branches:staff_update", args=[org.officer.pk]), _staff_data(org.officer, post=Post.OUTLET_HEAD)
    )
    assert response.status_code == 302
    org.officer.refresh_from_db()
    assert org.officer.post == Post.OUTLET_HEAD


def test_signing_posts_come_from_strictly_above(org):
    """Head office appoints branch presidents, but neither its own president nor another head office."""
    assert rules.grant_refusal(by=org.headoffice, post=Post.PRESIDENT, unit=org.branch1) is None
    assert "是您本人的上级" in rules.grant_refusal(by=org.headoffice, post=Post.PRESIDENT, unit=org.head_office)
    assert "代表本单位签字" in rules.grant_refusal(
        by=org.headoffice, post=Post.HEAD_OFFICE_SECURITY, unit=org.ho_security
    )
    assert "不在您的管辖范围内" in rules.grant_refusal(by=org.security, post=Post.TELLER, unit=org.sub2)
    root = UserFactory(username="root", is_superuser=True)
    assert rules.grant_refusal(by=root, post=Post.HEAD_OFFICE_SECURITY, unit=org.ho_security) is None


def test_the_import_and_every_other_caller_meet_the_rule_in_the_services(org):
    with pytest.raises(rules.Refused, match="岗位“行长”高于您的岗位"):
        services.staff_create(by=org.security, username="feng", full_name="冯行长", unit=org.branch1, post="president")
    org.officer.post = Post.HEAD_OFFICE_SECURITY
    with pytest.raises(rules.Refused, match="岗位“总行保卫部”高于您的岗位"):
        services.staff_save(staff=org.officer, by=org.security)
    with pytest.raises(rules.Refused, match="不能为自己办理此事"):
        services.staff_save(staff=org.security, by=org.security)
    assert User.objects.get(pk=org.officer.pk).post == Post.SECURITY_OFFICER


# --------------------------------------------------------------------------- by acting


def test_security_cannot_act_as_its_own_president(org, login):
    client = login(org.security)
    response = client.post(
        reverse("branches:acting_create"), _acting_data(org.security, Post.PRESIDENT, unit=org.branch1)
    )
    assert response.status_code == 200
    assert "不能为自己办理此事" in response.content.decode()
    assert not Acting.objects.exists()
    assert _refusals(org.security, rules.GRANT_ACTING) == 1
    # So it never countersigns the round's letters in the president's name.
    assert not can(User.objects.get(pk=org.security.pk), "letter.countersign")


def test_security_cannot_install_someone_else_as_acting_president(org, login):
    response = login(org.security).post(
        reverse("branches:acting_create"), _acting_data(org.officer, Post.PRESIDENT, unit=org.branch1)
    )
    assert "岗位“行长”高于您的岗位" in response.content.decode()
    assert not Acting.objects.exists()


def test_security_still_arranges_an_acting_outlet_head(org, login):
    response = login(org.security).post(
        reverse("branches:acting_create"), _acting_data(org.officer, Post.OUTLET_HEAD, premises=org.outlet_a)
    )
    assert response.status_code == 302
    assert Acting.objects.get().user == org.officer


def test_head_office_arranges_an_acting_branch_president_but_not_its_own(org, login):
    deputy = UserFactory(username="deputy", unit=org.branch1, post=Post.LEADER_IN_CHARGE)
    services.acting_save(
        acting=Acting(user=deputy, post=Post.PRESIDENT, unit=org.branch1, start_date=TODAY, end_date=TODAY),
        by=org.headoffice,
    )
    assert Acting.objects.filter(user=deputy, post=Post.PRESIDENT, unit=org.branch1).exists()
    with pytest.raises(rules.Refused, match="是您本人的上级"):
        services.acting_save(
            acting=Acting(user=deputy, post=Post.PRESIDENT, unit=org.head_office, start_date=TODAY, end_date=TODAY),
            by=org.headoffice,
        )


# --------------------------------------------------------------------------- by password reset


def test_security_cannot_reset_its_presidents_password(org, login):
    client = login(org.security)
    profile = client.get(reverse("branches:staff_detail", args=[org.president.pk])).content.decode()
    assert reverse("branches:staff_reset_password", args=[org.president.pk]) not in profile
    assert 'id="manage-refusal"' in profile  # says why instead of offering the button
    response = client.post(reverse("branches:staff_reset_password", args=[org.president.pk]))
    assert response.status_code == 200
    assert "是您的上级" in response.content.decode()
    assert _refusals(org.security, rules.RESET_PASSWORD) == 1
    assert _signs_in("president", PASSWORD)
    assert not mail.outbox


def test_a_reset_never_shows_the_password_and_mails_a_one_time_link(
    org, login, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://safety.example.cn"
    officers_phone = Client()
    officers_phone.force_login(org.officer)

    manager = login(org.security)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(reverse("branches:staff_reset_password", args=[org.officer.pk]), follow=True)
    page = response.content.decode()
    assert "一次性链接正通过电子邮件发送给 周安全" in page
    assert 'id="initial-password"' not in page

    # The old password is dead and every session of the officer has ended.
    assert not _signs_in("officer", PASSWORD)
    assert officers_phone.get(reverse("home")).status_code == 302

    # Audited: who reset whom, when — on the person's page.
    latest = User.objects.get(pk=org.officer.pk).history.latest()
    assert latest.history_user == org.security
    assert reason_text(latest.history_change_reason) == "已重置密码：已发送设置密码链接"
    page = manager.get(reverse("branches:staff_detail", args=[org.officer.pk])).content.decode()
    assert "已重置密码：已发送设置密码链接" in page and "孙保卫" in page

    # Only the officer gets the link, in their language.
    (message,) = mail.outbox
    assert message.to == ["officer@example.com"] and "请设置新密码" in message.subject
    link = re.search(r"https://safety\.example\.cn(/accounts/password/set/\S+)", message.body)[1]

    visitor = Client()
    form = visitor.get(link, follow=True)
    new = "Harbour-Lantern-77"
    done = visitor.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True)
    assert "新密码已设置" in done.content.decode()
    assert _signs_in("officer", new)
    again = Client().get(link, follow=True)
    assert 'id="invalid-link"' in again.content.decode()  # it works once


def test_the_link_speaks_the_recipients_language(org, login, django_capture_on_commit_callbacks):
    org.officer.language = "en"
    org.officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        login(org.security).post(reverse("branches:staff_reset_password", args=[org.officer.pk]))
    (message,) = mail.outbox
    assert message.subject == "[SafetyBank] Choose your new password"
    assert "It works once, within 72 hours" in message.body


def test_a_reset_without_an_email_address_is_refused_and_changes_nothing(org, login):
    org.officer.email = ""
    org.officer.save()
    response = login(org.security).post(reverse("branches:staff_reset_password", args=[org.officer.pk]))
    assert response.status_code == 200 and "没有电子邮箱" in response.content.decode()
    assert _signs_in("officer", PASSWORD)


def test_an_administrators_password_change_is_audited_and_ends_sessions(org, client):
    officers_phone = Client()
    officers_phone.force_login(org.officer)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    new = "Granite-Orchard-52"
    response = client.post(
        f"/admin/branches/user/{org.officer.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    officer = User.objects.get(pk=org.officer.pk)
    latest = officer.history.latest()
    assert latest.history_user == root and reason_text(latest.history_change_reason) == "由管理员修改密码"
    assert officer.check_password(new) and officer.must_change_password
    assert officers_phone.get(reverse("home")).status_code == 302


def test_an_administrators_change_of_a_post_goes_through_the_service_and_is_audited(org, client):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    officer = org.officer
    response = client.post(
        f"/admin/branches/user/{officer.pk}/change/",
        {
            "username": officer.username,
            "full_name": officer.full_name,
            "email": officer.email,
            "language": officer.language,
            "unit": org.sub1.pk,
            "home_premises": org.outlet_a.pk,
            "post": Post.OUTLET_HEAD,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    latest = User.objects.get(pk=officer.pk).history.latest()
    assert latest.post == Post.OUTLET_HEAD
    assert latest.history_user == root and reason_text(latest.history_change_reason) == "在管理后台修改"


def test_the_xlsx_import_cannot_create_a_president_either(org):
    from branches.importing import ImportFileError, import_apply
    from tests.test_import import STAFF_HEADER, upload, workbook

    data = workbook(staff=[STAFF_HEADER, ["boss", "赵大", "B1", "president", "", "", "boss@example.com"]])
    try:  # refused when applied (the service), or already in the dry run's row errors
        report = import_apply(file=upload(data), user=org.security)
    except ImportFileError as exc:
        message = str(exc)
    else:
        assert not report.applied
        message = " ".join(error for row in report.rows for error in row.errors)
    assert "“行长”" in message
    assert not User.objects.filter(username="boss").exists()


# --------------------------------------------------------------------------- part-time posts


def test_security_cannot_give_a_signing_post_part_time(org, login):
    client = login(org.security)
    response = client.post(
        reverse("branches:staff_update", args=[org.officer.pk]),
        _staff_data(org.officer, part_time_posts=[Post.OUTLET_HEAD]),
    )
    assert response.status_code == 200
    assert "outlet_head 不在可用的选项中" in response.content.decode()
    org.officer.part_time_posts = [Post.OUTLET_HEAD]  # the import, the admin: the service refuses
    with pytest.raises(rules.Refused, match="岗位“网点负责人”不能兼任"):
        services.staff_save(staff=org.officer, by=org.security)
    assert User.objects.get(pk=org.officer.pk).part_time_posts == []


def test_a_part_time_post_is_never_above_what_the_giver_holds(org):
    teller = UserFactory(username="pt_teller", unit=org.sub1, home_premises=org.outlet_a, post=Post.TELLER)
    with pytest.raises(rules.Refused, match="岗位“安全员”高于您的岗位"):
        rules.check(by=teller, action=rules.GRANT_POST, part_time=[Post.SECURITY_OFFICER], premises=org.outlet_a)
    rules.check(by=org.security, action=rules.GRANT_POST, part_time=[Post.SECURITY_OFFICER], premises=org.outlet_a)


def test_part_time_guard_grants_nothing_and_part_time_security_officer_logs_checks(org):
    guard = UserFactory(username="pt_guard", unit=org.sub1, home_premises=org.outlet_a, post=Post.TELLER)
    guard.part_time_posts = [Post.GUARD, Post.VOLUNTEER_FIREFIGHTER]
    officer = UserFactory(username="pt_officer", unit=org.sub1, home_premises=org.outlet_a, post=Post.TELLER)
    officer.part_time_posts = [Post.SECURITY_OFFICER]
    assert can(officer, "inspection.perform") and not can(guard, "inspection.perform")
    assert not can(guard, "staff.view") and not can(officer, "staff.view")
