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
