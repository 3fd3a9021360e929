"""Charts drawn on the server as SVG, so the page and the PDF show the same picture."""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

from app.core.formatting import money

PALETTE = [
    "#2c4a6b",
    "#3f7cac",
    "#7fb3d5",
    "#95a5a6",
    "#e67e22",
    "#16a085",
    "#8e44ad",
    "#c0392b",
    "#2ecc71",
]


def percent(value: Decimal) -> str:
    """Print a rate as 42.5%."""
    return f"{Decimal(value):.1f}%"


def bar_chart(
    items: list[tuple[str, Decimal]],
    *,
    title: str,
    width: int = 640,
    max_bars: int = 10,
    other_label: str = "Other",
    fmt=money,
    sort: bool = True,
) -> Markup:
    """Return a horizontal bar chart as inline SVG; extra items merge into "Other".

    ``fmt`` prints each value (money by default; ``percent`` for rates, which are shown
    without a share of the total); ``sort=False`` keeps the given order (months).
    """
    shares = fmt is money
    items = [(label, Decimal(value)) for label, value in items if value or not shares]
    if sort:
        items.sort(key=lambda item: item[1], reverse=True)
    elif len(items) > max_bars:
        items = items[-max_bars:]
    if len(items) > max_bars:
        rest = sum((value for _label, value in items[max_bars - 1 :]), Decimal(0))
        items = [*items[: max_bars - 1], (other_label, rest)]
    if not items:
        return Markup("")
    total = sum((value for _label, value in items), Decimal(0))
    # Rates are drawn against 100%, so that bars compare across charts.
    largest = max(value for _label, value in items) if shares else Decimal(100)
    bar_height, gap, label_width, value_width = 18, 6, 190, 130
    plot_width = width - label_width - value_width
    height = len(items) * (bar_height + gap) + 28
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="DejaVu Sans, sans-serif" '
        f'font-size="11">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(items):
        y = 24 + index * (bar_height + gap)
        length = float(value / largest) * plot_width if largest else 0
        share = value / total * 100 if total else Decimal(0)
        shown = f"{fmt(value)} ({share:.0f}%)" if shares else fmt(value)
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">'
            f"{escape(_clip(label))}</text>"
            f'<rect x="{label_width}" y="{y}" width="{max(length, 1):.1f}" '
            f'height="{bar_height}" fill="{colour}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 13}">'
            f"{escape(shown)}</text>"
        )
    parts.append("</svg>")
    # Every piece of text above went through escape(); the rest is our own markup.
    return Markup("".join(parts))  # noqa: S704


def _clip(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
