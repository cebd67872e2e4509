"""Declared views: the small base every scoped page is built on (netbox's generic views, in miniature).

A page declares what it shows; the base does scope, post, table, filters, export, form and messages:

    class PlanListView(ObjectListView):
        selector = selectors.plans_for         # callable(user=...) -> scoped QuerySet
        subject = "plan"                       # needs "plan.view"; "plan.manage" shows the new/edit buttons
        table_class = EmergencyPlanTable
        filterset_class = EmergencyPlanFilter
        # template: drills/emergencyplan_list.html, by Django's convention <app>/<model>_list.html (or _detail)

Scope first, then post: an object outside the user's scope is a 404 (so a 403 never confirms that it
exists); inside scope, a post without the view's ``action`` gets a 403 and the refusal is logged.
The actions follow the table's naming (``<subject>.view``, ``<subject>.manage``): declare ``subject``,
and ``action`` / ``manage_action`` only where a page departs from it. What a page shows beside its
object or table comes from ``get_extra_context()``, as in netbox.
Querysets always start from ``selector(user=...)`` or, without one, ``model.objects.for_user(user)``.
Function views remain only for workflow actions: a few lines around one service call.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView
from django.views.generic.detail import SingleObjectTemplateResponseMixin
from django.views.generic.edit import ModelFormMixin, ProcessFormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from safetybank.exports import table_export_response


def _permissions():
    # safetybank is plumbing below every app; the post check is the one thing it borrows from branches.
    from branches import permissions

    return permissions


SIGNED_IN = "*"  # the ``action`` of a page every signed-in person has (their home, their own notifications)


class ScopedMixin(LoginRequiredMixin):
    """Declare ``selector`` (or ``model``, read through ``scope_method``) and ``subject`` or ``action``
    (or ``SIGNED_IN``)."""

    subject = ""  # "unit": the page needs "unit.view" (an edit page "unit.manage"); "unit.manage" may edit
    subject_verb = "view"  # what ``subject`` asks of a page of this kind
    action: str = ""  # the post's action, where it is not ``<subject>.<subject_verb>``
    selector = None  # a function ``selector(user=...) -> QuerySet``, e.g. ``selectors.drills_for``
    scope_method = "for_user"  # without a selector: "for_user" or "visible_to" on the model's queryset
    select_related: tuple[str, ...] = ()  # relations the page shows, joined in the one query
    manage_action = ""  # ``can_manage`` (default ``<subject>.manage``): shows the "new" / "edit" buttons
    pk_url_kwarg = "pk"
    slug_url_kwarg = "slug"

    def get_queryset(self):
        selector = type(self).selector  # read off the class, so a plain function is not bound as a method
        if selector is not None:
            queryset = selector(user=self.request.user)
        else:
            queryset = getattr(self.model._default_manager.all(), self.scope_method)(self.request.user)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def get_action(self) -> str:
        return self.action or (f"{self.subject}.{self.subject_verb}" if self.subject else "")

    def get_manage_action(self) -> str:
        return self.manage_action or (f"{self.subject}.manage" if self.subject else "")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.pk_url_kwarg in kwargs or self.slug_url_kwarg in kwargs:
            self.object = self.get_object()  # 404 outside scope, before the post is checked
        self.check_action(request, self.get_action())
        return super().dispatch(request, *args, **kwargs)

    def check_action(self, request, action: str) -> None:
        if action != SIGNED_IN:
            _permissions().require(request, action)

    def can(self, action: str) -> bool:
        return _permissions().can(self.request.user, action)

    def get_extra_context(self) -> dict:
        """What the page shows beside its object, table or form (it may override ``can_manage``)."""
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        manage_action = self.get_manage_action()
        context["can_manage"] = bool(manage_action) and self.can(manage_action)
        if self.model is not None or type(self).selector is not None:
            model = self.model or self.get_queryset().model
            context["model_verbose_name"] = model._meta.verbose_name
        context.update(self.get_extra_context())
        context.update(kwargs)  # what the caller passed (a refused form with its errors) wins
        return context

    def get_object(self, queryset=None):
        cached = getattr(self, "object", None)
        if cached is not None and queryset is None:
            return cached
        return super().get_object(queryset)


class RefusalMixin:
    """For any form view whose service may say no."""

    def refused(self, form, exc: ValidationError):
        """Show the service's refusal on the form; a refusal of a rule (``exc.action``) is logged."""
        if getattr(exc, "action", ""):
            _permissions().log_refusal(self.request, exc.action)
        form.add_error(None, exc)
        return self.form_invalid(form)


