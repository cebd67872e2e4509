"""The demo bank: a rural commercial bank built from the domain document, for `manage.py seed_demo`.

清河农商银行: head office (with its security, risk, business and office departments),
two branches with the same four departments, three sub-branches per branch, about 25
premises of every kind and about 150 staff with Chinese names across every post.

The seed is a list of steps (``SEED_STEPS``); a feature adds its own with the
``@seed_step`` decorator in its own module (imported by ``load_seed_steps``). Each step
receives a ``SeedContext`` and writes through the apps' services, staff through
``ctx.person`` (the staff services: create, edit, transfer, leave) and other rows through
``ctx.upsert``, keyed on natural keys (codes, usernames, and dates for date-dependent
rows); both save a row only when a value differs. So running the seed twice on the same
day changes nothing in any table, not even the audit trail, and running it on a later day
adds that day's rows and no duplicates.
Randomness comes from fixed seeds (``random.Random(2026)``), so every run plans the
same bank.
"""

from __future__ import annotations

import datetime
import importlib
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from branches.choices import Area, DepartmentKind, Post, PremisesKind, UnitKind
from branches.models import Acting, Premises, Unit, User
from branches.services import staff_change, staff_create, staff_leave, staff_set_contracts

SEED = 2026
REASON = "Demo data"


@dataclass
class SeedContext:
    """What a seed step needs: the day, a fixed random source, and an idempotent writer."""

    today: datetime.date
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    stats: Counter = field(default_factory=Counter)  # (model name, "created"/"updated"/"unchanged")
    units: dict[str, Unit] = field(default_factory=dict)
    premises: dict[str, Premises] = field(default_factory=dict)
    staff: dict[str, User] = field(default_factory=dict)

    def upsert(self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any] | None = None):
        """Create the row found by ``lookup`` or bring its ``values`` up to date; save only on a difference."""
        values = values or {}
        name = model._meta.model_name
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            if isinstance(obj, User):
                obj.set_unusable_password()
            obj._change_reason = REASON
            obj.save()
            self.stats[name, "created"] += 1
            return obj
        changed = False
        for key, value in values.items():
            field_ = model._meta.get_field(key)
            current = getattr(obj, field_.attname)
            wanted = value.pk if isinstance(value, models.Model) else value
            if current != wanted:
                setattr(obj, key, value)
                changed = True
        if changed:
            obj._change_reason = REASON
            obj.save()
        self.stats[name, "updated" if changed else "unchanged"] += 1
        return obj

    @property
    def actor(self) -> User:
        """Who the seed acts as in the staff services: the demo superuser. Before it exists (the first
        people of a first run) an unsaved stand-in with the same rights: the seed is an administrator's tool."""
        found = self.staff.get("admin") or User.objects.filter(username="admin", is_superuser=True).first()
        return found or User(username="seed_demo", is_superuser=True)

    def person(self, username: str, values: dict[str, Any]) -> User:
        """A member of staff, created and changed through the staff services, as on the staff pages.

        New: ``staff_create``, then no password at all (generated people are not logins; the demo
        logins get theirs in ``_demo_logins``). Existing: ``staff_change`` (edit, transfer).
        ``is_active=False`` with an ``end_date``: ``staff_leave`` (account closed, sessions ended).
        A value already right is not saved again, so a second run writes nothing, audit trail included.
        """
        values = dict(values)
        leaves_on = values.pop("end_date", None) if values.pop("is_active", True) is False else None
        flags = {k: values.pop(k) for k in ("is_staff", "is_superuser") if k in values}
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _initial = staff_create(by=self.actor, username=username, **values, **flags)
            user.set_unusable_password()
            user.must_change_password = False
            user._change_reason = REASON
            user.save(update_fields=["password", "must_change_password"])
            if leaves_on is not None:
                staff_leave(staff=user, end_date=leaves_on, by=self.actor, reason=REASON)
            self.stats["user", "created"] += 1
            return user
        changed = False
        if user.is_active:  # someone who left stays left: no page brings them back either
            place = {k: values.pop(k, getattr(user, k)) for k in ("unit", "post", "home_premises")}
            changed = staff_change(
                staff=user, by=self.actor, reason=REASON, on=self.today, end_date=leaves_on, **place, **values
            )
        if any(getattr(user, k) != v for k, v in flags.items()):  # the admin's flags: no page changes them
            for name, value in flags.items():
                setattr(user, name, value)
            user._change_reason = REASON
            user.save(update_fields=list(flags))
            changed = True
        self.stats["user", "updated" if changed else "unchanged"] += 1
        return user

    def changed(self) -> int:
        return sum(n for (_model, action), n in self.stats.items() if action != "unchanged")


