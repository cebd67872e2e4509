"""Organisation pages and the staff lifecycle, as the security department uses them."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from branches.choices import Post, PremisesKind
from branches.models import Acting, Premises, RefusedAccess, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _premises_data(org, **overrides):
    data = {
        "name": "新城营业部",
        "code": "PNEW",
        "kind": PremisesKind.OUTLET,
        "unit": org.sub1.pk,
        "address": "新城路 1 号",
        "area": "urban",
        "opens_at": "08:30",
        "closes_at": "17:00",
        "phone": "0571-1234567",
    }
    data.update(overrides)
    return data


def test_security_creates_premises_in_own_branch(org, login):
    client = login(org.security)
    response = client.post(reverse("branches:premises_create"), _premises_data(org))
    assert response.status_code == 302
    created = Premises.objects.get(code="PNEW")
    assert created.unit == org.sub1
    assert created.history.first().history_user == org.security


def test_posting_an_out_of_scope_unit_is_a_form_error(org, login):
    client = login(org.security)
    response = client.post(reverse("branches:premises_create"), _premises_data(org, unit=org.sub2.pk))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Premises.objects.filter(code="PNEW").exists()


def test_closing_before_opening_is_refused_with_a_message(org, login):
    client = login(org.security)
    response = client.post(reverse("branches:premises_create"), _premises_data(org, closes_at="08:00"))
    assert response.status_code == 200
    assert "关门时间必须晚于开门时间" in response.content.decode()


def test_editing_premises_of_another_branch_is_not_found(org, login):
    client = login(org.security)
    response = client.post(reverse("branches:premises_update", args=[org.outlet_b.pk]), _premises_data(org))
    assert response.status_code == 404
    org.outlet_b.refresh_from_db()
    assert org.outlet_b.name == "河口营业部"


def test_refused_attempt_is_logged(org, login):
    client = login(org.officer)
    assert client.get(reverse("branches:staff_update", args=[org.officer.pk])).status_code == 403
    refusal = RefusedAccess.objects.get()
    assert (refusal.user, refusal.action) == (org.officer, "staff.manage")


def test_new_staff_member_gets_an_initial_password_shown_once(org, login, client):
    manager = login(org.security)
    response = manager.post(
        reverse("branches:staff_create"),
        {
            "full_name": "陈小明",
            "username": "chenxm",
            "unit": org.sub1.pk,
            "post": Post.TELLER,
            "home_premises": org.outlet_a.pk,
            "language": "zh-hans",
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    teller = User.objects.get(username="chenxm")
    assert teller.must_change_password and teller.email == ""
    manager.logout()
    client.post(reverse("login"), {"username": "chenxm", "password": password})
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_contracts_only_for_security_department(org, login):
    client = login(org.security)
    response = client.post(
        reverse("branches:staff_update", args=[org.officer.pk]),
        {
            "full_name": org.officer.full_name,
            "username": "officer",
            "unit": org.sub1.pk,
            "post": Post.SECURITY_OFFICER,
            "home_premises": org.outlet_a.pk,
            "language": "zh-hans",
            "contracted": [org.outlet_a2.pk],
        },
    )
    assert response.status_code == 200
    assert "只有保卫部人员可以包片负责网点" in response.content.decode()


def test_a_premises_id_past_64_bits_is_refused_on_the_form_and_nothing_changes(org, login):
    client = login(org.security)
    response = client.post(
        reverse("branches:staff_update", args=[org.officer.pk]),
        {
            "full_name": "改了的名字",
            "username": "officer",
            "unit": org.sub1.pk,
            "post": Post.SECURITY_OFFICER,
            "home_premises": org.outlet_a.pk,
            "language": "zh-hans",
            "contracted": [str(10**30)],
        },
    )
    assert response.status_code == 200
    assert f"“{10**30}”不是一个有效的值" in response.content.decode()  # Django's own message
    org.officer.refresh_from_db()
    assert org.officer.full_name != "改了的名字"


def test_transfer_keeps_history(org, login):
    client = login(org.security)
    response = client.post(
        reverse("branches:staff_transfer", args=[org.officer.pk]),
        {
            "unit": org.sub1.pk,
            "post": Post.OUTLET_HEAD,
            "home_premises": org.outlet_a2.pk,
            "effective": "2026-12-01",
            "reason": "轮岗",
        },
    )
    assert response.status_code == 302
    org.officer.refresh_from_db()
    assert org.officer.post == Post.OUTLET_HEAD
    posts = list(org.officer.history.order_by("history_date").values_list("post", flat=True))
    assert posts[0] == Post.SECURITY_OFFICER and posts[-1] == Post.OUTLET_HEAD
    assert "轮岗" in org.officer.history.latest().history_change_reason


def test_leaving_deactivates_and_ends_every_session_at_once(org, login, client):
    from django.test import Client

    phone, desk = Client(), Client()
    for device in (phone, desk):
        device.post(reverse("login"), {"username": "officer", "password": PASSWORD})
        assert device.get(reverse("home")).status_code == 200
    assert Session.objects.count() == 2

    manager = login(org.security)
    response = manager.post(
        reverse("branches:staff_leave", args=[org.officer.pk]),
        {"end_date": "2026-11-30", "reason": "辞职", "confirm": "on"},
    )
    assert response.status_code == 302
    org.officer.refresh_from_db()
    assert not org.officer.is_active
    for device in (phone, desk):
        assert device.get(reverse("home")).status_code == 302
    refused = phone.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated


def test_people_who_left_are_listed_for_managers(org, login):
    org.officer.is_active = False
    org.officer.end_date = datetime.date(2026, 11, 1)
    org.officer.save()
    page = login(org.president).get(reverse("branches:orphans"))
    assert "周安全" in page.content.decode()


def test_acting_outlet_head_gets_the_posts_rights_for_the_period(org, login, time_machine):
    time_machine.move_to("2026-11-10 10:00:00+08:00")
    client = login(org.officer)
    assert client.get(reverse("branches:staff_list")).status_code == 403
    Acting.objects.create(
        user=org.officer,
        post=Post.OUTLET_HEAD,
        premises=org.outlet_a,
        start_date=datetime.date(2026, 11, 9),
        end_date=datetime.date(2026, 11, 13),
    )
    assert client.get(reverse("branches:staff_list")).status_code == 200


def test_admin_is_for_superusers_only(org, client):
    client.force_login(org.headoffice)
    assert client.get("/admin/").status_code == 302
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
    staff_but_not_super = UserFactory(username="staffer", is_staff=True)
    client.force_login(staff_but_not_super)
    assert client.get("/admin/branches/premises/").status_code == 302


def test_staff_list_shows_only_people_in_scope(org, login):
    page = login(org.president).get(reverse("branches:staff_list")).content.decode()
    assert "周安全" in page and "吴外人" not in page


def test_filter_choices_list_only_units_in_scope(org, login):
    page = login(org.security).get(reverse("branches:premises_list")).content.decode()
    filter_form = page[page.index('id="filter-form"') : page.index("</form>", page.index('id="filter-form"'))]
    assert "城关支行" in filter_form
    assert "河口支行" not in filter_form and "城西分行" not in filter_form


def test_the_menu_offers_only_pages_the_post_may_open(org, login):
    officer_page = login(org.officer).get(reverse("home")).content.decode()
    assert reverse("dashboards:dashboard") not in officer_page
    assert reverse("inspections:compliance") not in officer_page
    assert reverse("inspections:today") in officer_page
    president_page = login(org.president).get(reverse("home")).content.decode()
    assert reverse("dashboards:dashboard") in president_page


def test_the_staff_form_saves_part_time_posts_and_the_staff_page_shows_them(colleagues, login):
    org = colleagues
    client = login(org.security)
    form_page = client.get(reverse("branches:staff_update", args=[org.teller.pk])).content.decode()
    assert "兼任岗位" in form_page and 'value="volunteer_firefighter"' in form_page
    data = {
        "full_name": org.teller.full_name,
        "username": "teller",
        "unit": org.sub1.pk,
        "post": Post.TELLER,
        "part_time_posts": [Post.VOLUNTEER_FIREFIGHTER, Post.GUARD],
        "home_premises": org.outlet_a.pk,
        "language": "zh-hans",
    }
    response = client.post(reverse("branches:staff_update", args=[org.teller.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    teller = User.objects.get(pk=org.teller.pk)
    assert teller.post == Post.TELLER
    assert sorted(teller.part_time_posts) == sorted([Post.VOLUNTEER_FIREFIGHTER, Post.GUARD])
    assert teller.history.latest().part_time_posts == teller.part_time_posts  # audited like the rest
    page = client.get(reverse("branches:staff_detail", args=[org.teller.pk])).content.decode()
    assert "兼任岗位" in page and "义务消防员" in page and "保安" in page
