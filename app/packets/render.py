"""Assemble the board packet and render it as one PDF through app.core.pdf.

``build_packet`` is what a meeting's packet job calls. It reads everything live, reports its
progress after each part (the job writes that on its row and commits, as the mailing batch
does), and returns the PDF's bytes; storing them and saying who opened them is the caller's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.associations.models import Association
from app.core import clock, formatting, markdown
from app.core.errors import ValidationError
from app.core.pdf import render_pdf
from app.packets import charts, evidence, sections

# ``progress(done, total)``: parts finished so far out of all parts (the last is the PDF).
Progress = Callable[[int, int], None]

ITEM_KINDS = {
    "action": _l("Action"),
    "report": _l("Report"),
    "special_assessment": _l("Special assessment"),
    "use_rule": _l("Rule change"),
}
SECTION_STEPS = ("budget", "violations", "inspections", "expiring", "approvals")


def _agenda(association: Association, items: Iterable[dict]) -> list[dict[str, Any]]:
    agenda = []
    for number, item in enumerate(items, start=1):
        title = str(item.get("title") or "").strip()
        if not title:
            raise ValidationError("agenda_items", _("Agenda item %(n)d has no title.", n=number))
        kind = item.get("kind") or "action"
        approval_id = item.get("approval_id")
        request = None
        if approval_id is not None:
            try:
                approval_id = int(approval_id)
            except (TypeError, ValueError):
                raise ValidationError(
                    "agenda_items", _("Agenda item %(n)d names no approval request.", n=number)
                ) from None
            request = evidence.request_in(association.id, approval_id)
        agenda.append(
            {
                "number": number,
                "title": title,
                "kind": kind,
                "kind_label": str(ITEM_KINDS.get(kind, kind.replace("_", " ").capitalize())),
                "request": request,
                "anchor": f"item-{number}",
            }
        )
    return agenda


def _minutes(previous: str | dict | None) -> dict[str, Any] | None:
    """Accept the previous meeting's minutes as Markdown or as {title, status, body}."""
    if previous is None:
        return None
    if isinstance(previous, str):
        previous = {"body": previous}
    body = str(previous.get("body") or "")
    status = str(previous.get("status") or "draft")
    return {
        "title": str(previous.get("title") or _("Minutes of the previous meeting")),
        "status": status,
        "draft": status != "approved",
        # Sanitized by core.markdown (no raw HTML, no style, safe links only).
        "html": Markup(markdown.to_html(body)),  # noqa: S704
    }


def _meeting(association: Association, meeting: dict | None) -> dict[str, Any]:
    meeting = dict(meeting or {})
    starts_at = meeting.get("starts_at")
    when = ""
    if isinstance(starts_at, datetime):
        when = formatting.long_datetime(starts_at, association.time_zone)
    elif isinstance(starts_at, date):
        when = formatting.long_date(starts_at)
    return {
        "title": str(meeting.get("title") or _("Meeting of the board of directors")),
        "when": when,
        "location": str(meeting.get("location") or ""),
        "video_url": str(meeting.get("video_url") or ""),
    }


def build_packet(
    association: Association,
    agenda_items: Iterable[dict] = (),
    previous_minutes: str | dict | None = None,
    progress: Progress | None = None,
    *,
    meeting: dict | None = None,
    on: date | None = None,
    expiring_within_days: int = 60,
    lookback_days: int = 90,
) -> bytes:
    """Return the board packet's PDF: cover, agenda, each decision with its evidence, the
    previous minutes, then budget vs actual, compliance, expiring insurance and contracts,
    and the pending approvals, with charts.

    ``agenda_items`` are ``{title, kind, approval_id}`` (``approval_id`` optional: a request of
    this association, else NotFound); ``previous_minutes`` Markdown or ``{title, status,
    body}``; ``meeting`` ``{title, starts_at, location, video_url}``; ``on`` the day the
    budget and compliance figures are about (default today in the association's time zone):
    inspections and cures are counted over the ``lookback_days`` up to it, violations' ages
    to it. Expiring certificates and contracts are counted from today, as their own pages do.
    ``progress(done, total)`` is called after each part, the last one being the PDF itself.
    """
    on = on or sections.today_for(association)
    agenda = _agenda(association, agenda_items)
    decisions = [item for item in agenda if item["request"] is not None]
    total = 1 + len(decisions) + len(SECTION_STEPS) + 1
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    step()  # the agenda is resolved: every approval it names is the association's
    for item in decisions:
        item["evidence"] = evidence.evidence(item.pop("request"))
        step()
    for item in agenda:
        item.pop("request", None)

    budget = sections.budget_vs_actual(association, on=on)
    budget_chart = charts.budget_vs_actual(budget["rows"]) if budget else Markup("")
    step()
    compliance = sections.violations(association, on=on, period_days=lookback_days)
    stage_chart = charts.counts(compliance["by_stage"], title=_("Open violations by stage"))
    age_chart = charts.counts(compliance["by_age"], title=_("Open violations by age"))
    step()
    start, end = sections.period_before(on, lookback_days)
    walked = sections.inspections(association, start, end)
    step()
    expiring = sections.expiring(association, expiring_within_days, on=on)
    step()
    pending = sections.pending_approvals(association)
    on_agenda = {item["evidence"]["approval_id"]: item for item in agenda if "evidence" in item}
    for row in pending:
        found = on_agenda.get(row["id"])
        row["item"] = {"number": found["number"], "anchor": found["anchor"]} if found else None
    step()

    pdf = render_pdf(
        "packets/packet.html",
        association={
            "name": association.name,
            "letterhead": association.letterhead_address,
            "time_zone": association.time_zone,
        },
        meeting=_meeting(association, meeting),
        generated_on=formatting.long_date(clock.now(), association.time_zone),
        on=on,
        agenda=agenda,
        decisions=[item for item in agenda if "evidence" in item],
        minutes=_minutes(previous_minutes),
        budget=budget,
        budget_chart=budget_chart,
        compliance=compliance,
        stage_chart=stage_chart,
        age_chart=age_chart,
        inspections=walked,
        expiring=expiring,
        pending=pending,
        time_zone=association.time_zone,
    )
    step()
    return pdf
