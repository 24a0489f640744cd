"""Charts drawn on the server as inline SVG: no script, no external asset, printable.

`line_chart` draws a trend: one line per query, a point per period that
links to that period's results, axes with labels, and a legend. Every text
from the user or the archive is escaped; only the SVG elements are markup.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from markupsafe import Markup, escape

from search.models import Counts
from search.newsroom.trends import Trend, TrendPoint

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 60, 16, 16, 44
COLOURS = ("#8b0000", "#1f5fa8", "#2e7d32", "#b8860b", "#6a1b9a", "#00838f")
TICKS = 5
MAX_X_LABELS = 12
BAR_WIDTH, CHART_HEIGHT = 6, 60  # the search page's timeline


def _nice(peak: float) -> float:
    """The axis top: the smallest 1, 2, 2.5 or 5 × 10^k at or above `peak`, so the five
    ticks read 0, 10%, 20%… rather than 0, 10.5%, 21%…"""
    if peak <= 0:
        return 1.0
    scale = 10 ** math.floor(math.log10(peak))
    return next(m * scale for m in (1, 2, 2.5, 5, 10) if m * scale >= peak)


def line_chart(found: Trend, share: bool, link: Callable[[int, str], str]) -> Markup:
    """The trend as lines of shares (%) or counts; `link(series, period)` is a point's href.
    The legend's swatches take their colours from style.css (`.swatch.c0`…): the page's
    Content-Security-Policy allows no inline style."""
    periods = found.periods
    if not periods:
        return Markup("")

    def value(point: TrendPoint) -> float:
        return point.share * 100 if share else point.articles

    peak = _nice(max((value(p) for s in found.series for p in s.points), default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(periods) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(periods) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h - v / peak * plot_h

    parts = [
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_h}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>',
    ]
    for tick in range(TICKS + 1):
        v = peak * tick / TICKS
        label = f"{v:g}%" if share else f"{v:g}"
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{y(v):.1f}" x2="{WIDTH - RIGHT}" y2="{y(v):.1f}"/>'
            f'<text class="ylabel" x="{LEFT - 6}" y="{y(v) + 4:.1f}">{label}</text>'
        )
    every = max(1, -(-len(periods) // MAX_X_LABELS))
    for i, period in enumerate(periods):
        if i % every == 0 or i == len(periods) - 1:
            parts.append(
                f'<text class="xlabel" x="{x(i):.1f}" y="{TOP + plot_h + 18}">'
                f"{escape(period)}</text>"
            )
    for n, series in enumerate(found.series):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(value(p)):.1f}" for i, p in enumerate(series.points))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
        )
        for i, point in enumerate(series.points):
            title = f"{series.query}｜{point.period}：{point.articles} 篇，占 {point.share:.2%}"
            parts.append(
                f'<a href="{escape(link(n, point.period))}"><circle cx="{x(i):.1f}" '
                f'cy="{y(value(point)):.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(title)}</title></circle></a>"
            )
    across = "年" if found.by == "year" else "月"
    up = "占当期全部文章的比例" if share else "文章数"
    parts.append(
        f'<text class="axis-title" x="{LEFT}" y="{HEIGHT - 4}">横轴：{across}；纵轴：{up}</text>'
    )
    legend = "".join(
        f'<li><span class="swatch c{n % len(COLOURS)}"></span>'
        f"{escape(s.query)}（{s.articles} 篇）</li>"
        for n, s in enumerate(found.series)
    )
    return Markup(
        f'<figure class="trend"><svg role="img" aria-label="趋势图" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}">{"".join(parts)}</svg>'
        f'<figcaption><ul class="legend">{legend}</ul></figcaption></figure>'
    )


def timeline_svg(months: Counts) -> Markup:
    """Hits per month as an inline SVG bar chart: no script, no external asset."""
    if not months:
        return Markup("")
    peak = max(count for _, count in months)
    bars = []
    for i, (month, count) in enumerate(months):
        height = max(1, round(count / peak * CHART_HEIGHT))
        bars.append(
            f'<rect x="{i * BAR_WIDTH}" y="{CHART_HEIGHT - height}" width="{BAR_WIDTH - 1}" '
            f'height="{height}"><title>{escape(month)}：{count} 篇</title></rect>'
        )
    width = len(months) * BAR_WIDTH
    label = f"{escape(months[0][0])} – {escape(months[-1][0])}"
    return Markup(
        f'<svg class="timeline" role="img" aria-label="按月命中：{label}" '
        f'viewBox="0 0 {width} {CHART_HEIGHT}" width="{min(width * 2, 720)}" '
        f'height="{CHART_HEIGHT}" preserveAspectRatio="none">{"".join(bars)}</svg>'
    )
