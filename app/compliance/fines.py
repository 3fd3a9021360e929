"""Fines on the ladder: proposing one to the board after the hearing, the statute's caps and
the governing documents' raised ones, settling, withdrawing, and the decision letter's due date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.approvals import services as approvals
from app.approvals import venues
from app.approvals.models import ApprovalStatus
from app.auth.models import User
from app.compliance import hooks
from app.compliance.hearings import hearing_held
from app.compliance.letter_models import LetterKind
from app.compliance.models import Fine, FineStatus, Violation, ViolationStatus
from app.compliance.profiles import (
    AGGREGATE,
    PER_VIOLATION,
    check_fine_amount,
    effective_cap,
    profile_of,
    raised_caps,
    refuse,
)
from app.compliance.services import record, today
from app.core import clock, formatting
from app.core.errors import InvalidTransition, ValidationError
from app.core.parsing import parse_amount
from app.extensions import db

# Fines that count against a cap: levied or about to be; not rejected, withdrawn or waived.
COUNTED_FINES = (FineStatus.PENDING_APPROVAL, FineStatus.APPROVED, FineStatus.PAID)


def check_fine(violation: Violation) -> None:
    """Refuse a fine proposal the ladder does not allow now (409 naming the rule and date)."""
    association = violation.association
    profile = profile_of(association.compliance_profile)
    now = today(association)
    if violation.status == ViolationStatus.CLOSED:
        raise refuse(_("The violation is closed; it cannot be fined."))
    if violation.status == ViolationStatus.FINED:
        raise refuse(_("The board already fined this violation after its hearing."))
    if violation.letter(LetterKind.VIOLATION) is None:
        raise refuse(_("No fine before a notice of violation has been issued."))
    if violation.status == ViolationStatus.CURED:
        if profile.no_fine_after_cure:
            raise refuse(
                _(
                    "%(name)s forbids fining a violation cured before the hearing (%(citation)s).",
                    name=profile.name,
                    citation=profile.citation,
                )
            )
        if violation.cured_on and violation.cure_by and violation.cured_on <= violation.cure_by:
            raise refuse(_("The violation was cured by its deadline; it cannot be fined."))
    if violation.hearing is None:
        raise refuse(_("No fine before a hearing: schedule the hearing first."))
    if not hearing_held(violation):
        held_on = (
            clock.as_utc(violation.hearing.scheduled_at)
            .astimezone(clock.zone(association.time_zone))
            .date()
        )
        raise refuse(
            _(
                "No fine before the hearing has been held and recorded as held by the "
                "manager or the secretary (it is set for %(when)s).",
                when=formatting.long_datetime(
                    violation.hearing.scheduled_at, association.time_zone
                ),
            ),
            held_on,
        )
    if violation.cure_by is None or now <= violation.cure_by:
        raise refuse(
            _("The cure deadline has not passed yet."),
            violation.cure_by + timedelta(days=1) if violation.cure_by else None,
        )
    if any(f.status == FineStatus.PENDING_APPROVAL for f in violation.fines):
        raise refuse(_("A fine for this violation is already before the board."))
    if profile.fining_committee_min and (
        venues.venue_for_new(association, "fine") == venues.COMMITTEE
    ):
        members = committee_ids(association.id)
        if len(members) < profile.fining_committee_min:
            raise refuse(
                _(
                    "%(rule)s The association has %(n)d; appoint members with the role "
                    "committee first.",
                    rule=profile.fining_committee_rule,
                    n=len(members),
                )
            )


def propose_fine(
    violation: Violation, *, amount, reason: str, health_safety_finding: bool, actor: User
) -> Fine:
    """Propose a fine to the board, once notice, hearing and missed cure allow it."""
    check_fine(violation)
    profile = profile_of(violation.association.compliance_profile)
    amount = parse_amount(amount, "amount")
    if amount <= 0:
        raise ValidationError("amount", _("Enter an amount greater than zero."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", _("Give the reason the owner will read."))
    check_fine_amount(
        profile,
        amount,
        health_safety=bool(health_safety_finding),
        fined_on_violation=sum(
            (f.amount for f in violation.fines if f.status in COUNTED_FINES), Decimal(0)
        ),
        fined_on_unit=fined_on_unit(violation.unit_id),
        raised=raised_caps(violation.association),
    )
    fine = Fine(
        amount=amount,
        reason=reason,
        health_safety_finding=bool(health_safety_finding),
        status=FineStatus.PENDING_APPROVAL.value,
        proposed_at=clock.now(),
    )
    violation.fines.append(fine)
    db.session.flush()
    record(
        violation,
        "fine.proposed",
        _(
            "Proposed a fine of %(amount)s for %(code)s at unit %(label)s",
            amount=formatting.money(amount),
            code=violation.rule.code,
            label=violation.unit.label,
        ),
        actor=actor,
        data={
            "fine_id": fine.id,
            "amount": str(amount),
            "health_safety_finding": bool(health_safety_finding),
        },
    )
    request = approvals.open_request("fine", fine, actor=actor)
    hooks.fine_opened(fine, request, actor)
    return fine


def committee_ids(association_id: int) -> set[int]:
    """Return the members of the association's fining committee (role ``committee``)."""
    from app.auth.models import Membership

    return set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.association_id == association_id, Membership.role == "committee"
            )
        )
    )


