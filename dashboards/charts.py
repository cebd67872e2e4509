"""The dashboard's three drawings (pygal SVG, in the current language), drawn once per cached page."""

from __future__ import annotations

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from inspections.choices import Level
from safetybank.charts import bar_chart, line_chart, stacked_bar


def draw(board, points) -> dict[str, str]:
    months = [f"{p.month:%Y-%m}" for p in points]
    levels = [(code, label) for code, label in Level.choices if board.levels[code].required]
    return {
        "levels": mark_safe(  # noqa: S308  (our own SVG; pygal escapes every text it draws)
            stacked_bar(
                title=_("Inspections by level"),
                labels=[str(label) for _code, label in levels],
                series={
                    _("On time"): [board.levels[c].on_time for c, _l in levels],
                    _("Late"): [board.levels[c].late for c, _l in levels],
                    _("Missed"): [board.levels[c].missed for c, _l in levels],
                    _("Unassigned"): [board.levels[c].unassigned for c, _l in levels],
                    _("Not yet due"): [board.levels[c].pending for c, _l in levels],
                },
                horizontal=True,
                colors=("#198754", "#ffc107", "#dc3545", "#6c757d", "#0dcaf0"),
            )
        ),
        "compliance": mark_safe(  # noqa: S308
            line_chart(
                title=_("Inspections on time and daily-check coverage (%)"),
                labels=months,
                series={
                    _("Inspections on time"): [p.on_time_percent for p in points],
                    _("Daily-check coverage"): [p.daily_rate for p in points],
                },
                percent=True,
            )
        ),
        "hazards": mark_safe(  # noqa: S308
            bar_chart(
                title=_("Hidden dangers per month"),
                labels=months,
                series={
                    _("Found"): [p.hazards_found for p in points],
                    _("Rectified"): [p.hazards_rectified for p in points],
                    _("Open at month end"): [p.hazards_open for p in points],
                },
            )
        ),
    }
