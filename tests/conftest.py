"""Shared fixtures: browser launch settings and personas."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to
# run there unless told this is a test process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser; no background network calls."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Reduced motion: Bootstrap then opens menus without a transition, so a tap never lands on a
    # menu still sliding open on a slow CI machine (people who ask for reduced motion get the same).
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "reduced_motion": "reduce"}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached dashboards of another test's rows (same ids) never show."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# ---------------------------------------------------------------------------
# The organisation every access test uses, and its personas:
#   head office HO ─┬─ branch 1 B1 ─┬─ security department B1-SEC   (security)
#                   │               └─ sub-branch S1A ─┬─ outlet A  (outlethead, officer)
#                   │                                  └─ outlet A2 (contracted by security)
#                   └─ branch 2 B2 ─── sub-branch S2A ─── outlet B  (outsider)
#   head-office security department HO-SEC (headoffice)
# ---------------------------------------------------------------------------


class Org:
    """Handles on the test organisation: units, premises and people by name."""


@pytest.fixture
def org(db):
    from branches.choices import DepartmentKind, Post, PremisesKind, UnitKind
    from tests.factories import ContractFactory, PremisesFactory, UnitFactory, UserFactory

    o = Org()
    o.head_office = UnitFactory(code="HO", name="总行", kind=UnitKind.HEAD_OFFICE)
    o.ho_security = UnitFactory(
        code="HO-SEC",
        name="总行保卫部",
        kind=UnitKind.DEPARTMENT,
        department_kind=DepartmentKind.SECURITY,
        parent=o.head_office,
    )
    o.branch1 = UnitFactory(code="B1", name="城东分行", kind=UnitKind.BRANCH, parent=o.head_office)
    o.b1_security = UnitFactory(
        code="B1-SEC",
        name="城东分行保卫部",
        kind=UnitKind.DEPARTMENT,
        department_kind=DepartmentKind.SECURITY,
        parent=o.branch1,
    )
    o.sub1 = UnitFactory(code="S1A", name="城关支行", kind=UnitKind.SUB_BRANCH, parent=o.branch1)
    o.branch2 = UnitFactory(code="B2", name="城西分行", kind=UnitKind.BRANCH, parent=o.head_office)
    o.sub2 = UnitFactory(code="S2A", name="河口支行", kind=UnitKind.SUB_BRANCH, parent=o.branch2)
    o.outlet_a = PremisesFactory(code="PA", name="城关营业部", unit=o.sub1)
    o.outlet_a2 = PremisesFactory(code="PA2", name="北街自助银行", unit=o.sub1, kind=PremisesKind.SELF_SERVICE)
    o.outlet_b = PremisesFactory(code="PB", name="河口营业部", unit=o.sub2)

    o.headoffice = UserFactory(
        username="headoffice", full_name="赵总", unit=o.ho_security, post=Post.HEAD_OFFICE_SECURITY
    )
    o.president = UserFactory(username="president", full_name="钱行长", unit=o.branch1, post=Post.PRESIDENT)
    o.security = UserFactory(username="security", full_name="孙保卫", unit=o.b1_security, post=Post.SECURITY_DEPARTMENT)
    o.outlethead = UserFactory(
        username="outlethead", full_name="李主任", unit=o.sub1, home_premises=o.outlet_a, post=Post.OUTLET_HEAD
    )
    o.officer = UserFactory(
        username="officer", full_name="周安全", unit=o.sub1, home_premises=o.outlet_a, post=Post.SECURITY_OFFICER
    )
    o.outsider = UserFactory(
        username="outsider", full_name="吴外人", unit=o.sub2, home_premises=o.outlet_b, post=Post.SECURITY_OFFICER
    )
    ContractFactory(user=o.security, premises=o.outlet_a)
    ContractFactory(user=o.security, premises=o.outlet_a2)
    return o


@pytest.fixture
def colleagues(org):
    """``org`` plus a teller of outlet A: another post at the officer's own premises, for the
    matrices that ask what a colleague may do (kept out of ``org`` so its head counts stay)."""
    from branches.choices import Post
    from tests.factories import UserFactory

    org.teller = UserFactory(
        username="teller", full_name="郑柜员", unit=org.sub1, home_premises=org.outlet_a, post=Post.TELLER
    )
    return org


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as that person and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _heavy_pages_without_rest(settings, monkeypatch):
    """A test opens dashboards and PDFs one after the other, alone on its server: their turns do not rest
    (tests/test_heavy_pages.py tests the rest itself), and each test starts with the budget unspent."""
    from safetybank import heavy

    settings.HEAVY_PAGES_SHARE_PERCENT = 100
    monkeypatch.setattr(heavy, "_due", 0.0)


@pytest.fixture(autouse=True)
def _celery_runs_tasks_in_process():
    """Tests run Celery tasks in-process (eagerly), whatever REDIS_URL says; the round trip through
    the real broker and a real worker is tested once, in tests/test_celery_broker.py."""
    from safetybank.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language, whatever the one before it switched to
    (a client request in English leaves English active in this thread)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
