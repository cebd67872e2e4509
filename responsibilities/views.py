"""Pages of responsibility letters, the committee, post duties, the duty roster and joint
defence. Thin: scope first (404), then post (403), then one service call."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.models import Unit, User
from branches.permissions import can, require
from branches.viewmixins import ObjectDetailView, ObjectEditView, ObjectListView
from core.selectors import attachments_of, signatures_of
from core.views import client_ip
from responsibilities import arrangements, selectors, services
from responsibilities.choices import LetterStatus
from responsibilities.filters import AgreementFilter, LetterFilter
from responsibilities.forms import (
    AgreementForm,
    CommitteeMemberForm,
    DutyDayForm,
    EndSeatForm,
    LetterTemplateForm,
    PaperForm,
    PostDutyForm,
    RoundForm,
    SignForm,
)
from responsibilities.models import CommitteeMember, DutyDay, Letter, LetterTemplate
from responsibilities.tables import AgreementTable, LetterTable
from safetybank.heavy import heavy
from safetybank.htmx import render_partial
from safetybank.params import year_param
from safetybank.pdf import pdf_response, render_pdf

UNSIGNED_PER_PAGE = 50  # names of people who have not signed, a page at a time
UNITS_PER_PAGE = 50  # rows of the units below, on the committee and roster pages


def _error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _unit_param(request, queryset, default: Unit | None) -> Unit | None:
    raw = request.GET.get("unit") or request.POST.get("unit")
    if raw:
        try:
            return get_object_or_404(queryset, pk=int(raw))
        except ValueError as exc:
            raise Http404 from exc
    return default


# --------------------------------------------------------------------------- letters


class LetterListView(ObjectListView):
    """The current letters of one year (this year unless another is asked for)."""

    selector = selectors.letters_for
    subject = "letter"
    table_class = LetterTable
    filterset_class = LetterFilter
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().exclude(status=LetterStatus.SUPERSEDED)

    def get_filter_data(self):
        return {"year": year_param(self.request)}

    def get_extra_context(self):
        to_sign = selectors.letters_to_sign(user=self.request.user)
        return {"to_sign": to_sign}


def _letter(request, pk: int) -> Letter:
    return get_object_or_404(selectors.letters_for(user=request.user), pk=pk)


def _letter_context(request, letter: Letter, form=None) -> dict:
    signatures = list(signatures_of(letter))
    content = letter.signing_content
    return {
        "letter": letter,
        "signatures": [(s, s.verify(content)) for s in signatures],
        "form": form or (SignForm() if letter.signatory_id == request.user.pk else None),
        "may_sign": letter.status == LetterStatus.ISSUED and letter.signatory_id == request.user.pk,
        "may_record_paper": letter.status == LetterStatus.ISSUED and can(request.user, "letter.manage"),
        "scans": attachments_of(letter),
    }


@login_required
def letter_detail(request, pk: int):
    letter = _letter(request, pk)
    require(request, "letter.view")
    return render(request, "responsibilities/letter_detail.html", _letter_context(request, letter))


@login_required
@require_POST
def letter_sign(request, pk: int):
    letter = _letter(request, pk)
    require(request, "letter.view")
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.letter_sign(
                letter=letter, by=request.user, typed_name=form.cleaned_data["typed_name"], ip=client_ip(request)
            )
            messages.success(request, _("Thank you: the letter is signed."))
            return redirect(letter.get_absolute_url())
        except ValidationError as exc:
            form.add_error("typed_name" if exc.code == "name" else None, exc)
    return render(request, "responsibilities/letter_detail.html", _letter_context(request, letter, form), status=400)


@login_required
def letter_paper(request, pk: int):
    letter = _letter(request, pk)
    require(request, "letter.manage")
    form = PaperForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_record_paper(
                letter=letter, by=request.user, scan=form.cleaned_data["scan"], signed_on=form.cleaned_data["signed_on"]
            )
            messages.success(request, _("The paper letter and its scan are recorded."))
            return redirect(letter.get_absolute_url())
        except ValidationError as exc:
            form.add_error(None, exc)
    status = 400 if request.method == "POST" else 200
    return render(request, "responsibilities/letter_paper.html", {"letter": letter, "form": form}, status=status)


@login_required
@heavy
def letter_pdf(request, pk: int):
    letter = _letter(request, pk)
    require(request, "letter.view")
    language = get_language()
    pdf = render_pdf(
        "reports/pdf/letter.html",
        {"letter": letter, "signatures": signatures_of(letter), "generated_at": timezone.localtime()},
        language=language,
    )
    return pdf_response(pdf, f"letter-{letter.year}-{letter.pk}.pdf")


# --------------------------------------------------------------------------- rounds


@login_required
def round_list(request):
    require(request, "letter.manage")
    form = RoundForm(user=request.user)
    if request.user.unit_id:
        form.fields["unit"].initial = request.user.unit.scope_root.pk
    rounds = selectors.rounds_for(user=request.user)
    return render(request, "responsibilities/round_list.html", {"rounds": rounds, "form": form})


@login_required
@require_POST
def round_issue(request):
    require(request, "letter.manage")
    form = RoundForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            round = services.round_request(
                unit=form.cleaned_data["unit"], year=form.cleaned_data["year"], by=request.user
            )
            return redirect(round.get_absolute_url())
        except ValidationError as exc:
            form.add_error(None, exc)
    rounds = selectors.rounds_for(user=request.user)
    return render(request, "responsibilities/round_list.html", {"rounds": rounds, "form": form}, status=400)


@login_required
def round_detail(request, pk: int):
    round = get_object_or_404(selectors.rounds_for(user=request.user), pk=pk)
    require(request, "letter.view")
    if not (can(request.user, "letter.manage") or can(request.user, "letter.countersign")):
        require(request, "letter.manage")
    counts = dict.fromkeys(LetterStatus.values, 0)
    for status in round.letters.values_list("status", flat=True):
        counts[status] += 1
    context = {
        "round": round,
        "counts": counts,
        "current": sum(n for s, n in counts.items() if s != LetterStatus.SUPERSEDED),
        "may_countersign": can(request.user, "letter.countersign") and counts[LetterStatus.SIGNED] > 0,
        "may_issue": can(request.user, "letter.manage"),
    }
    return render_partial(
        request, "responsibilities/round_detail.html", "responsibilities/partials/_round_status.html", context
    )


@login_required
@require_POST
def round_countersign(request, pk: int):
    round = get_object_or_404(selectors.rounds_for(user=request.user), pk=pk)
    require(request, "letter.countersign")
    try:
        count = services.round_countersign(round=round, by=request.user, ip=client_ip(request))
        messages.success(request, _("%(count)s letters countersigned.") % {"count": count})
    except ValidationError as exc:
        _error(request, exc)
    return redirect(round.get_absolute_url())


# --------------------------------------------------------------------------- coverage


def _coverage_unit(request) -> Unit:
    units = Unit.objects.for_user(request.user)
    default = request.user.unit.scope_root if request.user.unit_id else None
    unit = _unit_param(request, units, default)
    if unit is None or not units.filter(pk=unit.pk).exists():
        unit = units.filter(parent__isnull=True).first() or units.order_by("depth").first()
    if unit is None:
        raise Http404
    return unit


def _counted_page(queryset, count: int, request):
    """A page of ``queryset`` whose length is already known (the coverage counted it): no second count."""
    paginator = Paginator(queryset, UNSIGNED_PER_PAGE)
    paginator.count = count  # a cached property: set, it is not counted again
    return paginator.get_page(request.GET.get("page"))


@login_required
def coverage(request):
    require(request, "letter.coverage")
    unit = _coverage_unit(request)
    year = year_param(request)
    coverage = selectors.letter_coverage(user=request.user, unit=unit, year=year)
    context = {
        "unit": unit,
        "year": year,
        "coverage": coverage,
        "unsigned": _counted_page(coverage.unsigned_staff, coverage.staff_total - coverage.staff_signed, request),
        "pager_query": urlencode({"unit": unit.pk, "year": year}),
        "children": selectors.letter_coverage_by_unit(user=request.user, parent=unit, year=year),
        "ancestors": unit.ancestors(include_self=False),
        "can_remind": can(request.user, "letter.manage"),
    }
    return render(request, "responsibilities/coverage.html", context)


@login_required
@require_POST
def coverage_remind(request):
    require(request, "letter.manage")
    unit = _coverage_unit(request)
    try:
        year = int(request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    sent = services.letters_remind(letters=selectors.unsigned_letters(user=request.user, unit=unit, year=year))
    messages.success(request, _("%(count)s reminders sent.") % {"count": sent})
    return redirect(f"{reverse('responsibilities:coverage')}?unit={unit.pk}&year={year}")


# --------------------------------------------------------------------------- templates and post duties


@login_required
def template_list(request):
    require(request, "letter.manage")
    return render(
        request,
        "responsibilities/lettertemplate_list.html",
        {
            "templates": LetterTemplate.objects.visible_to(request.user),
            "can_edit": can(request.user, "lettertemplate.manage"),
        },
    )


@login_required
def template_edit(request, pk: int):
    template = get_object_or_404(LetterTemplate.objects.visible_to(request.user), pk=pk)
    require(request, "lettertemplate.manage")
    form = LetterTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        services.letter_template_save(template=form.instance, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The template is saved. Letters already issued keep their text."))
        return redirect("responsibilities:template_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "object_form.html", {"form": form, "title": template.display_title}, status=status)


@login_required
def postduty_list(request):
    require(request, "letter.view")
    return render(
        request,
        "responsibilities/postduty_list.html",
        {"duties": selectors.post_duties(user=request.user), "can_edit": can(request.user, "postduty.manage")},
    )


@login_required
def postduty_edit(request, pk: int):
    duty = get_object_or_404(selectors.post_duties(user=request.user), pk=pk)
    require(request, "postduty.manage")
    form = PostDutyForm(request.POST or None, instance=duty)
    if request.method == "POST" and form.is_valid():
        services.post_duty_save(duty=form.instance, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The duties are saved; they go into letters issued from now on."))
        return redirect("responsibilities:postduty_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "object_form.html", {"form": form, "title": duty.get_post_display()}, status=status)


@login_required
def staff_responsibilities(request, pk: int):
    """A staff member's safety duties and letters (linked from their staff page)."""
    person = get_object_or_404(User.objects.for_user(request.user), pk=pk)
    if person.pk != request.user.pk:
        require(request, "staff.view")
    return render(
        request,
        "responsibilities/staff_responsibilities.html",
        {
            "person": person,
            "duty": selectors.duties_of_post(user=request.user, post=person.post),
            "letters": selectors.letters_of_person(user=request.user, person=person),
        },
    )


