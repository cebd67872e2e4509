"""Incident register pages. Anyone reports and sees their own; ``incident.view_all`` sees all in scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.permissions import require
from branches.viewmixins import ObjectDetailView, ObjectEditView, ObjectListView
from incidents import selectors, services
from incidents.filters import IncidentFilter
from incidents.forms import IncidentFollowUpForm, IncidentReportForm
from incidents.models import Incident
from incidents.tables import IncidentTable


class IncidentListView(ObjectListView):
    selector = selectors.incidents_for
    action = "incident.report"
    export_action = "incident.export"
    export_name = "incidents"
    table_class = IncidentTable
    filterset_class = IncidentFilter

    def get_extra_context(self):
        return {"sees_all": self.can("incident.view_all")}


class IncidentCreateView(ObjectEditView):
    model = Incident
    action = "incident.report"
    form_class = IncidentReportForm
    extra_context = {"title": gettext_lazy("Report an incident")}
    success_message = gettext_lazy("Incident reported. The security department has been told.")

    def save(self, form):
        return services.incident_report(
            incident=form.instance, by=self.request.user, uploads=form.cleaned_data["photos"]
        )


class IncidentDetailView(ObjectDetailView):
    selector = selectors.incidents_for
    action = "incident.report"
    context_object_name = "incident"

    def get_extra_context(self):
        can_manage = self.can("incident.manage") and not self.object.is_closed
        return {"can_manage": can_manage}


def _incident(request, pk: int) -> Incident:
    return get_object_or_404(selectors.incidents_for(user=request.user), pk=pk)


@login_required
def incident_update(request, pk: int):
    incident = _incident(request, pk)
    require(request, "incident.manage")
    if incident.is_closed:
        messages.error(request, _("This incident is closed and can no longer be changed."))
        return redirect(incident.get_absolute_url())
    initial = {
        "status": incident.status,
        "follow_up": incident.follow_up,
        "loss_amount": incident.loss_amount,
        "police_report_no": incident.police_report_no,
    }
    form = IncidentFollowUpForm(request.POST or None, request.FILES or None, incident=incident, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.incident_follow_up(
                incident=incident,
                by=request.user,
                uploads=data["photos"],
                **form.values("status", "follow_up", "loss_amount", "police_report_no", "reason"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(incident.get_absolute_url())
    return render(
        request,
        "incidents/incident_form.html",
        {"form": form, "incident": incident, "title": _("Follow-up")},
        status=400 if request.method == "POST" else 200,
    )
