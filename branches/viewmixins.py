"""The small base every scoped page is built on.

Scope first, then post: an object outside the user's scope is a 404 (so a 403 never
confirms that it exists); inside scope, a post without the view's ``action`` gets a
403 and the refusal is logged. Querysets always start from ``for_user``.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from branches.permissions import can, log_refusal


class ScopedMixin(LoginRequiredMixin):
    """Declare ``model`` and ``action``; optionally ``scope_method`` ("for_user" or "visible_to")."""

    action: str = ""
    scope_method = "for_user"
    pk_url_kwarg = "pk"
    slug_url_kwarg = "slug"

    def get_queryset(self):
        manager = self.model._default_manager
        return getattr(manager.all(), self.scope_method)(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.pk_url_kwarg in kwargs or self.slug_url_kwarg in kwargs:
            self.object = self.get_object()  # 404 outside scope, before the post is checked
        self.check_action(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["model_verbose_name"] = self.model._meta.verbose_name
        return context

    def check_action(self, request) -> None:
        if not can(request.user, self.action):
            log_refusal(request, self.action)
            raise PermissionDenied

    def get_object(self, queryset=None):
        cached = getattr(self, "object", None)
        if cached is not None and queryset is None:
            return cached
        return super().get_object(queryset)


class ScopedFormMixin:
    """Hands the signed-in user to the form, which narrows every choice to the same scope."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs


class ScopedListView(ScopedMixin, SingleTableMixin, FilterView):
    paginate_by = 25
    manage_action = ""  # shows the "new" button to those who may use it

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = bool(self.manage_action) and can(self.request.user, self.manage_action)
        return context

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs


class ScopedDetailView(ScopedMixin, DetailView):
    pass


class ScopedCreateView(ScopedMixin, ScopedFormMixin, CreateView):
    pass


class ScopedUpdateView(ScopedMixin, ScopedFormMixin, UpdateView):
    pass