# --------------------------------------------------------------------------- committee


@login_required
def committee(request):
    require(request, "committee.view")
    units = Unit.objects.visible_to(request.user).filter(kind__in=selectors.ROSTER_UNIT_KINDS)
    unit = _unit_param(request, units, selectors.home_roster_unit(request.user)) or units.first()
    if unit is None:
        raise Http404
    return render(request, "responsibilities/committee.html", _committee_context(request, unit))


def _units_below(request, unit: Unit, rows) -> dict:
    """Head office sees its branches, a branch its sub-branches (each summed), a page at a time; a row opens
    that unit's page, the breadcrumb goes back up. Replaces a list of every unit of the bank."""
    return {
        "trail": selectors.unit_trail(user=request.user, unit=unit),
        "below": Paginator(rows, UNITS_PER_PAGE).get_page(request.GET.get("page")),
        "pager_query": urlencode({"unit": unit.pk}),
    }


def _committee_context(request, unit: Unit, form=None) -> dict:
    may_manage = (
        can(request.user, "committee.manage") and Unit.objects.for_user(request.user).filter(pk=unit.pk).exists()
    )
    return {
        **_units_below(request, unit, selectors.committee_by_unit(user=request.user, parent=unit)),
        "unit": unit,
        "members": selectors.committee_of(user=request.user, unit=unit),
        "form": form or (CommitteeMemberForm(user=request.user, unit=unit) if may_manage else None),
        "may_manage": may_manage,
    }


