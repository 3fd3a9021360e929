"""The owner's home: open violations with the next deadline and what to do now, and the
owner's letters."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth import policies
from app.compliance.letter_models import Letter
from app.compliance.letters import KIND_TITLES
from app.compliance.models import Violation
from app.compliance.services import today
from app.core import formatting
from app.extensions import db
from app.home.registry import Item, Section, section

OPEN = ("open", "noticed", "hearing_scheduled", "fined")


def _next_step(violation: Violation, association) -> tuple[str, bool]:
    """Say in plain words what comes next and by when."""
    now = today(association)
    if violation.hearing is not None and violation.status == "hearing_scheduled":
        return (
            _(
                "A hearing is set for %(when)s at %(where)s. You may attend and speak, or "
                "answer in writing before then.",
                when=formatting.long_datetime(
                    violation.hearing.scheduled_at, association.time_zone
                ),
                where=violation.hearing.location,
            ),
            True,
        )
    if violation.status == "fined":
        return _("The board imposed a fine. Contact the office with any question."), False
    if violation.cure_by is not None:
        days = (violation.cure_by - now).days
        when = formatting.long_date(violation.cure_by)
        if days < 0:
            return (
                _(
                    "Please correct it; the deadline was %(date)s. Tell us once it is done.",
                    date=when,
                ),
                True,
            )
        return (
            _("Please correct it by %(date)s, or tell us if you already have.", date=when),
            days <= 7,
        )
    return _("We noted this; a letter will follow if anything is needed."), False


@section("violations")
def open_violations(user, association) -> Section | None:
    """Violations on the owner's units that are still open."""
    ids = policies.owned_unit_ids(user, association.id)
    if not ids:
        return None
    rows = db.session.scalars(
        select(Violation)
        .where(Violation.unit_id.in_(ids), Violation.status.in_(OPEN))
        .order_by(Violation.cure_by.is_(None), Violation.cure_by, Violation.id)
    ).all()
    items = []
    for violation in rows:
        detail, urgent = _next_step(violation, association)
        url = url_for("portal.violation", aid=association.id, violation_id=violation.id)
        items.append(
            Item(
                _("%(rule)s at %(unit)s", rule=violation.rule.title, unit=violation.unit.label),
                url=url,
                detail=detail,
                urgent=urgent,
                action=(_("Answer or ask for a hearing"), url),
            )
        )
    return Section(items=items, attention=len(items))


@section("letters")
def my_letters(user, association) -> Section | None:
    """The letters sent about the owner's units, newest first."""
    ids = policies.owned_unit_ids(user, association.id)
    if not ids:
        return None
    letters = db.session.scalars(
        select(Letter)
        .join(Violation, Violation.id == Letter.violation_id)
        .where(Violation.unit_id.in_(ids))
        .order_by(Letter.issued_at.desc())
        .limit(10)
    ).all()
    items = [
        Item(
            str(KIND_TITLES.get(letter.kind, letter.kind)),
            url=url_for("portal.violation", aid=association.id, violation_id=letter.violation_id),
            detail=_("Sent %(date)s", date=formatting.long_date(letter.issued_on)),
        )
        for letter in letters
    ]
    return Section(items=items) if items else None
