"""The channel page of a unit's security department: group robots and the kinds of notice each takes.

Secrets (the robot's webhook URL holds its key; the DingTalk signing secret) are stored and used to
send, never shown back in full: the table masks them and the form leaves them blank (blank keeps them).
"""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from branches.viewmixins import ObjectEditView, ObjectListView
from branches.widgets import search_as_you_type
from core.channels import NOTICE_KINDS, channel_save, mask
from core.models import ChannelKind, DeliveryStatus, UnitChannel
from safetybank.forms import ScopedModelForm


def channels_for(*, user):
    return (
        UnitChannel.objects.for_user(user)
        .select_related("unit")
        .annotate(
            delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DELIVERED)),
            waiting=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            last_failed_at=Max("deliveries__next_attempt_at", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        )
        .order_by("unit__path", "name", "pk")
    )


class ChannelTable(tables.Table):
    name = tables.Column(linkify=True)
    webhook_url = tables.Column(verbose_name=_("webhook URL"), orderable=False)
    status = tables.TemplateColumn(
        template_name="core/partials/_channel_status.html", verbose_name=_("deliveries"), orderable=False
    )

    class Meta:
        model = UnitChannel
        fields = ["name", "unit", "kind", "webhook_url", "active", "status"]
        attrs = {"class": "table table-sm align-middle", "id": "channel-list"}
        empty_text = _("No channels yet.")

    def render_webhook_url(self, value):
        return mask(value)


class ChannelFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Channel"), choices=ChannelKind.choices)

    class Meta:
        model = UnitChannel
        fields = ["kind"]


class ChannelForm(ScopedModelForm):
    new_webhook_url = forms.URLField(
        label=_("Webhook URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Copied from the group robot's settings. Left blank, the stored one is kept."),
    )
    new_secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("DingTalk: the robot's signing secret (SEC…). Left blank, the stored one is kept."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of notice"), choices=NOTICE_KINDS, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = UnitChannel
        fields = ["unit", "name", "kind", "language", "kinds", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        search_as_you_type(self)  # a thousand units at a head office: a search box

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("new_webhook_url"):
            self.add_error("new_webhook_url", _("A new channel needs its webhook URL."))
        return data


class ChannelListView(ObjectListView):
    selector = channels_for
    action = "channel.manage"
    manage_action = "channel.manage"
    table_class = ChannelTable
    filterset_class = ChannelFilter
    template_name = "core/channel_list.html"


class ChannelEditView(ObjectEditView):
    selector = channels_for
    model = UnitChannel
    action = "channel.manage"
    form_class = ChannelForm
    success_message = _("Channel saved.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Notification channel")
        if self.object:
            context["masked_url"] = mask(self.object.webhook_url)
            context["masked_secret"] = mask(self.object.secret)
        return context

    def save(self, form):
        return channel_save(
            channel=form.instance,
            by=self.request.user,
            webhook_url=form.cleaned_data.get("new_webhook_url", ""),
            secret=form.cleaned_data.get("new_secret", ""),
        )
