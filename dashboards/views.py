"""Dashboard pages: a unit's subtree for a month, its drill-down, the risk list, exports and weights.

Scope first (a unit or premises outside the user's subtree is a 404), then the post (403).
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from branches.models import Premises, Unit
from branches.permissions import can, require
from branches.scoping import scope_fingerprint
from dashboards import selectors
from dashboards.forms import RiskWeightsForm
from dashboards.models import RiskWeights
from dashboards.services import WEIGHT_FIELDS, risk_weights_update
from dashboards.tasks import refresh_dashboard
from inspections.choices import HazardCategory, HazardGrade, Level
from safetybank.exports import tabular_response
from safetybank.heavy import heavy
from safetybank.outbox import enqueue
from safetybank.params import month_param
from safetybank.periods import next_month, previous_month


def _month(request) -> tuple:
    """The month asked for (first day) and today; a bad value is reported and the current month shown."""
    return month_param(request), timezone.localdate()


def _unit(request, unit_pk: int | None) -> Unit:
    if unit_pk is None:
        unit = selectors.dashboard_root(request.user)
        if unit is None:
            raise Http404
        return unit
    return get_object_or_404(Unit.objects.for_user(request.user), pk=unit_pk)


@login_required
@heavy
def dashboard(request, unit_pk: int | None = None):
    unit = _unit(request, unit_pk)
    require(request, "dashboard.view")
    month, today = _month(request)
    board, points, charts, computed_at, stale = selectors.cached_dashboard(
        user=request.user,
        unit=unit,
        month=month,
        today=today,
        refresh=partial(
            enqueue, refresh_dashboard, request.user.pk, unit.pk, month.isoformat(), today.isoformat(), get_language()
        ),
    )
    can_edit_weights = can(request.user, "risk.weights")
    # The page's body is the same HTML for everyone shown this computation of the board in this language:
    # it is rendered once (a 150 KB page at head office, 18 ms of template), then served from the cache.
    body_key = (scope_fingerprint(request.user), request.user.unit_id, unit.pk, month, today, computed_at)
    body_key += (stale, get_language(), can_edit_weights)
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "body_key": body_key,
            "board": board,
            "points": points,
            "charts": charts,
            "computed_at": computed_at,
            "stale": stale,
            "level_rows": [(code, label, board.levels[code]) for code, label in Level.choices],
            "grade_rows": [(label, board.hazards.by_grade[code]) for code, label in HazardGrade.choices],
            "category_rows": [(label, board.hazards.by_category[code]) for code, label in HazardCategory.choices],
            "previous": previous_month(month),
            "following": next_month(month),
            "risks": board.risks[: selectors.RISKS_SHOWN],
            "risk_components": RISK_COLUMNS,
            "weight_rows": [(title, getattr(board.weights, weight)) for _n, title, weight in RISK_COLUMNS],
            "can_edit_weights": can_edit_weights,
        },
    )


def _risk_columns():
    return [
        ("overdue_dangers", _("Overdue dangers"), "overdue_danger"),
        ("escalated_dangers", _("Escalated dangers"), "escalated_danger"),
        ("missed_checks", _("Missed checks"), "missed_check"),
        ("failed_tests", _("Failed tests"), "failed_test"),
        ("overdue_tests", _("Overdue tests"), "overdue_test"),
        ("no_recent_drill", _("No recent drill"), "no_recent_drill"),
    ]


class _Lazy:
    """Column titles in the language of the request, not of import time."""

    def __init__(self, build):
        self.build = build

    def __iter__(self):
        return iter(self.build())


RISK_COLUMNS = _Lazy(_risk_columns)
EXPORT_TABLES = ("levels", "hazards", "units", "risk", "trend")


def _export_rows(table: str, request, unit: Unit, month, today):
    user = request.user
    if table == "trend":
        tree = selectors.Tree.of(user=user, unit=unit)
        points = selectors.trend(user=user, unit=unit, tree=tree, month=month, today=today)
        headers = [
            _("Month"),
            _("Inspections required"),
            _("On time"),
            _("Missed"),
            _("On time (%)"),
            _("Hidden dangers found"),
            _("Rectified"),
            _("Open at month end"),
            _("Daily-check coverage (%)"),
        ]
        rows = [
            [
                f"{p.month:%Y-%m}",
                p.required,
                p.on_time,
                p.missed,
                p.on_time_percent,
                p.hazards_found,
                p.hazards_rectified,
                p.hazards_open,
                p.daily_rate,
            ]
            for p in points
        ]
        return headers, rows
    board = selectors.dashboard(user=user, unit=unit, month=month, today=today)
    if table == "levels":
        headers = [_("Level"), _("Required"), _("On time"), _("Late"), _("Missed"), _("Unassigned"), _("Not yet due")]
        rows = [
            [str(label), c.required, c.on_time, c.late, c.missed, c.unassigned, c.pending]
            for code, label in Level.choices
            for c in [board.levels[code]]
        ]
        return headers, rows
    if table == "hazards":
        headers = [_("Slice"), _("Found"), _("Rectified"), _("On time"), _("Open"), _("Overdue"), _("Escalated")]
        rows = [[_("Total"), *_hazard_figures(board.hazards.as_dict())]]
        rows += [[str(label), *_hazard_figures(board.hazards.by_grade[code])] for code, label in HazardGrade.choices]
        rows += [
            [str(label), *_hazard_figures(board.hazards.by_category[code])] for code, label in HazardCategory.choices
        ]
        return headers, rows
    if table == "units":
        headers = [
            _("Unit or premises"),
            _("Inspections required"),
            _("On time"),
            _("Late"),
            _("Missed"),
            _("Hidden dangers found"),
            _("Open"),
            _("Overdue"),
            _("Escalated"),
            _("Drills done"),
            _("Letters signed (%)"),
            _("Overdue tests"),
            _("Risk score"),
        ]
        rows = [
            [
                r.label,
                r.inspections.required,
                r.inspections.on_time,
                r.inspections.late,
                r.inspections.missed,
                r.hazards_found,
                r.hazards_open,
                r.hazards_overdue,
                r.hazards_escalated,
                r.drills_done,
                r.letters_percent,
                r.tests_overdue,
                r.risk_score,
            ]
            for r in board.rows
        ]
        return headers, rows
    # risk
    headers = [_("Premises"), _("Unit"), _("Score"), *[title for _n, title, _w in RISK_COLUMNS], _("Last drill")]
    rows = [
        [
            str(r.premises),
            str(r.premises.unit),
            r.score,
            *[getattr(r, name) for name, _t, _w in RISK_COLUMNS],
            r.last_drill,
        ]
        for r in board.risks
    ]
    return headers, rows


def _hazard_figures(figures: dict) -> list:
    return [
        figures["found"],
        figures["rectified"],
        figures["rectified_on_time"],
        figures["open"],
        figures["overdue"],
        figures["escalated"],
    ]


@login_required
@heavy
def export(request, unit_pk: int, table: str, fmt: str):
    unit = _unit(request, unit_pk)
    require(request, "dashboard.view")
    if table not in EXPORT_TABLES:
        raise Http404
    month, today = _month(request)
    headers, rows = _export_rows(table, request, unit, month, today)
    return tabular_response(fmt, f"dashboard-{table}-{month:%Y-%m}", headers, rows)


@login_required
def premises_detail(request, pk: int):
    premises = get_object_or_404(Premises.objects.for_user(request.user).select_related("unit"), pk=pk)
    require(request, "dashboard.view")
    month, today = _month(request)
    context = selectors.premises_components(user=request.user, premises=premises, month=month, today=today)
    anchors = ("dangers", "dangers", "checks", "tests", "tests", "drills")
    context["component_rows"] = [
        (anchor, title, count, weight, count * weight)
        for anchor, (_name, title, _w), (count, weight) in zip(
            anchors, RISK_COLUMNS, context["risk"].weighted, strict=True
        )
    ]
    return render(
        request,
        "dashboards/premises_detail.html",
        {**context, "premises": premises, "month": month, "today": today, "risk_components": RISK_COLUMNS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def weights_edit(request):
    require(request, "risk.weights")
    weights = RiskWeights.current()
    form = RiskWeightsForm(request.POST or None, instance=weights)
    if request.method == "POST" and form.is_valid():
        risk_weights_update(
            by=request.user,
            reason=form.cleaned_data["reason"],
            **form.values(*WEIGHT_FIELDS),
        )
        messages.success(request, _("Risk weights saved."))
        return redirect("dashboards:weights")
    history = weights.history.select_related("history_user")[:20] if weights.pk and weights.updated_at else []
    return render(request, "dashboards/weights_form.html", {"form": form, "weights": weights, "history": history})
