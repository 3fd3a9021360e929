"""The packet's charts, drawn by pygal as SVG and inlined in the PDF.

pygal (Kozea, who also make WeasyPrint) writes plain SVG with its styles inside the file, which
WeasyPrint's own SVG renderer draws; no script and no external font or stylesheet is needed
(``js=[]``), so the PDF's URL fetcher has nothing to fetch. It draws the grouped bars (budget
beside actual) that the hand-written bar chart of app.core.charts does not.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from markupsafe import Markup

from app.core.charts import PALETTE

WIDTH = 720
FONT = "DejaVu Sans, Liberation Sans, sans-serif"


def _style():
    from pygal.style import Style

    return Style(
        background="white",
        plot_background="white",
        foreground="#1a1a1a",
        foreground_strong="#1a1a1a",
        foreground_subtle="#d5dbe1",
        guide_stroke_color="#d5dbe1",
        major_guide_stroke_color="#b8c2cc",
        guide_stroke_dasharray="0",
        major_guide_stroke_dasharray="0",
        opacity="1",
        opacity_hover="1",
        colors=tuple(PALETTE),
        font_family=FONT,
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=12,
        title_font_size=14,
        value_font_size=11,
        value_label_font_size=11,
        tooltip_font_size=11,
    )


def _chart(kind: str, *, height: int, **options):
    import pygal

    settings = {
        "style": _style(),
        "width": WIDTH,
        "height": height,
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": False,
        "show_legend": False,
        "print_values": True,
        "show_y_guides": False,
        "margin": 10,
        "spacing": 12,
        "truncate_label": -1,
        **options,
    }
    return getattr(pygal, kind)(**settings)


def _render(chart, label: str) -> Markup:
    svg = chart.render(is_unicode=True)
    # pygal escapes every label and value it writes; the markup is its own.
    return Markup(  # noqa: S704
        f'<figure class="packet-chart" aria-label="{Markup.escape(label)}">{svg}</figure>'
    )


def _compact_dollars(value) -> str:
    """Print an axis amount short: $950, $12k, $1.2M."""
    if value is None:
        return ""
    amount = abs(float(value))
    sign = "-" if value < 0 else ""
    if amount >= 1_000_000:
        return f"{sign}${amount / 1_000_000:.1f}M".replace(".0M", "M")
    if amount >= 1_000:
        return f"{sign}${amount / 1_000:.0f}k"
    return f"{sign}${amount:.0f}"


def budget_vs_actual(rows: list[dict], *, title: str | None = None, max_bars: int = 8) -> Markup:
    """Return the year-to-date budget beside the actual for the largest expense accounts
    (the rest merged into "Other"), as horizontal bars; the table beside it has every row."""
    rows = [r for r in rows if r["kind"] == "expense" and (r["budget_ytd"] or r["actual_ytd"])]
    if not rows:
        return Markup("")
    rows.sort(key=lambda r: max(r["budget_ytd"], r["actual_ytd"]), reverse=True)
    if len(rows) > max_bars:
        rest = rows[max_bars - 1 :]
        rows = [
            *rows[: max_bars - 1],
            {
                "account_code": "",
                "name": _("Other (%(n)d accounts)", n=len(rest)),
                "budget_ytd": sum((r["budget_ytd"] for r in rest), Decimal(0)),
                "actual_ytd": sum((r["actual_ytd"] for r in rest), Decimal(0)),
            },
        ]
    title = title or _("Expenses: budget vs actual, year to date")
    chart = _chart(
        "HorizontalBar",
        height=110 + 44 * len(rows),
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        print_values=False,
        value_formatter=_compact_dollars,
        x_labels_major_count=6,
        show_minor_x_labels=False,
    )
    chart.title = title
    # Horizontal bars are drawn bottom-up: reversed, the largest account stands on top.
    ordered = list(reversed(rows))
    chart.x_labels = [f"{r['account_code']} {r['name']}".strip() for r in ordered]
    chart.add(_("Budget"), [float(Decimal(r["budget_ytd"])) for r in ordered])
    chart.add(_("Actual"), [float(Decimal(r["actual_ytd"])) for r in ordered])
    return _render(chart, title)


def counts(items: list[dict], *, title: str) -> Markup:
    """Return one horizontal bar per item (``label``, ``count``): violations by stage or age."""
    if not any(item["count"] for item in items):
        return Markup("")
    chart = _chart(
        "HorizontalBar",
        height=70 + 40 * len(items),
        value_formatter=lambda v: f"{v:.0f}",
        show_x_labels=False,
        show_x_guides=False,
    )
    chart.title = title
    ordered = list(reversed(items))
    chart.x_labels = [item["label"] for item in ordered]
    chart.add(
        title,
        [
            {"value": item["count"], "color": PALETTE[(len(items) - 1 - index) % len(PALETTE)]}
            for index, item in enumerate(ordered)
        ],
    )
    return _render(chart, title)
