"""Organisation pages: units, premises, staff, acting, lifecycle. Thin: services write, selectors read."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from django.views.generic.detail import SingleObjectMixin

from branches import rules, selectors, services
from branches.filters import PremisesFilter, StaffFilter, UnitFilter
from branches.forms import (
    ActingForm,
    LeaveForm,
    LinkSetPasswordForm,
    PremisesForm,
    SafetyPasswordChangeForm,
    StaffForm,
    TransferForm,
    UnitForm,
)
from branches.models import Acting, Premises, Unit, User
from branches.orphans import orphaned_items
from branches.permissions import log_refusal
from branches.selectors import unit_overview
from branches.tables import PremisesTable, StaffTable, UnitTable
from branches.viewmixins import ObjectDetailView, ObjectEditView, ObjectListView, RefusalMixin, ScopedMixin
from branches.widgets import recall_choices


class SignOutView(auth_views.LogoutView):
    """Sign out, and have the browser forget this site's stored data: the pages and answers the
    daily check keeps for offline use (caches, IndexedDB, the service worker), so that nothing of one
    person stays on a shared phone for the next."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = SafetyPasswordChangeForm
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = self.request.user.must_change_password
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The one-time link of a password reset: Django's token check, then the person's own choice."""

    form_class = LinkSetPasswordForm
    template_name = "registration/password_set_form.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your new password is set. Sign in with it."))
        return response


class EditView(ObjectEditView):
    """Organisation forms answer a refused form with 200, as they did before the shared base."""

    invalid_status = 200  # tests/test_organisation.py pins it; the shared default is 400


# --- Units -------------------------------------------------------------------


class UnitListView(ObjectListView):
    model = Unit
    subject = "unit"
    table_class = UnitTable
    filterset_class = UnitFilter
    select_related = ("parent",)


class UnitDetailView(ObjectDetailView):
    model = Unit
    subject = "unit"

    def get_extra_context(self):
        return unit_overview(unit=self.object, user=self.request.user)


class RecordEditView(EditView):
    """Create/update through the audited service."""

    def save(self, form):
        return services.record_save(form=form, by=self.request.user, reason=form.cleaned_data.get("reason"))


class UnitEditView(RecordEditView):
    model = Unit
    subject = "unit"
    form_class = UnitForm


# --- Premises ------------------------------------------------------------------


class PremisesListView(ObjectListView):
    model = Premises
    subject = "premises"
    table_class = PremisesTable
    filterset_class = PremisesFilter
    select_related = ("unit",)


class PremisesDetailView(ObjectDetailView):
    model = Premises
    subject = "premises"

    def get_extra_context(self):
        people = User.objects.for_user(self.request.user).filter(is_active=True)
        return {
            "staff": people.filter(home_premises=self.object),
            "contractors": people.filter(contracts__premises=self.object),
        }


class PremisesEditView(RecordEditView):
    model = Premises
    subject = "premises"
    form_class = PremisesForm


# --- Staff ---------------------------------------------------------------------


class StaffListView(ObjectListView):
    model = User
    subject = "staff"
    table_class = StaffTable
    filterset_class = StaffFilter
    template_name = "branches/staff_list.html"
    select_related = ("unit", "home_premises")


class StaffDetailView(ObjectDetailView):
    model = User
    subject = "staff"
    template_name = "branches/staff_detail.html"
    context_object_name = "staff"

    def get_extra_context(self):
        staff = self.object
        return {
            "contracts": staff.contracts.select_related("premises"),
            "actings": staff.actings.select_related("unit", "premises").order_by("-start_date"),
            "history": staff.history.select_related("history_user", "unit").order_by("-history_date")[:20],
            # Why the management buttons are not offered for this person (oneself, someone above), if so.
            "manage_refusal": rules.person_refusal(by=self.request.user, person=staff),
        }


class StaffCreateView(EditView):
    model = User
    subject = "staff"
    form_class = StaffForm

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in StaffForm.Meta.fields}
        try:
            with transaction.atomic():
                user, initial = services.staff_create(by=self.request.user, **fields)
                contracted = list(form.cleaned_data["contracted"])
                services.staff_set_contracts(staff=user, premises=contracted, by=self.request.user)
        except ValidationError as exc:
            return self.refused(form, exc)
        return render(self.request, "branches/staff_password.html", {"staff": user, "password": initial})


class StaffUpdateView(EditView):
    model = User
    subject = "staff"
    form_class = StaffForm

    @transaction.atomic
    def save(self, form):
        staff = services.staff_update(form=form, by=self.request.user, reason=form.cleaned_data.get("reason"))
        services.staff_set_contracts(staff=staff, premises=list(form.cleaned_data["contracted"]), by=self.request.user)
        return staff


class StaffObjectFormView(ScopedMixin, RefusalMixin, SingleObjectMixin, FormView):
    """A form about one staff member in scope (transfer, leave, password)."""

    model = User
    template_name = "object_form.html"

    def get_extra_context(self):
        return {"title": self.title}


class StaffTransferView(StaffObjectFormView):
    action = "staff.manage"
    form_class = TransferForm
    title = _("Transfer")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, instance=User.objects.get(pk=self.object.pk))
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.staff_transfer(
                staff=self.object,
                by=self.request.user,
                on=data["effective"],
                **form.values("unit", "post", "home_premises", "reason"),
            )
        except ValidationError as exc:
            return self.refused(form, exc)
        messages.success(self.request, _("The transfer is recorded."))
        return redirect(self.object.get_absolute_url())


class StaffLeaveView(StaffObjectFormView):
    action = "staff.manage"
    form_class = LeaveForm
    title = _("Record leaving")

    def form_valid(self, form):
        try:
            services.staff_leave(
                staff=self.object,
                end_date=form.cleaned_data["end_date"],
                by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            return self.refused(form, exc)
        messages.success(self.request, _("The account is closed and every session of this person has ended."))
        return redirect(self.object.get_absolute_url())


class StaffResetPasswordView(ScopedMixin, SingleObjectMixin, TemplateView):
    model = User
    action = "staff.reset_password"
    template_name = "branches/staff_reset_password.html"

    def get_extra_context(self):
        return {"staff": self.object}

    def post(self, request, *args, **kwargs):
        try:
            services.staff_reset_password(staff=self.object, by=request.user)
        except ValidationError as exc:
            if isinstance(exc, rules.Refused):
                log_refusal(request, exc.action)
            return self.render_to_response(self.get_context_data(errors=exc.messages))
        messages.success(
            request,
            _("A one-time link to choose a new password is being e-mailed to %(name)s; their sessions have ended.")
            % {"name": self.object},
        )
        return redirect(self.object.get_absolute_url())


class ActingCreateView(EditView):
    model = Acting
    subject = "staff"
    form_class = ActingForm

    success_message = gettext_lazy("The acting arrangement is recorded.")

    def save(self, form):
        return services.acting_create(form=form, by=self.request.user)

    def get_success_url(self):
        return self.object.user.get_absolute_url()


class OrphanedItemsView(ScopedMixin, TemplateView):
    model = User
    action = "orphans.view"
    template_name = "branches/orphans.html"

    def get_extra_context(self):
        user = self.request.user
        return {"items": orphaned_items(user), "left": selectors.staff_who_left(user=user)[:50]}


class SearchView(LoginRequiredMixin, View):
    """The matches a search-as-you-type box offers (``branches.widgets.SearchSelect``): an HTML fragment of
    at most ``SEARCH_LIMIT`` rows of the signed-in person's scope; nothing outside it, whatever is typed.
    A box of a form asks ``?within=<name>``: the field's own queryset, kept on the server when the form was
    shown (``branches.widgets.remember_choices``), narrows the matches further; a name that is no longer
    known offers nothing and asks for the page to be reloaded, rather than offer what the form refuses."""

    model = None
    search = None  # selectors.premises_search / people_search / unit_search

    def get(self, request):
        term = request.GET.get("term", "")[:100]
        context = {"results": [], "term": term.strip()}
        within = None
        if "within" in request.GET:
            within = recall_choices(self.model, request.GET["within"])
            context["expired"] = within is None
        if not context.get("expired"):
            context["results"] = type(self).search(user=request.user, term=term, within=within)
        return render(request, "branches/partials/search_results.html", context)


class PremisesSearchView(SearchView):
    model = Premises
    search = selectors.premises_search


class PeopleSearchView(SearchView):
    model = User
    search = selectors.people_search


class UnitSearchView(SearchView):
    model = Unit
    search = selectors.unit_search
