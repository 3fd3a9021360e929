"""The packet's charts, drawn by matplotlib as SVG and inlined in the PDF.

matplotlib draws on a ``Figure`` of its own (no pyplot, no GUI backend, no global figure
state), writes SVG with real text (``svg.fonttype = none``), so WeasyPrint sets the labels in
the document's font and the text can be searched and extracted. It draws the grouped bars
(budget beside actual) that the hand-written bar chart of app.core.charts does not. The SVG
has no script and refers to nothing outside itself.
"""

from __future__ import annotations

import io
import re
import threading
from decimal import Decimal

from flask_babel import gettext as _
from markupsafe import Markup, escape

FONT = ["DejaVu Sans", "Liberation Sans", "sans-serif"]
WIDTH_INCHES = 7.0
INK = "#1a1a1a"
GRID = "#d5dbe1"
BUDGET, ACTUAL = "#7fb3d5", "#2c4a6b"  # the budget light, what was spent dark
# Colours for one bar per category (stages, ages), dark enough for labels beside them.
STRONG = ("#2c4a6b", "#3f7cac", "#16a085", "#8e44ad", "#e67e22", "#c0392b")

_SETTINGS = {
    "svg.fonttype": "none",  # text stays text
    "svg.hashsalt": "hoa-packet",  # the same chart gives the same SVG
    "font.family": FONT,
    "font.size": 9,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
}


# matplotlib's settings are process-wide: one chart is drawn at a time, so that two packet
# jobs on the thread pool never restore each other's settings half-way through a drawing.
_LOCK = threading.Lock()


class _style:
    """Hold the drawing lock and matplotlib's packet settings while a chart is drawn."""

    def __enter__(self):
        import matplotlib

        _LOCK.acquire()
        self._context = matplotlib.rc_context(_SETTINGS)
        self._context.__enter__()

    def __exit__(self, *exc):
        try:
            self._context.__exit__(*exc)
        finally:
            _LOCK.release()


def _figure(height_inches: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_INCHES, height_inches), dpi=72)


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    # Drop the XML prolog and doctype: the SVG goes inline into HTML.
    return svg[svg.index("<svg") :]


def _render(figure, label: str) -> Markup:
    svg = _svg(figure)
    # The SVG is matplotlib's own output: every label in it was escaped as it wrote it.
    svg = re.sub(r"<script.*?</script>", "", svg, flags=re.S)
    return Markup(  # noqa: S704
        f'<figure class="packet-chart" aria-label="{escape(label)}">{svg}</figure>'
    )


def _axes(figure, title: str):
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=11, fontweight="bold", loc="left", pad=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(length=0)
    axes.set_axisbelow(True)
    return axes


def compact_dollars(value: float) -> str:
    """Print an amount short, for axes and bar ends: $950, $12k, $1.2M."""
    amount = abs(float(value))
    sign = "-" if value < 0 else ""
    if amount >= 1_000_000:
        return f"{sign}${amount / 1_000_000:.1f}M".replace(".0M", "M")
    if amount >= 10_000:
        return f"{sign}${amount / 1_000:.0f}k"
    if amount >= 1_000:
        return f"{sign}${amount / 1_000:.1f}k".replace(".0k", "k")
    return f"{sign}${amount:.0f}"


def budget_vs_actual(rows: list[dict], *, title: str | None = None, max_bars: int = 8) -> Markup:
    """Return the year-to-date budget beside the actual for the largest expense accounts
    (the rest merged into "Other"), as horizontal bars; the table below has every row."""
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
    with _style():
        return _draw_budget(rows, title)


def _draw_budget(rows: list[dict], title: str) -> Markup:
    from matplotlib.ticker import FuncFormatter

    figure = _figure(1.1 + 0.45 * len(rows))
    axes = _axes(figure, title)
    positions = range(len(rows))
    budget = [float(r["budget_ytd"]) for r in rows]
    actual = [float(r["actual_ytd"]) for r in rows]
    height = 0.38
    axes.barh([p - height / 2 for p in positions], budget, height, color=BUDGET, label=_("Budget"))
    axes.barh([p + height / 2 for p in positions], actual, height, color=ACTUAL, label=_("Actual"))
    largest = max([*budget, *actual]) or 1.0
    for p, b, a in zip(positions, budget, actual, strict=True):
        over = a > b
        axes.text(a + largest * 0.01, p + height / 2, compact_dollars(a), va="center",
                  fontsize=8, color="#b91c1c" if over else INK,
                  fontweight="bold" if over else "normal")  # fmt: skip
    axes.set_yticks(list(positions))
    axes.set_yticklabels([f"{r['account_code']} {r['name']}".strip() for r in rows])
    axes.invert_yaxis()  # the largest account on top
    axes.set_xlim(0, largest * 1.12)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: compact_dollars(v)))
    axes.grid(axis="x", color=GRID, linewidth=0.6)
    axes.legend(loc="upper center", frameon=False, ncols=2, bbox_to_anchor=(0.5, -0.06))
    return _render(figure, title)


def counts(items: list[dict], *, title: str) -> Markup:
    """Return one horizontal bar per item (``label``, ``count``): violations by stage or age."""
    if not any(item["count"] for item in items):
        return Markup("")
    with _style():
        return _draw_counts(items, title)


def _draw_counts(items: list[dict], title: str) -> Markup:
    figure = _figure(0.7 + 0.36 * len(items))
    axes = _axes(figure, title)
    values = [item["count"] for item in items]
    positions = range(len(items))
    axes.barh(list(positions), values, 0.62, color=[STRONG[i % len(STRONG)] for i in positions])
    largest = max(values)
    for p, value in zip(positions, values, strict=True):
        axes.text(value + largest * 0.015, p, str(value), va="center", fontsize=9)
    axes.set_yticks(list(positions))
    axes.set_yticklabels([item["label"] for item in items])
    axes.invert_yaxis()
    axes.set_xlim(0, largest * 1.1)
    axes.set_xticks([])
    axes.spines["bottom"].set_visible(False)
    return _render(figure, title)
