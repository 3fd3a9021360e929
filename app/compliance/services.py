"""What every compliance service uses (today in the association, the violation's audit entry)
and violations: their lookup, the fine their schedule proposes, the query of the lists.

Rules are in rules.py, inspections and findings in inspections.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import literal_column, select
from sqlalchemy.orm import immediateload, joinedload, selectinload

from app.associations.models import Association, Unit
from app.auth.models import User
from app.compliance.letter_models import Letter
from app.compliance.models import Photo, Violation, ViolationStatus
from app.core import audit, clock, storage
from app.core.errors import NotFound
from app.extensions import db

OPEN_STATUSES = (
    ViolationStatus.OPEN,
    ViolationStatus.NOTICED,
    ViolationStatus.HEARING_SCHEDULED,
    ViolationStatus.FINED,
)


def today(association: Association) -> date:
    """Return today's date in the association's time zone."""
    return clock.today(association.time_zone)


def record(
    violation: Violation, action: str, summary: str, *, actor: User | None, data: dict | None = None
) -> None:
    """Write an audit entry about a violation."""
    audit.record(
        action,
        actor=actor,
        association_id=violation.association_id,
        subject_type="violation",
        subject_id=violation.id,
        summary=summary,
        data=data,
    )


def get_violation(violation_id: int) -> Violation:
    """Return a violation by id or raise NotFound."""
    violation = db.session.get(Violation, violation_id)
    if violation is None:
        raise NotFound(_("No such violation."))
    return violation


def proposed_fine(violation: Violation) -> Decimal:
    """Return what the fine schedule proposes: first or repeat offence plus continuing days."""
    rule = violation.rule
    amount = (
        rule.repeat_fine_amount
        if violation.is_repeat and rule.repeat_fine_amount
        else rule.fine_amount
    )
    if rule.daily_fine_amount and violation.cure_by:
        days = (today(violation.association) - violation.cure_by).days
        days = max(0, min(days, rule.daily_fine_max_days or 0))
        amount += rule.daily_fine_amount * days
    return Decimal(amount)


def _by_unit(aid: int):
    """The association's violations joined to their units, to be sorted by unit label.

    The page walks the association's units in label order (their unique (association_id,
    label) index) and each unit's violations through ``unit_id``, instead of reading every
    violation of the association and sorting them (1.1 s a page at 80,000 violations).
    SQLite's planner prefers the violations' association index and a temporary B-tree to
    sort; the unary plus on that term is SQLite's documented way to keep a term from
    choosing the index (https://sqlite.org/optoverview.html#disqualifying_where_clause_terms_
    using_unary_), so the units lead. PostgreSQL plans the join from the units' index
    itself."""
    term = Violation.association_id == aid
    if db.session.get_bind().dialect.name == "sqlite":
        term = literal_column(f"+{Violation.__tablename__}.association_id") == aid
    return select(Violation).join(Violation.unit).where(Unit.association_id == aid, term)


def violation_query(
    aid: int,
    *,
    status=None,
    rule_id=None,
    unit_id=None,
    overdue=None,
    today: date,
    for_list: bool = False,
    by_unit: bool = False,
):
    """Return the violations of an association matching the filters.

    ``for_list`` loads only what the violations page shows (unit, rule, and the letters'
    ids to count them); otherwise every relation the API's violation carries. ``by_unit``
    joins the units to sort by their label.
    """
    if for_list:
        options = (
            selectinload(Violation.letters).load_only(Letter.id, Letter.voided_at),
            selectinload(Violation.rule),
            selectinload(Violation.unit),
        )
    else:
        # The one-to-one relations join the rows' query; the collections come in one
        # IN-query each (API lists: issue 14). The association is attached as the rows load
        # (from the session, no statement): the API dumps the page after its view returned,
        # when nothing else holds the association any more, and the fines' cap notes would
        # load it again.
        options = (
            selectinload(Violation.letters),
            selectinload(Violation.fines),
            selectinload(Violation.responses),
            joinedload(Violation.rule),
            joinedload(Violation.unit),
            joinedload(Violation.hearing),
            immediateload(Violation.association),
        )
    statement = select(Violation).where(Violation.association_id == aid).options(*options)
    if by_unit:
        statement = _by_unit(aid).options(*options)
    if status:
        statement = statement.where(Violation.status == status)
    if rule_id:
        statement = statement.where(Violation.rule_id == rule_id)
    if unit_id:
        statement = statement.where(Violation.unit_id == unit_id)
    if overdue:
        statement = statement.where(Violation.is_overdue(today))
    return statement


def store_photos(photos, *, association_id: int, **owner: int) -> None:
    """Store checked photos and their rows for one finding or answer (``finding_id=`` or
    ``response_id=``); a rollback removes the files again (core/storage.py)."""
    for data in photos:
        stored = storage.save_photo(data)
        db.session.add(
            Photo(
                association_id=association_id,
                stored_name=stored.stored_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                created_at=clock.now(),
                **owner,
            )
        )
    db.session.flush()
