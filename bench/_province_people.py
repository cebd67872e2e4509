"""The provincial bank's organisation: units, premises, staff and contracts (``build_organisation``), and who is
who once it is built (``People``)."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

PASSWORD = "SafetyDemo-2026"  # settings.SEED_DEMO_PASSWORD: the bench logins sign in with it
FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉"
    "建国志海晓东春梅丹宁欣怡浩然子涵雨萱文博思远立新振宇佳琪婷凯瑞嘉梓轩"
)


def build_organisation(args, rng: random.Random, start: datetime.date):
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from branches.choices import Area, DepartmentKind, Post, PremisesKind, UnitKind
    from branches.models import Contract, Premises, Unit, User

    units: list[Unit] = []

    def unit(code, name, kind, parent=None, department_kind=""):
        pk = len(units) + 1
        path = f"{parent.path if parent else '/'}{pk}/"
        row = Unit(pk=pk, code=code, name=name, kind=kind, parent=parent, department_kind=department_kind, path=path)
        row.depth = path.count("/") - 2
        units.append(row)
        return row

    def departments(owner, which):
        return {
            kind: unit(f"{owner.code}-{suffix}", f"{owner.name}{label}", UnitKind.DEPARTMENT, owner, kind)
            for suffix, kind, label in which
        }

    full = (
        ("SEC", DepartmentKind.SECURITY, "保卫部"),
        ("RISK", DepartmentKind.RISK, "风险管理部"),
        ("BUS", DepartmentKind.BUSINESS, "运营管理部"),
        ("OFF", DepartmentKind.OFFICE, "综合办公室"),
    )
    head = unit("HO", "齐鲁农商联合银行总行", UnitKind.HEAD_OFFICE)
    ho_depts = departments(head, full)
    tree = []  # (branch, depts, [(sub, office)])
    for b in range(1, args.branches + 1):
        branch = unit(f"B{b:03d}", f"第{b}分行", UnitKind.BRANCH, head)
        depts = departments(branch, full)
        subs = []
        for s in range(1, args.subs + 1):
            sub = unit(f"B{b:03d}S{s}", f"第{b}分行第{s}支行", UnitKind.SUB_BRANCH, branch)
            subs.append((sub, departments(sub, full[3:])[DepartmentKind.OFFICE]))
        tree.append((branch, depts, subs))
    Unit.objects.bulk_create(units, batch_size=1000)

    premises: list[Premises] = []

    def place(unit_, code, name, kind, area=Area.URBAN):
        hours = {"open_24h": True} if kind == PremisesKind.SELF_SERVICE else {}
        if kind in (PremisesKind.OUTLET, PremisesKind.CASH_IN_TRANSIT, PremisesKind.OFFICE_BUILDING):
            rural = area == Area.RURAL
            hours = {"opens_at": datetime.time(8, 0 if rural else 30), "closes_at": datetime.time(16 if rural else 17)}
        row = Premises(unit=unit_, code=code, name=name, kind=kind, area=area, address=f"{name}所在地", **hours)
        premises.append(row)
        return row

    place(head, "P-HO-OFB", "总行办公大楼", PremisesKind.OFFICE_BUILDING)
    layout = []  # (branch, depts, vault, cit, [(sub, office, outlets, atms)])
    for branch, depts, subs in tree:
        vault = place(branch, f"P-{branch.code}-VLT", f"{branch.name}金库", PremisesKind.VAULT)
        cit = place(branch, f"P-{branch.code}-CIT", f"{branch.name}押运中队", PremisesKind.CASH_IN_TRANSIT)
        place(branch, f"P-{branch.code}-OFB", f"{branch.name}办公楼", PremisesKind.OFFICE_BUILDING)
        rows = []
        for sub, office in subs:
            area = Area.RURAL if rng.random() < 0.6 else Area.URBAN
            outlets = [
                place(
                    sub,
                    f"P-{sub.code}-{o:02d}",
                    f"{sub.name}{'营业部' if o == 1 else f'第{o}分理处'}",
                    PremisesKind.OUTLET,
                    area,
                )
                for o in range(1, args.outlets + 1)
            ]
            atms = [
                place(sub, f"P-{sub.code}-A{a}", f"{sub.name}第{a}自助银行", PremisesKind.SELF_SERVICE, area)
                for a in range(1, args.atms + 1)
            ]
            rows.append((sub, office, outlets, atms))
        layout.append((branch, depts, vault, cit, rows))
    Premises.objects.bulk_create(premises, batch_size=1000)

    password = make_password(PASSWORD)
    people: list[User] = []
    used_names: set[str] = set()

    def name() -> str:
        while True:
            full_name = rng.choice(FAMILY) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            if full_name not in used_names or len(used_names) > 200_000:
                used_names.add(full_name)
                return full_name

    def person(unit_, post, home=None, username=None, part_time=()):
        number = len(people) + 1
        row = User(
            username=username or f"p{number:06d}",
            full_name=name(),
            unit=unit_,
            home_premises=home,
            post=post,
            part_time_posts=list(part_time),
            employee_number=f"SD{number:06d}",
            password=password,
            email=f"p{number:06d}@province.example" if post not in (Post.TELLER, Post.EMPLOYEE) else "",
            start_date=datetime.date(rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28)),
            is_superuser=username == "admin",
            is_staff=username == "admin",
        )
        people.append(row)
        return row

    person(head, Post.PRESIDENT)
    person(head, Post.LEADER_IN_CHARGE)
    for i in range(8):
        person(ho_depts[DepartmentKind.SECURITY], Post.HEAD_OFFICE_SECURITY, username="headoffice" if i == 0 else None)
    for kind in (DepartmentKind.RISK, DepartmentKind.BUSINESS, DepartmentKind.OFFICE):
        for i in range(6):
            admin = kind == DepartmentKind.OFFICE and i == 0
            person(ho_depts[kind], Post.EMPLOYEE, username="admin" if admin else None)
    contracts = []
    for index, (branch, depts, vault, cit, rows) in enumerate(layout):
        first = index == 0
        person(branch, Post.PRESIDENT, username="president" if first else None)
        person(branch, Post.LEADER_IN_CHARGE)
        guards = [
            person(
                depts[DepartmentKind.SECURITY],
                Post.SECURITY_DEPARTMENT,
                username="security" if first and i == 0 else None,
            )
            for i in range(5)
        ]
        for kind in (DepartmentKind.RISK, DepartmentKind.BUSINESS, DepartmentKind.OFFICE):
            for _ in range(4):
                person(depts[kind], Post.EMPLOYEE)
        person(branch, Post.SECURITY_OFFICER, vault)
        for _ in range(3):
            person(branch, Post.EMPLOYEE, vault)
        person(branch, Post.VOLUNTEER_FIREFIGHTER, vault)
        person(branch, Post.SECURITY_OFFICER, cit)
        for _ in range(4):
            person(branch, Post.EMPLOYEE, cit)
        for _ in range(4):
            person(branch, Post.GUARD, cit)
        contracted = [vault, cit]
        for s, (sub, office, outlets, atms) in enumerate(rows):
            person(sub, Post.PRESIDENT)
            for _ in range(2):
                person(office, Post.EMPLOYEE)
            for o, outlet in enumerate(outlets):
                demo = first and s == 0 and o == 0
                person(sub, Post.OUTLET_HEAD, outlet, username="outlethead" if demo else None)
                person(sub, Post.SECURITY_OFFICER, outlet, username="officer" if demo else None)
                for t in range(args.tellers):
                    person(sub, Post.TELLER, outlet, part_time=(Post.VOLUNTEER_FIREFIGHTER,) if t == 0 else ())
                person(sub, Post.EMPLOYEE, outlet)  # lobby manager
                person(sub, Post.GUARD, outlet)
            contracted += outlets + atms
        for i, where in enumerate(contracted):
            contracts.append(Contract(user=guards[i * len(guards) // len(contracted)], premises=where, since=start))
    # Officers of the first outlets are the mixed-load counter staff: give them stable names.
    officers = [
        p
        for p in people
        if p.post == Post.SECURITY_OFFICER and p.home_premises and p.home_premises.kind == PremisesKind.OUTLET
    ]
    for number, officer in enumerate(officers[:40], start=1):
        if officer.username != "officer":
            officer.username = f"officer{number:02d}"
    User.objects.bulk_create(people, batch_size=2000)
    Contract.objects.bulk_create(contracts, batch_size=2000)
    with connection.cursor() as cursor:  # units were written with their own ids: move the sequence on
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('branches_unit', 'id'), (SELECT max(id) FROM branches_unit))"
        )
    return head, layout


class People:
    """Who is who, loaded once: outlet heads per premises, security-department contractors per premises."""

    def __init__(self):
        from branches.choices import Post
        from branches.models import Contract, User

        self.head: dict[int, int] = {}
        self.officer_of: dict[int, int] = {}
        self.by_premises: dict[int, list[int]] = defaultdict(list)
        self.by_unit: dict[int, list[int]] = defaultdict(list)
        for pk, home, post, unit in User.objects.values_list("pk", "home_premises_id", "post", "unit_id").order_by(
            "pk"
        ):
            if home:
                self.by_premises[home].append(pk)
                if post == Post.OUTLET_HEAD:
                    self.head.setdefault(home, pk)
                if post == Post.SECURITY_OFFICER:
                    self.officer_of.setdefault(home, pk)
            if unit:
                self.by_unit[unit].append(pk)
        self.contractor = dict(Contract.objects.values_list("premises_id", "user_id").order_by("-pk"))
        self.any_security = next(iter(self.contractor.values()), None)

    def security_for(self, premises_id: int) -> int:
        return self.contractor.get(premises_id) or self.any_security