SeedStep = Callable[[SeedContext], None]
SEED_STEPS: list[SeedStep] = []


def seed_step(func: SeedStep) -> SeedStep:
    """Register a step; steps run in registration order, the organisation first."""
    if func not in SEED_STEPS:
        SEED_STEPS.append(func)
    return func


def load_seed_steps() -> None:
    """Import ``<app>.demo`` of every installed app, so each feature's steps register themselves."""
    for config in apps.get_app_configs():
        if config.name == __name__.rsplit(".", 1)[0] or not Path(config.path).is_relative_to(settings.BASE_DIR):
            continue  # this app, or a library's app
        try:
            importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise


def seed_demo(*, today: datetime.date | None = None) -> SeedContext:
    """Build or roll forward the demo bank, all in one transaction."""
    load_seed_steps()
    ctx = SeedContext(today=today or timezone.localdate())
    with transaction.atomic():
        for step in SEED_STEPS:
            step(ctx)
    return ctx


# ---------------------------------------------------------------------------
# The organisation
# ---------------------------------------------------------------------------

COUNTY = "清河县"
DEPARTMENTS = (
    ("SEC", DepartmentKind.SECURITY, "保卫部"),
    ("RISK", DepartmentKind.RISK, "风险管理部"),
    ("BUS", DepartmentKind.BUSINESS, "运营管理部"),
    ("OFF", DepartmentKind.OFFICE, "综合办公室"),
)
# code, name, town, area, [(second outlet name, street)], self-service name
BRANCHES = (
    (
        "B1",
        "城区分行",
        "城关镇人民路88号",
        (
            ("S1A", "城关支行", "城关镇", Area.URBAN, "东关分理处", "解放路", "北街自助银行"),
            ("S1B", "新华路支行", "城关镇", Area.URBAN, "火车站分理处", "新华路", "新华广场自助银行"),
            ("S1C", "柳林支行", "柳林镇", Area.RURAL, "西柳分理处", "柳林大街", "柳林集贸市场自助银行"),
        ),
    ),
    (
        "B2",
        "河东分行",
        "河东镇建设街16号",
        (
            ("S2A", "河口支行", "河口镇", Area.RURAL, "渡口分理处", "滨河路", "河口自助银行"),
            ("S2B", "王庄支行", "王庄乡", Area.RURAL, "李村分理处", "王庄中心街", "王庄自助银行"),
            ("S2C", "石桥支行", "石桥镇", Area.URBAN, "石桥工业园分理处", "工业大道", "石桥商贸城自助银行"),
        ),
    ),
)

FAMILY_NAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARACTERS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国建华志强海燕晓东春梅丹"
    "宁欣怡浩然子涵雨萱文博思远立新振宇佳琪婷婷凯瑞嘉怡梓轩"
)

