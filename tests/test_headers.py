"""Response headers: a Content-Security-Policy without inline script on every page, nothing a
signed-in person sees kept in a cache, and no device a page may use without a reason."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.test_incidents import report

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def _never_cached(response) -> bool:
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    return {"private", "no-store"} <= cache


def test_a_page_forbids_inline_script_and_other_origins(org, client):
    client.force_login(org.officer)
    policy = _policy(client.get(reverse("home")))
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_sign_in_page_has_the_policy_too(client):
    response = client.get(reverse("login"))
    assert _policy(response)["script-src"] == ["'self'"]
    assert "camera=(self)" in response["Permissions-Policy"]


def test_an_error_page_has_the_policy(org, client):
    client.force_login(org.officer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and _policy(response)["script-src"] == ["'self'"]


def test_no_template_has_inline_script_or_a_javascript_link():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        inline = [tag for tag in re.findall(r"<script\b[^>]*>", text) if "src=" not in tag]
        handlers = re.findall(r"\son[a-z]+\s*=", text)
        if inline or handlers or "javascript:" in text or "hx-on" in text:
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


def test_htmx_is_configured_for_the_policy(org, client):
    client.force_login(org.officer)
    page = client.get(reverse("home")).content.decode()
    assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page
    assert 'src="/static/js/safetybank.js"' in page


def test_signed_in_pages_are_never_cached(org, client):
    client.force_login(org.officer)
    for name in ("home", "inspections:today", "incidents:incident_list"):
        assert _never_cached(client.get(reverse(name))), name


def test_exports_are_never_cached(org, client):
    report(org.officer, org.outlet_a, description="城关被盗")
    client.force_login(org.headoffice)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("incidents:incident_export", args=[fmt]))
        assert response.status_code == 200 and _never_cached(response)
        assert "Content-Security-Policy" not in response  # a download is not a page


def test_pdfs_are_never_cached(org, client):
    client.force_login(org.officer)
    response = client.get(reverse("inspections:daily_register", args=[org.outlet_a.pk]), {"month": "2026-12"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert _never_cached(response)


def test_permissions_policy_allows_only_the_camera_of_this_site(org, client):
    client.force_login(org.officer)
    policy = client.get(reverse("home"))["Permissions-Policy"]
    features = dict(part.strip().split("=") for part in policy.split(","))
    assert features["camera"] == "(self)"
    assert features["microphone"] == "()" and features["geolocation"] == "()"
