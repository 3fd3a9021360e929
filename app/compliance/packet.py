"""The evidence packet an owner receives before a hearing (TX Property Code 209.007):
the letters, the findings with their photos and the owner's own answers, assembled by the
software, rendered as a PDF and delivered to the unit's owners through the notices delivery
(individual delivery, one record per owner). A Texas hearing is recorded as held only if it
went out at least 10 days before (``ladder.check_record_hearing``)."""

from __future__ import annotations

import base64

from flask_babel import gettext as _

from app.auth.models import User
from app.compliance.hearings import hearing_day, packet_deadline
from app.compliance.letters import KIND_TITLES
from app.compliance.models import Violation
from app.compliance.profiles import profile_of, refuse
from app.compliance.services import record, today
from app.core import clock, formatting, storage
from app.core.pdf import render_pdf
from app.extensions import db
from app.notices.writing import create_notice


def contents(violation: Violation) -> dict:
    """Return what the packet holds: letters, findings with photos, the owner's answers."""
    tz = violation.association.time_zone
    return {
        "association": violation.association,
        "violation": violation,
        "generated_on": formatting.long_date(today(violation.association)),
        "hearing_at": formatting.long_datetime(violation.hearing.scheduled_at, tz)
        if violation.hearing
        else "",
        "letters": [
            {"title": str(KIND_TITLES[le.kind]), "on": formatting.long_date(le.issued_on)}
            for le in violation.live_letters
        ],
        "findings": [
            {
                "on": formatting.long_date(f.observed_on),
                "notes": f.notes,
                "reinspection": f.reinspection,
                "photos": f.photos,
            }
            for f in violation.findings
        ],
        "answers": [
            {
                "who": _("Management office") if r.from_office else r.user.name,
                "when": formatting.long_datetime(r.created_at, tz),
                "text": r.message,
                "photos": r.photos,
            }
            for r in violation.responses
        ],
    }


def _data_uri(photo) -> str:
    data = storage.read_photo_for_print(photo.stored_name)
    return f"data:image/jpeg;base64,{base64.b64encode(data).decode()}"


def packet_pdf(violation: Violation) -> bytes:
    """Render the packet with its photos."""
    return render_pdf("pdf/compliance/packet.html", photo_uri=_data_uri, **contents(violation))


def _body(values: dict, association) -> str:
    lines = [
        _(
            "Before your hearing on %(when)s the association gives you the evidence it will "
            "present (%(rule)s).",
            when=values["hearing_at"],
            rule=profile_of(association.compliance_profile).evidence_packet_rule
            or _("the governing documents"),
        ),
        "",
        _("**Letters**"),
        "",
    ]
    lines += [f"- {le['title']}, {le['on']}" for le in values["letters"]]
    lines += ["", _("**Findings**"), ""]
    lines += [
        "- "
        + _(
            "%(on)s: %(notes)s (%(n)d photos)",
            on=f["on"],
            notes=f["notes"] or "—",
            n=len(f["photos"]),
        )
        for f in values["findings"]
    ]
    lines += ["", _("**Your answers and our replies**"), ""]
    lines += [f"- {a['who']}, {a['when']}: {a['text']}" for a in values["answers"]] or [
        "- " + _("none")
    ]
    lines += [
        "",
        _("The full packet with the photos is on your violation's page in the owner portal."),
    ]
    return "\n".join(lines)


def send_packet(violation: Violation, *, actor: User):
    """Assemble the packet and deliver it to the unit's owners (individual delivery); it
    may go out until the hearing is held, and again after the hearing moved."""
    hearing = violation.hearing
    if hearing is None:
        raise refuse(_("No hearing is scheduled; the evidence packet goes with a hearing."))
    if hearing.held:
        raise refuse(_("The hearing was held; the evidence packet went before it or not at all."))
    association = violation.association
    values = contents(violation)
    packet_pdf(violation)  # every photo must be readable before it is sent
    notice = create_notice(
        association,
        title=_(
            "Evidence for your hearing on %(date)s",
            date=formatting.long_date(hearing_day(violation)),
        )[:200],
        body=_body(values, association),
        audience="units",
        unit_ids=[violation.unit_id],
        delivery_kind="individual",
        actor=actor,
    )
    hearing.packet_sent_at = clock.now()
    db.session.flush()
    deadline = packet_deadline(violation)
    record(
        violation,
        "hearing.packet_sent",
        _(
            "Sent the evidence packet to the owners of unit %(label)s%(late)s",
            label=violation.unit.label,
            late=_(" (after the deadline of %(d)s)", d=formatting.long_date(deadline))
            if deadline and today(association) > deadline
            else "",
        ),
        actor=actor,
        data={"notice_id": notice.id, "letters": len(values["letters"])},
    )
    return notice
