"""Demo compliance data: rule libraries, an inspection, violations along the ladder."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.associations.models import Association, Unit
from app.auth.models import User
from app.compliance import conversation, hearings, inspections, ladder, outcomes, voids
from app.compliance import rules as compliance_rules
from app.core import clock
from app.extensions import db

RULES = [
    {
        "code": "ARC-1",
        "translations": {
            "es": {
                "title": "Contenedores de basura y reciclaje",
                "description": " ".join(
                    [
                        "Los contenedores de basura, reciclaje y residuos de jardín deben",
                        "guardarse fuera de la vista desde la calle, salvo desde las 6 p. m. de",
                        "la víspera de la recogida hasta las 8 p. m. del día de recogida.",
                    ]
                ),
            }
        },
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
        "translations": {
            "es": {
                "title": "Jardín delantero",
                "description": " ".join(
                    [
                        "Los jardines delanteros deben mantenerse cortados, sin malas hierbas y",
                        "regados; las plantas muertas deben reemplazarse en un plazo de 30",
                        "días.",
                    ]
                ),
            }
        },
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
        "translations": {
            "es": {
                "title": "Estacionamiento en calles y entradas",
                "description": " ".join(
                    [
                        "No se pueden estacionar barcos, remolques ni vehículos recreativos en",
                        "las calles o entradas durante más de 48 horas.",
                    ]
                ),
            }
        },
        "title": "Parking on streets and driveways",
        "ccr_section": "Rules & Regulations 3.2",
        "description": "Boats, trailers and recreational vehicles may not be parked on streets or "
        "driveways for more than 48 hours.",
        "cure_days": 3,
        "fine_amount": "100.00",
    },
    {
        "code": "ARC-4",
        "translations": {
            "es": {
                "title": "Los cambios exteriores requieren aprobación",
                "description": " ".join(
                    [
                        "Los cambios en el exterior de una vivienda, incluidos los colores de",
                        "pintura, las cercas y los paneles solares, requieren la aprobación",
                        "previa y por escrito del Comité de Revisión Arquitectónica.",
                    ]
                ),
            }
        },
        "title": "Exterior changes need approval",
        "ccr_section": "CC&R 9.3",
        "description": "Changes to the exterior of a home, including paint colours, fences and "
        "solar panels, require the prior written approval of the Architectural "
        "Review Committee.",
        "cure_days": 30,
        "fine_amount": "100.00",
    },
]


def _photo(code: str) -> bytes:
    """A simple drawing of what the finding is about: bins, a lawn, a trailer, a fence."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (182, 208, 226))  # sky
    draw = ImageDraw.Draw(image)
    draw.polygon([(60, 220), (200, 120), (340, 220)], fill=(150, 80, 60))  # a house
    draw.rectangle((80, 220, 320, 330), fill=(225, 215, 190))
    draw.rectangle((180, 260, 220, 330), fill=(110, 70, 40))
    if code == "LND-2":  # tall, patchy grass and dead shrubs
        draw.rectangle((0, 330, 640, 480), fill=(110, 140, 60))
        for x in range(0, 640, 9):
            draw.line((x, 480, x + 4, 360 - (x * 7) % 40), fill=(80, 120, 40), width=3)
        for x in (400, 470, 540):
            draw.ellipse((x, 300, x + 60, 350), fill=(140, 110, 60))
    elif code == "PRK-3":  # a boat on its trailer on the driveway
        draw.rectangle((0, 330, 640, 480), fill=(120, 120, 120))
        draw.polygon([(360, 300), (600, 300), (570, 350), (390, 350)], fill=(245, 245, 245))
        draw.rectangle((380, 350, 590, 360), fill=(60, 60, 60))
        for x in (410, 540):
            draw.ellipse((x, 350, x + 36, 386), fill=(20, 20, 20))
    elif code == "ARC-4":  # a bright orange fence
        draw.rectangle((0, 330, 640, 480), fill=(100, 150, 70))
        draw.rectangle((330, 290, 640, 300), fill=(250, 120, 20))
        for x in range(340, 640, 22):
            draw.rectangle((x, 270, x + 14, 360), fill=(250, 120, 20))
    else:  # ARC-1: bins by the garage, seen from the street
        draw.rectangle((0, 330, 640, 480), fill=(120, 120, 120))
        draw.rectangle((380, 250, 450, 360), fill=(40, 110, 60))
        draw.rectangle((460, 260, 520, 360), fill=(30, 60, 140))
        draw.rectangle((530, 270, 585, 360), fill=(30, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


TRACKING = "9407 1000 0000 0000 {:04d}"


def _mail_what_waits(association, manager: User) -> None:
    """Build the batch of what waits and confirm it mailed (certified letters with numbers)."""
    from app.compliance import batch_build, batch_mailing, batches
    from app.compliance.letter_models import BatchStatus
    from app.compliance.profiles import profile_of

    batch = batches.create_batch(association, actor=manager)
    db.session.flush()
    # Built here; the batch's own job (a thread of the embedded runner, dispatched when this
    # build commits) may replace this build while it runs: build again until it is done.
    for _attempt in range(3):
        batch_build.build_batch(batch.id, inline=True)
        db.session.refresh(batch)
        if batch.status == BatchStatus.DONE:
            break
    certified = profile_of(association.compliance_profile).certified_mail
    numbers = {
        str(letter.id): TRACKING.format(letter.id)
        for letter in batch.letters
        if letter.kind in certified
    }
    batch_mailing.confirm_batch(batch, tracking_numbers=numbers, actor=manager)


def load_compliance_demo(manager: User) -> None:
    """Create rules and violations for both demo associations through the services."""
    willow = db.session.scalar(
        select(Association).where(Association.name == "Willow Creek Townhomes")
    )
    cedar = db.session.scalar(select(Association).where(Association.name == "Cedar Ridge Commons"))
    for association in (willow, cedar):
        rules = {
            r["code"]: compliance_rules.create_rule(association, r, actor=manager) for r in RULES
        }
        units = db.session.scalars(
            select(Unit).where(Unit.association_id == association.id).order_by(Unit.id)
        ).all()
        # An inspection five weeks ago.
        clock.freeze(datetime.now(UTC) - timedelta(days=35))
        try:
            inspection = inspections.create_inspection(
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
                finding = inspections.record_finding(
                    inspection,
                    unit_id=unit.id,
                    rule_id=rules[code].id,
                    notes=notes,
                    photos=[_photo(code)],
                    actor=manager,
                )
                found.append(finding.violation)
            ladder.issue_letter(found[0], "courtesy", actor=manager)
            for violation in found[1:4]:
                ladder.issue_letter(violation, "violation", actor=manager)
            inspections.close_inspection(inspection, actor=manager)
            # A courtesy notice sent by mistake (the bin was out on collection day): voided.
            mistaken = ladder.issue_letter(found[4], "courtesy", actor=manager)
            voids.void_letter(
                mistaken,
                reason="Issued in error: the bin was out on collection day, which the rule allows.",
                actor=manager,
            )
            # Two days later the week's letters went to the print house and into the mail.
            clock.advance(timedelta(days=2))
            _mail_what_waits(association, manager)
            owner = _owner_of(found[3])
            if owner is not None:
                clock.advance(timedelta(days=3))
                conversation.add_response(
                    found[3],
                    user=owner,
                    message="The fence is stained cedar, not orange; the photo was taken at "
                    "sunset. I can send the ARC form today.",
                    request_hearing=False,
                    photos=[_photo("ARC-4")],
                )
                clock.advance(timedelta(days=1))
                conversation.reply(
                    found[3],
                    message="Thank you. Please send the ARC application; the committee meets "
                    "on the first Tuesday. Until it approves, the notice stands.",
                    actor=manager,
                )
        finally:
            clock.unfreeze()
        # The lawn went uncured: a hearing in three weeks.
        lawn = found[1]
        when = clock.now().astimezone(clock.zone(association.time_zone)) + timedelta(days=21)
        when = when.replace(hour=18, minute=30, second=0, microsecond=0)
        hearings.schedule_hearing(
            lawn, scheduled_at=when, location="Clubhouse, 1 Commons Way", actor=manager
        )
        outcomes.cure_violation(found[2], notes="Trailer moved to storage.", actor=manager)
        outcomes.close_violation(found[2], notes="", actor=manager)
        ladder.issue_letter(found[2], "closure", actor=manager)
        # Yesterday an owner answered the courtesy notice; the office has not replied yet.
        owner = _owner_of(found[0])
        if owner is not None:
            clock.freeze(datetime.now(UTC) - timedelta(days=1))
            try:
                conversation.add_response(
                    found[0],
                    user=owner,
                    message="The bins are behind the side gate now. Photo attached.",
                    request_hearing=False,
                    photos=[_photo("ARC-1")],
                )
            finally:
                clock.unfreeze()
        association.fine_payment_instructions = (
            "Pay by check to the association at the office address above, or online in the "
            "owner portal under Payments; please write the reference on the check."
        )


def _owner_of(violation):
    owners = [m.user for m in violation.unit.memberships if m.role == "owner"]
    return owners[0] if owners else None
