"""A name from an export is plain text in every chart: markup in it is escaped before Plotly draws it
(dashboard pages: tests/test_dashboard_pages.py; report images: here)."""
from __future__ import annotations


import plotly.graph_objects as go

from pipelines.reports import charts
from serving.chart_text import plain_chart_text, plain_figure

LINK = '<a href="https://example.com/x">抚顺市水务局</a>'


def test_markup_is_escaped_and_the_builders_line_breaks_are_kept():
    assert plain_chart_text("<b>甲</b><br>乙 & 丙<BR/>丁") == "&lt;b&gt;甲&lt;/b&gt;<br>乙 &amp; 丙<br>丁"
    assert plain_chart_text("&lt;") == "&amp;lt;"  # an entity written in the export stays as written


def test_every_text_place_of_a_figure_is_escaped_numbers_untouched():
    fig = go.Figure(go.Bar(x=[LINK, "乙"], y=[1, 2], text=[LINK, None], customdata=[[LINK, 3], ["x", 4]],
                           name=LINK, hovertemplate="<b>%{x}</b>"))
    fig.update_layout(title=LINK, annotations=[{"text": LINK, "x": 0, "y": 0}])
    plain_figure(fig)
    bar = fig.data[0]
    escaped = plain_chart_text(LINK)
    assert list(bar.x) == [escaped, "乙"] and list(bar.y) == [1, 2] and bar.text[0] == escaped
    assert [list(r) for r in bar.customdata] == [[escaped, 3], ["x", 4]] and bar.name == escaped
    assert bar.hovertemplate == "<b>%{x}</b>"  # the builder's own template
    assert fig.layout.title.text == escaped and fig.layout.annotations[0].text == escaped


def test_report_charts_draw_names_as_text(monkeypatch):
    drawn = []

    class Renderer:  # what reaches Chromium: the figure as charts.to_png hands it over
        def png(self, fig, width, height):
            drawn.append(fig.to_plotly_json())
            return b"png"

    monkeypatch.setattr(charts, "_started", lambda: Renderer())
    charts.bar_scores([LINK], [90.0], "得分")
    charts.bar_rates([LINK], [0.5], "比例", target=0.8)
    charts.lines({LINK: ([2024], [0.5])}, "趋势", "%")
    text = str(drawn)
    assert len(drawn) == 3 and "<a href" not in text and "&lt;a href" in text
