import datetime

import factory
from django.contrib.auth import get_user_model

from branches.choices import Area, Post, PremisesKind, UnitKind
from branches.models import Contract, Premises, Unit

PASSWORD = "Correct-Horse-2026"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"第{n}支行")
    code = factory.Sequence(lambda n: f"U{n:04d}")
    kind = UnitKind.SUB_BRANCH
    parent = None


class PremisesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Premises
        django_get_or_create = ("code",)

    unit = factory.SubFactory(UnitFactory)
    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"第{n}营业网点")
    kind = PremisesKind.OUTLET
    area = Area.URBAN
    opens_at = datetime.time(8, 30)
    closes_at = datetime.time(17, 0)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    post = Post.EMPLOYEE
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    user = factory.SubFactory(UserFactory, post=Post.SECURITY_DEPARTMENT)
    premises = factory.SubFactory(PremisesFactory)


def bank_tree(parent, *, branches: int, sub_branches: int = 3, premises: int = 3, tag: str = "T") -> list:
    """A realistic slice of a bank under ``parent`` (a head office or a branch), for query budgets: many
    units, each sub-branch with several premises and its staff — not every premises in one wide
    sub-branch, which hides queries made per unit. Under a head office it adds ``branches`` branches,
    each with its security department, president and ``sub_branches`` sub-branches; under a branch it
    adds ``branches × sub_branches`` sub-branches. Each premises has an outlet head and a security
    officer. Returns the premises made. ``tag`` keeps the codes of two calls apart."""
    from branches.choices import DepartmentKind

    made = []

    def grow_sub_branches(unit, prefix):
        for s in range(sub_branches):
            sub = UnitFactory(code=f"{prefix}-S{s}", name=f"{prefix}第{s}支行", kind=UnitKind.SUB_BRANCH, parent=unit)
            for p in range(premises):
                place = PremisesFactory(code=f"{prefix}-S{s}-P{p}", name=f"{prefix}-{s}-{p}营业部", unit=sub)
                for post in (Post.OUTLET_HEAD, Post.SECURITY_OFFICER):
                    UserFactory(username=f"{place.code}-{post}".lower(), unit=sub, home_premises=place, post=post)
                made.append(place)

    for b in range(branches):
        prefix = f"{tag}{b}"
        if parent.kind == UnitKind.BRANCH:
            grow_sub_branches(parent, prefix)
            continue
        branch = UnitFactory(code=prefix, name=f"{prefix}分行", kind=UnitKind.BRANCH, parent=parent)
        security = UnitFactory(
            code=f"{prefix}-SEC",
            name=f"{prefix}分行保卫部",
            kind=UnitKind.DEPARTMENT,
            department_kind=DepartmentKind.SECURITY,
            parent=branch,
        )
        UserFactory(username=f"{prefix}-president".lower(), unit=branch, post=Post.PRESIDENT)
        UserFactory(username=f"{prefix}-security".lower(), unit=security, post=Post.SECURITY_DEPARTMENT)
        grow_sub_branches(branch, prefix)
    return made
