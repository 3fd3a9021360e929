"""A contract over its life: active from its start date, renewed or expired by the calendar,
terminated early; the renewal radar and what to decide near the end."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Association
from app.auth.models import User
from app.core import audit, clock, formatting, jobs
from app.core.errors import InvalidTransition, ValidationError
from app.core.inputs import LONG_TEXT_MAX, too_long
from app.extensions import db
from app.vendors.models import Contract, ContractStatus, contract_status


def _record(contract: Contract, action: str, summary: str, *, actor, data=None) -> None:
    audit.record(
        action,
        actor=actor,
        association_id=contract.association_id,
        subject_type="contract",
        subject_id=contract.id,
        summary=summary,
        data=data,
    )


def today_for(association: Association) -> date:
    """Return today in the association's time zone."""
    return clock.today(association.time_zone)


def sync_contract(contract: Contract) -> Contract:
    """Apply what the calendar says: active from the start date, expired after the end date,
    or renewed for another term when it renews automatically."""
    today = today_for(contract.association)
    if contract.status == ContractStatus.APPROVED and contract.start_date <= today:
        contract.status = ContractStatus.ACTIVE.value
        _record(
            contract,
            "contract.activated",
            _(
                "“%(title)s” is active from %(date)s",
                title=contract.title,
                date=formatting.long_date(contract.start_date),
            ),
            actor=None,
        )
    while contract.status == ContractStatus.ACTIVE and contract.end_date < today:
        if contract.auto_renew:
            term = contract.end_date - contract.start_date
            contract.start_date = contract.end_date + timedelta(days=1)
            contract.end_date = contract.start_date + term
            contract.renewals += 1
            _record(
                contract,
                "contract.renewed",
                _(
                    "“%(title)s” renewed automatically until %(date)s",
                    title=contract.title,
                    date=formatting.long_date(contract.end_date),
                ),
                actor=None,
            )
        else:
            contract.status = ContractStatus.EXPIRED.value
            _record(
                contract,
                "contract.expired",
                _(
                    "“%(title)s” expired on %(date)s",
                    title=contract.title,
                    date=formatting.long_date(contract.end_date),
                ),
                actor=None,
            )
    return contract


@jobs.daily
def sync_contracts() -> None:
    """Activate, expire and renew contracts by the calendar (daily)."""
    sync_all()
    db.session.commit()


def sync_all(association_id: int | None = None) -> None:
    """Bring every approved or active contract up to date (the daily job; reads too)."""
    statement = select(Contract).where(Contract.status.in_(["approved", "active"]))
    if association_id is not None:
        statement = statement.where(Contract.association_id == association_id)
    for contract in db.session.scalars(statement):
        sync_contract(contract)


def terminate_contract(
    contract: Contract, *, reason: str, actor: User, effective: date | None = None
) -> Contract:
    """End an approved or active contract early, with a reason."""
    if contract.status not in (ContractStatus.APPROVED, ContractStatus.ACTIVE):
        raise InvalidTransition(
            _(
                "Only an approved or active contract can be terminated; this one is %(status)s.",
                status=contract_status(contract.status),
            )
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", _("Give the reason for terminating."))
    if message := too_long(reason, LONG_TEXT_MAX):
        raise ValidationError("reason", message)
    ended = effective or today_for(contract.association)
    contract.status = ContractStatus.TERMINATED.value
    contract.terminated_on = ended
    contract.termination_reason = reason
    _record(
        contract,
        "contract.terminated",
        _("Terminated “%(title)s”: %(reason)s", title=contract.title, reason=reason),
        actor=actor,
    )
    return contract


def expiring(association: Association, within_days: int) -> list[Contract]:
    """Contracts (approved or active) whose notice deadline or end date falls within N days."""
    today = today_for(association)
    horizon = today + timedelta(days=within_days)
    candidates = db.session.scalars(
        select(Contract).where(
            Contract.association_id == association.id,
            Contract.status.in_(["approved", "active"]),
            Contract.end_date >= today,
        )
    ).all()
    due = [
        c
        for c in candidates
        if today <= c.notice_deadline <= horizon or today <= c.end_date <= horizon
    ]
    return sorted(due, key=lambda c: min(d for d in (c.notice_deadline, c.end_date) if d >= today))


def decision_hint(contract: Contract, today: date) -> str:
    """Say what the manager must decide next about a contract near its end."""
    if contract.notice_deadline >= today:
        if contract.auto_renew:
            return _(
                "Renews automatically unless notice is given by %(date)s: renew, re-bid "
                "or terminate.",
                date=formatting.long_date(contract.notice_deadline),
            )
        return _(
            "Give notice by %(date)s if it is not to continue: renew, re-bid or let it end.",
            date=formatting.long_date(contract.notice_deadline),
        )
    return _("Ends on %(date)s: renew or re-bid now.", date=formatting.long_date(contract.end_date))