def _unit_arrangement_post(request, unit: Unit, form, save, done: str, page: str, context):
    """A unit's committee seat or duty day posted from its page: the service, then back to the page;
    a refusal or a bad form shows the page again with the errors (400)."""
    if form.is_valid():
        try:
            save(unit=unit, by=request.user, **form.cleaned_data)
            messages.success(request, done)
            return redirect(f"{reverse(f'responsibilities:{page}')}?unit={unit.pk}")
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, f"responsibilities/{page}.html", context(request, unit, form), status=400)


@login_required
@require_POST
def committee_add(request, unit_pk: int):
    unit = get_object_or_404(Unit.objects.for_user(request.user), pk=unit_pk)
    require(request, "committee.manage")
    form = CommitteeMemberForm(request.POST, user=request.user, unit=unit)
    done = _("The committee seat is recorded.")
    return _unit_arrangement_post(
        request, unit, form, arrangements.committee_member_add, done, "committee", _committee_context
    )


@login_required
@require_POST
def committee_end(request, pk: int):
    member = get_object_or_404(CommitteeMember.objects.for_user(request.user), pk=pk)
    require(request, "committee.manage")
    form = EndSeatForm(request.POST)
    if form.is_valid():
        try:
            arrangements.committee_member_end(member=member, end_date=form.cleaned_data["end_date"], by=request.user)
            messages.success(request, _("The seat is ended."))
        except ValidationError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Give a valid end date."))
    return redirect(f"{reverse('responsibilities:committee')}?unit={member.unit_id}")


