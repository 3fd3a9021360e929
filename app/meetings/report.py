"""The meeting report PDF: the meeting, attendance and quorum, the agenda, each motion with
every member's vote and its result, and the minutes (marked DRAFT until approved), through
the one PDF renderer (app.core.pdf)."""

from __future__ import annotations

from markupsafe import Markup

from app.associations.models import Association
from app.core import clock, markdown
from app.core.formatting import long_date
from app.core.pdf import render_pdf
from app.meetings import minutes as minutes_module
from app.meetings import minutes_draft, minutes_record
from app.meetings.models import Meeting, MinutesStatus


def report_pdf(meeting: Meeting, association: Association) -> bytes:
    """Return the report's PDF bytes (plain values into the template; nothing is stored)."""
    row = minutes_module.minutes_of(meeting)
    status = row.status if row is not None else MinutesStatus.DRAFT.value
    body = row.body if row is not None and row.body else ""
    if not body and meeting.status == "adjourned":
        body = minutes_draft.draft_from_record(meeting, association)
    return render_pdf(
        "pdf/meetings/report.html",
        association={
            "name": association.name,
            "letterhead": association.letterhead_address,
        },
        generated_on=long_date(clock.now(), association.time_zone),
        meeting=minutes_record.record(meeting, association),
        minutes={
            "status": status,
            "draft": status != MinutesStatus.APPROVED,
            "written": row is not None and bool(row.body),
            "approved_on": long_date(row.approved_at, association.time_zone)
            if row is not None and row.approved_at
            else "",
            # Sanitized by core.markdown (no raw HTML, safe links only).
            "html": Markup(markdown.to_html(body)) if body else Markup(""),  # noqa: S704
        },
    )
