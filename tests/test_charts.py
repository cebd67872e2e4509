"""Server-side SVG charts: CJK text, no scripts, escaping, usable inline in a WeasyPrint PDF."""

import io

import pytest
from pypdf import PdfReader

from safetybank.charts import FONT_FAMILY, bar_chart, line_chart, stacked_bar
from safetybank.pdf import render_pdf

MONTHS = ["2026-01", "2026-02", "2026-03"]


@pytest.mark.parametrize("draw", [bar_chart, stacked_bar, line_chart])
def test_chart_is_inline_svg_with_cjk_font_and_no_script(draw):
    svg = draw(title="隐患趋势", labels=MONTHS, series={"发现": [4, 2, 5], "整改": [3, 2, 4]})
    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    assert "<script" not in svg
    assert "Noto Sans CJK SC" in svg and FONT_FAMILY.split(",")[0] in svg
    assert "隐患趋势" in svg and "发现" in svg and "2026-02" in svg
    assert 'role="img"' in svg and 'aria-label="隐患趋势"' in svg
    # Scales with its container: a viewBox, no fixed pixel width on the root element.
    root = svg[: svg.index(">")]
    assert "viewBox" in root


def test_chart_escapes_labels_and_titles():
    svg = bar_chart(title="<b>x</b>", labels=["<script>a</script>"], series={"&s": [1]})
    assert "<script>a" not in svg and "<b>x" not in svg
    assert "&lt;script&gt;" in svg


def test_horizontal_bars_and_gaps_in_lines_render():
    assert "<svg" in bar_chart(title="t", labels=["甲", "乙"], series={"a": [1, 2]}, horizontal=True)
    assert "<svg" in stacked_bar(title="t", labels=["甲", "乙"], series={"a": [1, 2], "b": [0, 1]}, horizontal=True)
    assert "<svg" in line_chart(title="t", labels=MONTHS, series={"a": [None, 50, 75]}, percent=True)


def test_series_length_must_match_labels():
    with pytest.raises(ValueError, match="series 'a' has 2 values for 3 labels"):
        bar_chart(title="t", labels=MONTHS, series={"a": [1, 2]})


def test_empty_chart_says_no_data():
    svg = line_chart(title="t", labels=[], series={})
    assert "<svg" in svg


def test_chart_renders_inside_a_pdf(tmp_path, settings):
    svg = bar_chart(title="合规", labels=["城关支行", "东街网点"], series={"按时": [3, 5]})
    template_dir = tmp_path / "tpl"
    (template_dir / "reports" / "pdf").mkdir(parents=True)
    (template_dir / "reports" / "pdf" / "chart_test.html").write_text(
        '{% extends "reports/pdf/base.html" %}{% block body %}{{ svg|safe }}{% endblock %}', encoding="utf-8"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [template_dir, *settings.TEMPLATES[0]["DIRS"]]},
    ]
    pdf = render_pdf("reports/pdf/chart_test.html", {"svg": svg}, language="zh-hans")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "城关支行" in text


def test_two_charts_on_one_page_repeat_no_id(caplog, tmp_path, settings):
    """A report or the dashboard shows several charts: an id repeated across them is invalid HTML, and
    WeasyPrint warns of an anchor defined twice for each one."""
    import re

    page = bar_chart(title="甲", labels=MONTHS, series={"发现": [4, 2, 5], "整改": [3, 2, 4]}) + line_chart(
        title="乙", labels=MONTHS, series={"发现": [1, 2, 3], "整改": [3, 2, 1]}
    )
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids))
    template_dir = tmp_path / "tpl"
    (template_dir / "reports" / "pdf").mkdir(parents=True)
    (template_dir / "reports" / "pdf" / "two_charts.html").write_text(
        '{% extends "reports/pdf/base.html" %}{% block body %}{{ svg|safe }}{% endblock %}', encoding="utf-8"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [template_dir, *settings.TEMPLATES[0]["DIRS"]]}]
    with caplog.at_level("WARNING", logger="weasyprint"):
        render_pdf("reports/pdf/two_charts.html", {"svg": page}, language="zh-hans")
    assert "defined twice" not in caplog.text