def cap_note(fine: Fine) -> str | None:
    """Say when a fine goes beyond the statute's cap because the governing documents allow
    more (the association's setting), else None."""
    violation = fine.violation
    profile = profile_of(violation.association.compliance_profile)
    raised = raised_caps(violation.association)
    on_violation = sum(
        (f.amount for f in violation.fines if f.status in COUNTED_FINES and f.id <= fine.id),
        Decimal(0),
    )
    notes = []
    for cap in profile.fine_caps:
        limit = effective_cap(cap, raised)
        total = on_violation if cap.scope == PER_VIOLATION else fined_on_unit(violation.unit_id)
        if limit != cap.amount and total > cap.amount:
            notes.append(
                _(
                    "Above the %(statute)s %(scope)s of %(citation)s: the governing documents "
                    "allow %(cap)s (association setting).",
                    statute=formatting.money(cap.amount),
                    scope=_("per violation") if cap.scope == PER_VIOLATION else _("in all"),
                    citation=cap.citation,
                    cap=formatting.money(limit),
                )
            )
    return " ".join(notes) or None


def set_fine_caps(association, changes: dict, *, actor: User) -> None:
    """Record the caps the governing documents set (admin), where the statute yields to
    them; 422 naming the field elsewhere or for an amount that is not money."""
    profile = profile_of(association.compliance_profile)
    for field, scope in (
        ("fine_cap_per_violation", PER_VIOLATION),
        ("fine_cap_aggregate", AGGREGATE),
    ):
        if field not in changes:
            continue
        raw = changes[field]
        cap = profile.cap(scope)
        if raw is not None and (cap is None or not cap.documents_may_raise):
            raise ValidationError(
                field,
                _(
                    "%(name)s has no cap of this kind that the governing documents may raise.",
                    name=profile.name,
                ),
            )
        amount = None if raw is None else parse_amount(raw, field)
        if amount is not None and amount <= 0:
            raise ValidationError(field, _("Enter an amount greater than zero."))
        if getattr(association, field) != amount:
            setattr(association, field, amount)
            from app.core import audit

            audit.record(
                "association.fine_cap",
                actor=actor,
                association_id=association.id,
                subject_type="association",
                subject_id=association.id,
                summary=_(
                    "Set the fine cap of the governing documents (%(scope)s) to %(amount)s",
                    scope=scope.replace("_", " "),
                    amount=formatting.money(amount) if amount is not None else _("the statute's"),
                ),
                data={field: str(amount) if amount is not None else None},
            )


def fined_on_unit(unit_id: int) -> Decimal:
    """Return what the unit's violations are fined in all (approved, paid or pending)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Fine.amount), 0))
        .join(Violation, Fine.violation_id == Violation.id)
        .where(Violation.unit_id == unit_id, Fine.status.in_(COUNTED_FINES))
    )
    return Decimal(total)


def withdraw_pending_fines(violation: Violation, *, actor: User) -> int:
    """Withdraw the fines still before the board; return how many."""
    count = 0
    for fine in violation.fines:
        if fine.status == FineStatus.PENDING_APPROVAL and fine.approval_id:
            request = approvals.get_request(fine.approval_id)
            if request.status == ApprovalStatus.PENDING:
                approvals.withdraw_request(request.id, actor=actor)
                count += 1
    return count


def settle_fine(fine: Fine, status: str, *, actor: User) -> Fine:
    """Record that an approved fine was paid or waived."""
    if status not in (FineStatus.PAID, FineStatus.WAIVED):
        raise ValidationError("status", _("Choose paid or waived."))
    if fine.status != FineStatus.APPROVED:
        raise InvalidTransition(
            _(
                "Only an approved fine can be paid or waived; this one is %(status)s.",
                status=fine.status.replace("_", " "),
            )
        )
    fine.status = status
    record(
        fine.violation,
        f"fine.{status}",
        _(
            "Recorded the fine of %(amount)s as %(status)s",
            amount=formatting.money(fine.amount),
            status=status,
        ),
        actor=actor,
        data={"fine_id": fine.id},
    )
    return fine


def decision_letter_due(violation: Violation) -> date | None:
    """Return the date by which the written decision must reach the owner (CA: 15 days)."""
    profile = profile_of(violation.association.compliance_profile)
    if not profile.decision_letter_days:
        return None
    for fine in violation.fines:
        if fine.decided_at and fine.status in (FineStatus.APPROVED, FineStatus.REJECTED):
            decided = (
                clock.as_utc(fine.decided_at)
                .astimezone(clock.zone(violation.association.time_zone))
                .date()
            )
            return decided + timedelta(days=profile.decision_letter_days)
    return None
