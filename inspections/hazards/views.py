"""Hidden-danger pages: the register, the detail with its timeline, the workflow actions."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from branches.permissions import require
from inspections.models import Hazard


@login_required
def hazard_detail(request, pk: int):
    hazard = get_object_or_404(Hazard.objects.for_user(request.user).select_related("premises", "found_by"), pk=pk)
    require(request, "hazard.view")
    return render(request, "inspections/hazard_detail.html", {"hazard": hazard})
