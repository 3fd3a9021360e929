"""Inspections and their findings: opening and closing an inspection, and recording a
finding, which opens a violation (a repeat offence or not) or re-inspects the open one."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Association, Unit
from app.auth.models import User
from app.compliance.models import Finding, Inspection, Rule, Violation, ViolationStatus
from app.compliance.rules import get_rule
from app.compliance.services import OPEN_STATUSES, record, store_photos, today
from app.core import audit, clock
from app.core.errors import InvalidTransition, ValidationError
from app.extensions import db


def create_inspection(association: Association, *, scheduled_for, actor: User) -> Inspection:
    """Open an inspection for a day."""
    if not isinstance(scheduled_for, date):
        raise ValidationError("scheduled_for", _("Enter a date such as 2027-03-04."))
    existing = open_inspection_on(association, scheduled_for)
    if existing is not None:  # pressing "Open" twice continues the day's inspection
        return existing
    inspection = Inspection(
        association_id=association.id,
        scheduled_for=scheduled_for,
        status="open",
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    db.session.add(inspection)
    db.session.flush()
    audit.record(
        "inspection.opened",
        actor=actor,
        association_id=association.id,
        subject_type="inspection",
        subject_id=inspection.id,
        summary=_("Opened the inspection of %(date)s", date=scheduled_for.isoformat()),
    )
    return inspection


def open_inspection_on(association: Association, day: date) -> Inspection | None:
    """Return the association's inspection of that day that is still open, if any."""
    return db.session.scalar(
        select(Inspection)
        .where(
            Inspection.association_id == association.id,
            Inspection.scheduled_for == day,
            Inspection.status == "open",
        )
        .order_by(Inspection.id)
        .limit(1)
    )


def close_inspection(inspection: Inspection, *, actor: User) -> None:
    """Close an inspection; no more findings are recorded on it."""
    if inspection.status != "open":
        raise InvalidTransition(_("This inspection is already closed."))
    inspection.status = "closed"
    audit.record(
        "inspection.closed",
        actor=actor,
        association_id=inspection.association_id,
        subject_type="inspection",
        subject_id=inspection.id,
        summary=_(
            "Closed the inspection of %(date)s with %(n)d findings",
            date=inspection.scheduled_for.isoformat(),
            n=len(inspection.findings),
        ),
    )


def open_violation_for(unit: Unit, rule: Rule) -> Violation | None:
    """Return the unit's violation of this rule that is still open, if any."""
    return db.session.scalar(
        select(Violation).where(
            Violation.unit_id == unit.id,
            Violation.rule_id == rule.id,
            Violation.status.in_([s.value for s in OPEN_STATUSES]),
        )
    )


def is_repeat(unit: Unit, rule: Rule, on: date) -> bool:
    """Tell whether the unit broke the same rule within the rule's look-back window."""
    if not rule.repeat_window_days:
        return False
    since = on - timedelta(days=rule.repeat_window_days)
    return (
        db.session.scalar(
            select(Violation.id).where(
                Violation.unit_id == unit.id,
                Violation.rule_id == rule.id,
                Violation.opened_on >= since,
            )
        )
        is not None
    )


def record_finding(
    inspection: Inspection,
    *,
    unit_id,
    rule_id,
    notes: str,
    photos: list[bytes] = (),
    actor: User,
) -> Finding:
    """Record what the inspector saw: it opens a violation or re-inspects the open one."""
    association = db.session.get(Association, inspection.association_id)
    if inspection.status != "open":
        raise InvalidTransition(_("This inspection is closed; open a new one."))
    errors: dict[str, list[str]] = {}
    unit = db.session.get(Unit, unit_id) if isinstance(unit_id, int) else None
    if unit is None or unit.association_id != association.id:
        errors["unit_id"] = [_("Choose a unit of this association.")]
    try:
        rule = get_rule(association, rule_id)
    except ValidationError as error:
        errors.update(error.errors)
    if notes is not None and not isinstance(notes, str):
        errors["notes"] = [_("Write the notes as text.")]
        notes = ""
    notes = (notes or "").strip()
    if len(notes) > 4000:
        errors["notes"] = [_("Keep the notes under 4,000 characters.")]
    if errors:
        raise ValidationError(errors)
    observed = today(association)
    violation = open_violation_for(unit, rule)
    reinspection = violation is not None
    if violation is None:
        violation = Violation(
            association_id=association.id,
            unit_id=unit.id,
            rule_id=rule.id,
            status=ViolationStatus.OPEN.value,
            opened_on=observed,
            is_repeat=is_repeat(unit, rule, observed),
        )
        db.session.add(violation)
        db.session.flush()
    finding = Finding(
        inspection_id=inspection.id,
        notes=notes,
        observed_on=observed,
        reinspection=reinspection,
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    violation.findings.append(finding)
    db.session.flush()
    store_photos(photos, association_id=association.id, finding_id=finding.id)
    db.session.expire(finding, ["photos"])
    if reinspection:
        summary = _(
            "Re-inspected unit %(label)s for %(code)s: %(notes)s",
            label=unit.label,
            code=rule.code,
            notes=notes[:200],
        )
    else:
        summary = _(
            "Opened a violation of %(code)s at unit %(label)s%(repeat)s: %(notes)s",
            code=rule.code,
            label=unit.label,
            repeat=_(" (repeat offence)") if violation.is_repeat else "",
            notes=notes[:200],
        )
    record(
        violation,
        "violation.finding",
        summary,
        actor=actor,
        data={
            "finding_id": finding.id,
            "inspection_id": inspection.id,
            "photos": len(photos),
            "reinspection": reinspection,
        },
    )
    return finding