class ScopedFormMixin:
    """Hands the signed-in user to the form, which narrows every choice to the same scope."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs


class ObjectListView(ScopedMixin, SingleTableMixin, FilterView):
    """A table of scoped rows with filters; ``?…`` filters, ``/export/<fmt>/`` downloads the same table.

    Route the export to the same view with a ``fmt`` keyword (``"csv"`` or ``"xlsx"``); it needs
    ``export_action`` (default: ``action``) and writes the table's columns (``table.export_columns``).
    """

    paginate_by = 25
    template_name_suffix = "_list"  # <app>/<model>_list.html unless ``template_name`` says otherwise, as ListView
    export_action = ""  # shows the export buttons; needed to download
    export_name = ""  # file name stem of the download

    def get_action(self) -> str:
        if "fmt" in self.kwargs and self.export_action:
            return self.export_action
        return super().get_action()

    def get_filter_data(self) -> dict:
        """Filter values the view settles itself, over what the request says (e.g. the year, checked)."""
        return {}

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        settled = self.get_filter_data()
        if settled:
            kwargs["data"] = data = self.request.GET.copy()
            for name, value in settled.items():
                data[name] = str(value)
        return kwargs

    def get(self, request, *args, **kwargs):
        if "fmt" not in kwargs:
            return super().get(request, *args, **kwargs)
        filterset = self.get_filterset(self.get_filterset_class())
        self.object_list = filterset.qs
        table = self.get_table_class()(data=self.object_list, **self.get_table_kwargs())
        return table_export_response(table, kwargs["fmt"], self.export_name or self.request.resolver_match.url_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_export"] = bool(self.export_action) and self.can(self.export_action)
        context["query"] = self.request.GET.urlencode()
        table = context.get("table")
        # All rows the filters leave, over every page (not only this page's 25).
        context["record_count"] = table.paginator.count if getattr(table, "paginator", None) else len(table.rows)
        return context


class ObjectDetailView(ScopedMixin, DetailView):
    """One scoped object; add what the page shows in ``get_extra_context``."""


class ObjectPageView(ScopedMixin, TemplateView):
    """A page that is neither a table nor one object (a grid, a status board): the post check, then
    ``get_context_data`` reads what it shows through the app's selectors."""

    model = None


class ObjectEditView(
    ScopedMixin, ScopedFormMixin, RefusalMixin, SingleObjectTemplateResponseMixin, ModelFormMixin, ProcessFormView
):
    """Create (no ``pk`` in the URL) or update (``pk``) one scoped object through ``form_class``.

    ``form_class`` is a ModelForm, or a plain form whose service creates the object. Override
    ``save(form)`` to write through the app's service and return the object; a
    ``ValidationError`` it raises is shown on the form (a refusal with an ``action`` is logged).
    A refused form answers 400 with the typed values kept.
    """

    template_name_suffix = "_form"  # as CreateView and UpdateView
    subject_verb = "manage"
    success_message = _("Saved.")
    invalid_status = 400

    def _edited(self):
        return self.get_object() if self.pk_url_kwarg in self.kwargs else None

    def get(self, request, *args, **kwargs):
        self.object = self._edited()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self._edited()
        return super().post(request, *args, **kwargs)

    def get_template_names(self):
        """``template_name``, else ``<app>/<model>_form.html`` where the page has its own (as in Django's
        edit views), else the one form page, ``object_form.html``."""
        if self.template_name:
            return [self.template_name]
        try:
            own = super().get_template_names()
        except ImproperlyConfigured:  # no model to name it by
            own = []
        return [*own, "object_form.html"]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if not issubclass(self.get_form_class(), forms.BaseModelForm):
            kwargs.pop("instance", None)  # a plain form whose service creates the object
        return kwargs

    def save(self, form):
        return form.save()

    def get_success_url(self):
        return self.object.get_absolute_url()

    def form_valid(self, form):
        try:
            self.object = self.save(form)
        except ValidationError as exc:
            return self.refused(form, exc)
        if self.success_message:
            messages.success(self.request, self.get_success_message())
        return redirect(self.get_success_url())

    def get_success_message(self) -> str:
        return str(self.success_message)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=self.invalid_status)


__all__ = [
    "ObjectDetailView",
    "ObjectEditView",
    "ObjectListView",
    "ObjectPageView",
    "SIGNED_IN",
    "RefusalMixin",
    "ScopedFormMixin",
    "ScopedMixin",
]
