"""Demo compliance data: rule libraries, an inspection, violations along the ladder."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.associations.models import Association, Unit
from app.auth.models import User
from app.compliance import ladder, outcomes
from app.compliance import services as compliance
from app.core import clock
from app.extensions import db

RULES = [
    {
        "code": "ARC-1",
        "title": "Trash and recycling containers",
        "ccr_section": "CC&R 7.4",
        "description": "Trash, recycling and green-waste containers must be stored out of view "
        "from the street, except from 6 p.m. the evening before collection until "
        "8 p.m. on collection day.",
        "cure_days": 7,
        "fine_amount": "50.00",
        "repeat_fine_amount": "100.00",
        "repeat_window_days": 180,
    },
    {
        "code": "LND-2",
        "title": "Front-yard landscaping",
        "ccr_section": "CC&R 8.1",
        "description": "Front yards must be kept mowed, weeded and irrigated; dead plants must be "
        "replaced within 30 days.",
        "cure_days": 21,
        "fine_amount": "75.00",
        "repeat_fine_amount": "100.00",
        "repeat_window_days": 365,
        "daily_fine_amount": "5.00",
        "daily_fine_max_days": 5,
    },
    {
        "code": "PRK-3",
        "title": "Parking on streets and driveways",
        "ccr_section": "Rules & Regulations 3.2",
        "description": "Boats, trailers and recreational vehicles may not be parked on streets or "
        "driveways for more than 48 hours.",
        "cure_days": 3,
        "fine_amount": "100.00",
    },
    {
        "code": "ARC-4",
        "title": "Exterior changes need approval",
        "ccr_section": "CC&R 9.3",
        "description": "Changes to the exterior of a home, including paint colours, fences and "
        "solar panels, require the prior written approval of the Architectural "
        "Review Committee.",
        "cure_days": 30,
        "fine_amount": "100.00",
    },
]


def _photo(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (182, 208, 226))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 480), fill=(120, 120, 120))  # driveway
    draw.rectangle((380, 180, 470, 330), fill=colour)  # a bin
    draw.rectangle((480, 200, 560, 330), fill=(30, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def load_compliance_demo(manager: User) -> None:
    """Create rules and violations for both demo associations through the services."""
    willow = db.session.scalar(
        select(Association).where(Association.name == "Willow Creek Townhomes")
    )
    cedar = db.session.scalar(select(Association).where(Association.name == "Cedar Ridge Commons"))
    for association in (willow, cedar):
        rules = {r["code"]: compliance.create_rule(association, r, actor=manager) for r in RULES}
        units = db.session.scalars(
            select(Unit).where(Unit.association_id == association.id).order_by(Unit.id)
        ).all()
        # An inspection five weeks ago.
        clock.freeze(datetime.now(UTC) - timedelta(days=35))
        try:
            inspection = compliance.create_inspection(
                association, scheduled_for=clock.today(association.time_zone), actor=manager
            )
            found = []
            for unit, code, notes in (
                (
                    units[3],
                    "ARC-1",
                    "Two bins and a green-waste can beside the garage, visible from the street.",
                ),
                (units[8], "LND-2", "Lawn not mowed; about 25 cm. Dead shrubs by the walkway."),
                (units[15], "PRK-3", "White boat trailer parked on the driveway since last week."),
                (
                    units[22],
                    "ARC-4",
                    "New fence painted bright orange; no ARC application on file.",
                ),
                (units[30], "ARC-1", "Recycling bin left at the curb two days after collection."),
            ):
                finding = compliance.record_finding(
                    inspection,
                    unit_id=unit.id,
                    rule_id=rules[code].id,
                    notes=notes,
                    photos=[_photo((40, 110, 60))],
                    actor=manager,
                )
                found.append(finding.violation)
            ladder.issue_letter(found[0], "courtesy", actor=manager)
            for violation in found[1:4]:
                ladder.issue_letter(violation, "violation", actor=manager)
            compliance.close_inspection(inspection, actor=manager)
        finally:
            clock.unfreeze()
        # The lawn went uncured: a hearing in three weeks.
        lawn = found[1]
        when = clock.now().astimezone(clock.zone(association.time_zone)) + timedelta(days=21)
        when = when.replace(hour=18, minute=30, second=0, microsecond=0)
        ladder.schedule_hearing(
            lawn, scheduled_at=when, location="Clubhouse, 1 Commons Way", actor=manager
        )
        outcomes.cure_violation(found[2], notes="Trailer moved to storage.", actor=manager)
        outcomes.close_violation(found[2], notes="", actor=manager)
        ladder.issue_letter(found[2], "closure", actor=manager)
