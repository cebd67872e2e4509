"""Server-side SVG charts (pygal) for pages and PDFs: CJK fonts, legible on a phone, no JavaScript.

    from safetybank.charts import bar_chart, line_chart, stacked_bar

    svg = line_chart(
        title=_("Hidden dangers"),
        labels=["2026-01", "2026-02", "2026-03"],
        series={_("Found"): [4, 2, 5], _("Rectified"): [3, 2, 4]},
    )
    {{ svg }}   # the view marks it safe with ``mark_safe`` — it is our own markup, values escaped

Every function returns inline SVG markup (a ``str``, no XML declaration) that scales to the width
of its container (``viewBox``, no fixed size), so the same markup works on a 375 px screen and
inside a WeasyPrint PDF. Text uses "Noto Sans CJK SC"; pygal's interactive scripts are left out
(nothing is fetched from the network, nothing runs in the browser). Domain-free: callers pass
labels and numbers they have already read through their selectors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import pygal
from django.utils.html import escape
from django.utils.translation import gettext as _
from pygal.style import Style

FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans CJK", "Noto Sans", sans-serif'

# Bootstrap-like palette, distinguishable in print and for the common colour deficiencies.
COLORS = (
    "#0d6efd",  # blue
    "#fd7e14",  # orange
    "#198754",  # green
    "#dc3545",  # red
    "#6f42c1",  # purple
    "#20c997",  # teal
    "#6c757d",  # grey
    "#ffc107",  # yellow
)

Number = int | float | None
Series = Mapping[str, Sequence[Number]]

# pygal always embeds a <script> with its configuration for its tooltips; a static chart needs none.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def chart_style(*, colors: Sequence[str] = COLORS) -> Style:
    """The one style every chart uses: CJK font, large enough text for a phone, white background."""
    return Style(
        font_family=FONT_FAMILY,
        background="white",
        plot_background="white",
        foreground="#212529",
        foreground_strong="#212529",
        foreground_subtle="#adb5bd",
        colors=tuple(colors),
        title_font_size=22,
        label_font_size=16,
        major_label_font_size=16,
        legend_font_size=16,
        value_font_size=14,
        tooltip_font_size=14,
        no_data_font_size=20,
    )


def _config(
    *,
    title: str,
    labels: Sequence[str],
    width: int,
    height: int,
    y_title: str,
    value_formatter: Callable[[float], str] | None,
    colors: Sequence[str],
    **extra,
) -> dict:
    labels = [str(label) for label in labels]
    longest = max((len(label) for label in labels), default=0)
    config = {
        "title": str(title) if title else None,
        "style": chart_style(colors=colors),
        "width": width,
        "height": height,
        "js": [],  # no scripts from kozea.github.io; tooltips are not needed on a summary
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": None,
        "truncate_legend": -1,
        "truncate_label": -1,
        "x_label_rotation": 30 if len(labels) > 6 or longest > 6 else 0,
        "y_title": str(y_title) if y_title else None,
        "no_data_text": _("No data"),
        "margin": 12,
        "spacing": 8,
        "show_y_guides": True,
        "print_values": False,
        "min_scale": 2,
        "max_scale": 8,
    }
    if value_formatter is not None:
        config["value_formatter"] = value_formatter
    config.update(extra)
    return config


def _render(chart_class, config: dict, labels: Sequence[str], series: Series, *, title: str) -> str:
    chart = chart_class(**config)
    chart.x_labels = [str(label) for label in labels]
    for name, values in series.items():
        values = list(values)
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
        chart.add(str(name), [None if v is None else float(v) for v in values])
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    # pygal numbers its legend entries "activate-serie-0", … in every chart: two charts on one page (the
    # dashboard, a report PDF) would repeat those ids. Its own unique chart id makes them unique.
    svg = svg.replace('id="activate-serie-', f'id="chart-{chart.uuid}-serie-')
    # Screen readers announce the chart by its title; pygal gives the root element no role.
    label = escape(str(title)) if title else ""
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _count_axis(series: Series, *, stacked: bool) -> dict:
    """Counts get whole-number ticks (0, 1, 2 … never 0.5) from 0 to at least the highest bar."""
    columns = list(zip(*[list(values) for values in series.values()], strict=False))
    if not columns or any(v is not None and float(v) != int(v) for column in columns for v in column):
        return {}
    combine = sum if stacked else max
    heights = [combine(v or 0 for v in column) for column in columns]
    top = int(max(heights, default=0))
    step = next(n * 10**e for e in range(12) for n in (1, 2, 5) if n * 10**e * 8 >= top)
    return {"y_labels": list(range(0, top + step + 1, step)), "range": (0, top + step)}


def _bars(
    vertical,
    horizontal_class,
    *,
    title: str,
    labels: Sequence[str],
    series: Series,
    horizontal: bool = False,
    y_title: str = "",
    width: int = 640,
    height: int = 400,
    value_formatter: Callable[[float], str] | None = None,
    colors: Sequence[str] = COLORS,
) -> str:
    config = _config(
        title=title,
        labels=labels,
        width=width,
        height=height,
        y_title=y_title,
        value_formatter=value_formatter,
        colors=colors,
    )
    if horizontal:
        config["x_label_rotation"] = 0
        # pygal sizes the label column for Latin glyphs; a CJK glyph is about twice as wide, so
        # the missing width is added on the left and a label like "4 网点负责人和安全员" is never clipped.
        wide = max((sum(1 for ch in str(label) if ord(ch) > 0x2E80) for label in labels), default=0)
        config["margin_left"] = config["margin"] + int(wide * chart_style().label_font_size * 0.45)
    config.update(_count_axis(series, stacked=vertical is pygal.StackedBar))
    return _render(horizontal_class if horizontal else vertical, config, labels, series, title=title)


def bar_chart(**options) -> str:
    """Grouped bars: one bar per series at each label. ``horizontal=True`` suits long premises names.
    Options: title, labels, series, horizontal, y_title, width, height, value_formatter, colors."""
    return _bars(pygal.Bar, pygal.HorizontalBar, **options)


def stacked_bar(**options) -> str:
    """Stacked bars: the series add up at each label (e.g. on time + late + missed = required).
    Same options as ``bar_chart``."""
    return _bars(pygal.StackedBar, pygal.HorizontalStackedBar, **options)


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Series,
    y_title: str = "",
    width: int = 640,
    height: int = 400,
    value_formatter: Callable[[float], str] | None = None,
    colors: Sequence[str] = COLORS,
    fill: bool = False,
    percent: bool = False,
) -> str:
    """Lines over ordered labels (months); ``None`` leaves a gap. ``percent`` fixes the axis at 0–100."""
    extra = {"fill": fill, "dots_size": 4, "stroke_style": {"width": 3}}
    if percent:
        extra.update(range=(0, 100), include_x_axis=True)
        if value_formatter is None:
            value_formatter = lambda v: f"{v:.0f}%"  # noqa: E731
    config = _config(
        title=title,
        labels=labels,
        width=width,
        height=height,
        y_title=y_title,
        value_formatter=value_formatter,
        colors=colors,
        **extra,
    )
    return _render(pygal.Line, config, labels, series, title=title)
