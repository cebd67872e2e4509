"""Signatures: who, when, where, in which post, and proof that the signed content is unchanged."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from branches.choices import Post
from branches.models import Acting
from core.choices import SignatureKind
from core.models import Signature, canonical_content
from core.selectors import has_signed, signatures_of
from core.services import signature_sign, signatures_sign_batch

pytestmark = pytest.mark.django_db

LETTER = "安全责任书 2026：城关营业部负责人对本网点的安全保卫工作负责。"


def test_a_signature_records_who_when_where_and_proves_the_text_unchanged(org, time_machine):
    time_machine.move_to("2026-01-05 09:30:00+08:00")
    signature = signature_sign(
        subject=org.outlet_a, kind=SignatureKind.LETTER, signer=org.outlethead, content=LETTER, ip="10.0.0.8"
    )
    signature.refresh_from_db()
    assert signature.signer == org.outlethead
    assert signature.post == Post.OUTLET_HEAD and signature.acting is None
    assert signature.ip_address == "10.0.0.8"
    assert signature.signed_at.isoformat() == "2026-01-05T01:30:00+00:00"
    assert signature.verify(LETTER)
    assert not signature.verify(LETTER.replace("负责", "协助"))  # one changed word is detected
    assert not signature.verify(LETTER + " ")


def test_the_same_facts_always_give_the_same_content():
    first = canonical_content({"date": datetime.date(2026, 3, 2), "items": ["门锁", "监控"], "ok": True})
    second = canonical_content({"ok": True, "items": ["门锁", "监控"], "date": datetime.date(2026, 3, 2)})
    assert first == second and "门锁" in first


def test_signing_for_an_acted_post_records_the_acting_arrangement(org, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+08:00")
    acting = Acting.objects.create(
        user=org.officer,
        post=Post.OUTLET_HEAD,
        premises=org.outlet_a,
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 3, 6),
    )
    signature = signature_sign(
        subject=org.outlet_a, kind=SignatureKind.COSIGN, signer=org.officer, content="x", post=Post.OUTLET_HEAD
    )
    assert (signature.post, signature.acting) == (Post.OUTLET_HEAD, acting)

    time_machine.move_to("2026-03-09 10:00:00+08:00")
    with pytest.raises(ValidationError, match="您今天既不担任该岗位，也未代理该岗位") as refused:
        signature_sign(
            subject=org.outlet_a2, kind=SignatureKind.COSIGN, signer=org.officer, content="x", post=Post.OUTLET_HEAD
        )
    assert refused.value.code == "not_your_post"


def test_an_acknowledgement_may_carry_an_objection_other_signatures_may_not(org):
    ack = signature_sign(
        subject=org.outlet_a,
        kind=SignatureKind.ACKNOWLEDGEMENT,
        signer=org.outlethead,
        content="检查事实确认书",
        objection="  监控硬盘已于当日更换。 ",
    )
    assert ack.objection == "监控硬盘已于当日更换。"
    with pytest.raises(ValidationError, match="只有确认签收时才能填写异议") as objected:
        signature_sign(
            subject=org.outlet_a, kind=SignatureKind.COSIGN, signer=org.outlethead, content="x", objection="不同意"
        )
    assert objected.value.code == "objection"


def test_nobody_signs_the_same_thing_twice_and_a_signature_is_never_edited(org):
    signature = signature_sign(subject=org.outlet_a, kind=SignatureKind.COSIGN, signer=org.outlethead, content="x")
    with pytest.raises(ValidationError, match="您已经签过字了") as twice:
        signature_sign(subject=org.outlet_a, kind=SignatureKind.COSIGN, signer=org.outlethead, content="y")
    assert twice.value.code == "already_signed"
    signature.content_sha256 = "0" * 64
    with pytest.raises(ValidationError, match="签字不能修改"):
        signature.save()
    with pytest.raises(ValidationError, match="签字不能删除"):
        signature.delete()
    assert Signature.objects.get().verify("x")


def test_batch_countersigning_signs_each_once_and_a_repeat_changes_nothing(org):
    units = [org.sub1, org.branch1, org.sub2]
    items = [(unit, f"台账 {unit.code}") for unit in units]
    signature_sign(subject=org.sub2, kind=SignatureKind.COUNTERSIGN, signer=org.security, content="台账 S2A")

    result = signatures_sign_batch(items=items, kind=SignatureKind.COUNTERSIGN, signer=org.security, ip="10.0.0.9")
    assert [s.subject for s in result.signed] == [org.sub1, org.branch1]
    assert result.already_signed == [org.sub2]
    assert all(has_signed(unit, signer=org.security, kind=SignatureKind.COUNTERSIGN) for unit in units)

    again = signatures_sign_batch(items=items, kind=SignatureKind.COUNTERSIGN, signer=org.security)
    assert again.signed == [] and len(again.already_signed) == 3
    assert signatures_of(org.sub1).get().verify("台账 S1A")
    assert Signature.objects.count() == 3