# --------------------------------------------------------------------------- duty roster


def _roster_context(request, unit: Unit, form=None) -> dict:
    today = timezone.localdate()
    try:
        weeks = min(max(int(request.GET.get("weeks") or 8), 1), 26)
    except ValueError:
        weeks = 8
    may_manage = can(request.user, "roster.manage") and Unit.objects.for_user(request.user).filter(pk=unit.pk).exists()
    return {
        **_units_below(request, unit, selectors.roster_by_unit(user=request.user, parent=unit)),
        "unit": unit,
        "days": selectors.roster_of(unit=unit, start=today, end=today + datetime.timedelta(weeks=weeks)),
        "weeks": weeks,
        "pager_query": urlencode({"unit": unit.pk, "weeks": weeks}),
        "may_manage": may_manage,
        "form": form or (DutyDayForm(user=request.user, unit=unit) if may_manage else None),
    }


@login_required
def roster(request):
    require(request, "roster.view")
    units = selectors.roster_units(user=request.user)
    unit = _unit_param(request, units, selectors.home_roster_unit(request.user)) or units.first()
    if unit is None:
        raise Http404
    return render(request, "responsibilities/roster.html", _roster_context(request, unit))


@login_required
@require_POST
def roster_assign(request, unit_pk: int):
    unit = get_object_or_404(Unit.objects.for_user(request.user), pk=unit_pk)
    require(request, "roster.manage")
    form = DutyDayForm(request.POST, user=request.user, unit=unit)
    done = _("The leader on duty is arranged.")
    return _unit_arrangement_post(request, unit, form, arrangements.duty_day_save, done, "roster", _roster_context)


@login_required
@require_POST
def roster_remove(request, pk: int):
    day = get_object_or_404(DutyDay.objects.for_user(request.user), pk=pk)
    require(request, "roster.manage")
    arrangements.duty_day_delete(day=day, by=request.user)
    messages.success(request, _("The duty is removed."))
    return redirect(f"{reverse('responsibilities:roster')}?unit={day.unit_id}")


# --------------------------------------------------------------------------- joint defence


class AgreementListView(ObjectListView):
    selector = selectors.agreements_for
    subject = "agreement"
    table_class = AgreementTable
    filterset_class = AgreementFilter


class AgreementDetailView(ObjectDetailView):
    selector = selectors.agreements_for
    subject = "agreement"
    context_object_name = "agreement"


class AgreementEditView(ObjectEditView):
    selector = selectors.agreements_for
    subject = "agreement"
    form_class = AgreementForm
    success_message = gettext_lazy("The agreement is saved.")
    extra_context = {"title": gettext_lazy("New joint-defence agreement")}

    def get_extra_context(self):
        # The agreement's own name, as the heading of its edit page.
        return {"title": str(self.object)} if self.object is not None else {}

    def save(self, form):
        scans = form.cleaned_data.get("scans") or []
        return arrangements.agreement_save(agreement=form.instance, by=self.request.user, scans=scans)