# The demo logins: username → (unit code, post, home premises code or "", what they are).
DEMO_LOGINS = {
    "headoffice": ("HO-SEC", Post.HEAD_OFFICE_SECURITY, "", "head-office security department"),
    "president": ("B1", Post.PRESIDENT, "", "president of branch 1 (城区分行)"),
    "security": ("B1-SEC", Post.SECURITY_DEPARTMENT, "", "security department of branch 1, contracts several premises"),
    "outlethead": ("S1A", Post.OUTLET_HEAD, "P-S1A-01", "head of 城关支行营业部 (branch 1)"),
    "officer": ("S1A", Post.SECURITY_OFFICER, "P-S1A-01", "security officer of 城关支行营业部 (branch 1)"),
    "outsider": ("S2A", Post.SECURITY_OFFICER, "P-S2A-01", "security officer of 河口支行营业部 (branch 2)"),
    "admin": ("HO-OFF", Post.EMPLOYEE, "", "superuser (Django admin)"),
}
# Which generated slot each demo login fills: (unit or premises code, post, index within that slot).
DEMO_SLOTS = {
    ("HO-SEC", Post.HEAD_OFFICE_SECURITY, 0): "headoffice",
    ("B1", Post.PRESIDENT, 0): "president",
    ("B1-SEC", Post.SECURITY_DEPARTMENT, 0): "security",
    ("P-S1A-01", Post.OUTLET_HEAD, 0): "outlethead",
    ("P-S1A-01", Post.SECURITY_OFFICER, 0): "officer",
    ("P-S2A-01", Post.SECURITY_OFFICER, 0): "outsider",
    ("HO-OFF", Post.EMPLOYEE, 0): "admin",
}


class _Names:
    """Unique Chinese full names, family name first, from a fixed random source."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def __call__(self) -> str:
        while True:
            given = "".join(self.rng.choice(GIVEN_CHARACTERS) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(FAMILY_NAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name


def _phone(rng: random.Random, landline: bool = False) -> str:
    if landline:
        return f"0635-8{rng.randint(100000, 999999)}"
    return f"1{rng.choice('3579')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


@seed_step
def seed_organisation(ctx: SeedContext) -> None:
    """Units, premises, staff and contracts of 清河农商银行."""
    rng = ctx.rng
    names = _Names(rng)

    def unit(code, name, kind, parent=None, department_kind="", address="", phone=""):
        values = {"name": name, "kind": kind, "parent": parent, "department_kind": department_kind}
        values |= {"address": address, "phone": phone or _phone(rng, landline=True)}
        ctx.units[code] = ctx.upsert(Unit, {"code": code}, values)
        return ctx.units[code]

    def departments(owner: Unit, prefix: str, which=DEPARTMENTS):
        for suffix, kind, label in which:
            unit(f"{owner.code}-{suffix}", f"{prefix}{label}", UnitKind.DEPARTMENT, owner, kind, owner.address)

    def premises(code, name, kind, owner, address, area=Area.URBAN, hours=((8, 30), (17, 0))):
        open_24h = kind == PremisesKind.SELF_SERVICE
        opens = None if open_24h or hours is None else datetime.time(*hours[0])
        closes = None if open_24h or hours is None else datetime.time(*hours[1])
        values = {"name": name, "kind": kind, "unit": owner, "address": address, "area": area}
        values |= {"opens_at": opens, "closes_at": closes, "open_24h": open_24h, "phone": _phone(rng, landline=True)}
        ctx.premises[code] = ctx.upsert(Premises, {"code": code}, values)
        return ctx.premises[code]

    head_office = unit("HO", "清河农商银行总行", UnitKind.HEAD_OFFICE, address=f"{COUNTY}人民路1号")
    departments(head_office, "总行")
    premises("P-HO-OFB", "总行办公大楼", PremisesKind.OFFICE_BUILDING, head_office, head_office.address, hours=None)
    branch_premises: dict[str, list[Premises]] = {}
    outlets: list[Premises] = []
    for branch_code, branch_name, branch_address, subs in BRANCHES:
        branch = unit(branch_code, branch_name, UnitKind.BRANCH, head_office, address=f"{COUNTY}{branch_address}")
        departments(branch, branch_name)
        own = branch_premises.setdefault(branch_code, [])
        for sub_code, sub_name, town, area, second, street, atm in subs:
            sub = unit(
                sub_code,
                sub_name,
                UnitKind.SUB_BRANCH,
                branch,
                address=f"{COUNTY}{town}{street}{rng.randint(1, 200)}号",
            )
            departments(sub, sub_name, which=DEPARTMENTS[3:])  # a sub-branch keeps just an office
            rural_hours = ((8, 0), (16, 30)) if area == Area.RURAL else ((8, 30), (17, 0))
            main = premises(
                f"P-{sub_code}-01", f"{sub_name}营业部", PremisesKind.OUTLET, sub, sub.address, area, rural_hours
            )
            other = premises(
                f"P-{sub_code}-02",
                second,
                PremisesKind.OUTLET,
                sub,
                f"{COUNTY}{town}{street}{rng.randint(201, 400)}号",
                area,
                rural_hours,
            )
            machine = premises(
                f"P-{sub_code}-ATM",
                atm,
                PremisesKind.SELF_SERVICE,
                sub,
                f"{COUNTY}{town}{street}{rng.randint(401, 600)}号",
                area,
            )
            outlets += [main, other]
            own += [main, other, machine]
        own.append(
            premises(
                f"P-{branch_code}-VLT", f"{branch_name}金库", PremisesKind.VAULT, branch, branch.address, hours=None
            )
        )
        own.append(
            premises(
                f"P-{branch_code}-CIT",
                f"{branch_name}押运中队",
                PremisesKind.CASH_IN_TRANSIT,
                branch,
                branch.address,
                hours=((7, 30), (18, 30)),
            )
        )
        own.append(
            premises(
                f"P-{branch_code}-OFB",
                f"{branch_name}办公楼",
                PremisesKind.OFFICE_BUILDING,
                branch,
                branch.address,
                hours=((8, 0), (17, 30)),
            )
        )

    # People, slot by slot: (where, post, how many).
    number = 0

    def person(where: str, post: str, index: int, unit_code: str, home: Premises | None = None) -> User:
        nonlocal number
        number += 1
        employee_number = f"QH{number:04d}"
        username = DEMO_SLOTS.get((where, post, index)) or f"qh{number:04d}"
        full_name = names()
        manager = post not in (Post.TELLER, Post.EMPLOYEE, Post.SECURITY_OFFICER) or username in DEMO_LOGINS
        values = {
            "full_name": "系统管理员" if username == "admin" else full_name,
            "unit": ctx.units[unit_code],
            "home_premises": home,
            "post": post,
            "phone": _phone(rng),
            "employee_number": employee_number,
            "email": f"{username}@qhrcb.example" if manager else "",
            "start_date": datetime.date(rng.randint(1998, 2025), rng.randint(1, 12), rng.randint(1, 28)),
        }
        if username == "admin":
            values |= {"is_staff": True, "is_superuser": True}
        ctx.staff[username] = ctx.person(username, values)
        return ctx.staff[username]

    def people(where: str, post: str, count: int, unit_code: str, home: Premises | None = None) -> list[User]:
        return [person(where, post, i, unit_code, home) for i in range(count)]

    people("HO", Post.PRESIDENT, 1, "HO")
    people("HO", Post.LEADER_IN_CHARGE, 1, "HO")
    people("HO-SEC", Post.HEAD_OFFICE_SECURITY, 3, "HO-SEC")
    for suffix in ("RISK", "BUS", "OFF"):
        people(f"HO-{suffix}", Post.EMPLOYEE, 1, f"HO-{suffix}")
    for branch_code, _name, _address, subs in BRANCHES:
        people(branch_code, Post.PRESIDENT, 1, branch_code)
        people(branch_code, Post.LEADER_IN_CHARGE, 1, branch_code)
        guards = people(f"{branch_code}-SEC", Post.SECURITY_DEPARTMENT, 3, f"{branch_code}-SEC")
        for suffix in ("RISK", "BUS", "OFF"):
            people(f"{branch_code}-{suffix}", Post.EMPLOYEE, 2, f"{branch_code}-{suffix}")
        for sub_code, *_rest in subs:
            people(sub_code, Post.PRESIDENT, 1, sub_code)
            people(f"{sub_code}-OFF", Post.EMPLOYEE, 1, f"{sub_code}-OFF")
        for outlet in (p for p in branch_premises[branch_code] if p.kind == PremisesKind.OUTLET):
            code, owner = outlet.code, outlet.unit.code
            people(code, Post.OUTLET_HEAD, 1, owner, outlet)
            people(code, Post.SECURITY_OFFICER, 1, owner, outlet)
            people(code, Post.TELLER, rng.randint(4, 6), owner, outlet)
            people(code, Post.EMPLOYEE, 1, owner, outlet)  # lobby manager
        vault, escort = (
            next(p for p in branch_premises[branch_code] if p.kind == k)
            for k in (PremisesKind.VAULT, PremisesKind.CASH_IN_TRANSIT)
        )
        # Custodians and escorts; one of each team is its security officer (daily dual-control checks).
        people(vault.code, Post.SECURITY_OFFICER, 1, branch_code, vault)
        people(vault.code, Post.EMPLOYEE, 2, branch_code, vault)
        people(escort.code, Post.SECURITY_OFFICER, 1, branch_code, escort)
        people(escort.code, Post.EMPLOYEE, 3, branch_code, escort)
        # The guards (保安) of the cash-in-transit team and a volunteer firefighter at the vault.
        people(escort.code, Post.GUARD, 2, branch_code, escort)
        people(vault.code, Post.VOLUNTEER_FIREFIGHTER, 1, branch_code, vault)
        # Contracting: each security-department member inspects a share of the branch's premises weekly.
        shares: dict[User, list[Premises]] = {guard: [] for guard in guards}
        for index, place in enumerate(
            p for p in branch_premises[branch_code] if p.kind != PremisesKind.OFFICE_BUILDING
        ):
            shares[guards[min(index // 4, len(guards) - 1)]].append(place)
        for guard, places in shares.items():
            if set(guard.contracts.values_list("premises_id", flat=True)) == {p.pk for p in places}:
                ctx.stats["contract", "unchanged"] += 1
            else:
                staff_set_contracts(staff=guard, premises=places, by=ctx.actor)
                ctx.stats["contract", "updated"] += 1
    _demo_logins(ctx)


def _demo_logins(ctx: SeedContext) -> None:
    """The shared demo password (not a first-login password) for the demo logins only."""
    password = settings.SEED_DEMO_PASSWORD
    for username in DEMO_LOGINS:
        user = ctx.staff[username]
        fix = []
        if user.must_change_password:
            user.must_change_password = False
            fix.append("must_change_password")
        if not user.check_password(password):  # also true for the unusable password of a new row
            user.set_password(password)
            fix.append("password")
        if fix:
            user._change_reason = REASON
            user.save(update_fields=fix)
            ctx.stats["user", "updated"] += 1


@seed_step
def seed_this_weeks_acting(ctx: SeedContext) -> None:
    """A date-dependent example: the head of 新华路支行营业部 is on leave this week; a teller acts for them.

    Keyed on the week's Monday, so a later day in the same week changes nothing and a
    later week adds that week's arrangement next to the earlier ones.
    """
    outlet = ctx.premises["P-S1B-01"]
    stand_in = (
        User.objects.filter(home_premises=outlet, post=Post.TELLER, is_active=True).order_by("employee_number").first()
    )
    monday = ctx.today - datetime.timedelta(days=ctx.today.weekday())
    ctx.upsert(
        Acting,
        {"user": stand_in, "post": Post.OUTLET_HEAD, "premises": outlet, "start_date": monday},
        {"end_date": monday + datetime.timedelta(days=4), "reason": "网点负责人休假"},
    )
