"""Deciding an architectural request: the proposed decision before its reviewing body, the
decision and its letter, and the approvals deemed when a request is not decided in time."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.arc import policies
from app.arc.models import ArcRequest, ArcSettings, ArcStatus, Decision, status_words
from app.arc.profiles import arc_profile
from app.arc.services import TEXT_MAX, clean_text, today
from app.associations.models import Association
from app.auth.models import User
from app.core import audit, clock
from app.core.errors import Conflict, NotAllowed, ValidationError
from app.extensions import db


def decision_words(code: str | None) -> str:
    """Return a decision in words ("approved with conditions"), not its stored code."""
    words = {
        "approved": _("approved"),
        "approved_with_conditions": _("approved with conditions"),
        "denied": _("denied"),
    }
    return words.get(code or "", code or "")


def propose_decision(request: ArcRequest, *, decision, reasons=None, conditions=None, actor: User):
    """Put the proposed decision to the committee (or the board) through the engine."""
    from app.approvals import services as approvals

    if not policies.can_review(actor, request.association_id):
        raise NotAllowed(_("Only the manager or the architectural committee proposes a decision."))
    if request.status != ArcStatus.SUBMITTED:
        raise Conflict(
            _(
                "This request is %(s)s; only an undecided request is decided.",
                s=status_words(request.status),
            )
        )
    if request.proposed is not None:
        raise Conflict(_("A decision on this request is already before its reviewing body."))
    errors: dict[str, list[str]] = {}
    if decision not in {d.value for d in Decision}:
        errors["decision"] = [_("Choose approved, approved_with_conditions or denied.")]
    reasons = clean_text(errors, "reasons", reasons, TEXT_MAX, required=False)
    conditions = clean_text(errors, "conditions", conditions, TEXT_MAX, required=False)
    profile = arc_profile(request.association.compliance_profile)
    if decision == Decision.DENIED and not reasons and "reasons" not in errors:
        errors["reasons"] = [str(profile.denial_reasons_rule)]
    if (
        decision == Decision.APPROVED_WITH_CONDITIONS
        and not conditions
        and "conditions" not in errors
    ):
        errors["conditions"] = [_("State the conditions of the approval.")]
    if errors:
        raise ValidationError(errors)
    request.proposed = decision
    request.proposed_reasons = reasons
    request.proposed_conditions = (
        conditions if decision == Decision.APPROVED_WITH_CONDITIONS else ""
    )
    db.session.flush()
    approval = approvals.open_request("arc_request", request, actor=actor)
    audit.record(
        "arc.proposed",
        actor=actor,
        association_id=request.association_id,
        subject_type="arc_request",
        subject_id=request.id,
        summary=_(
            "Proposed “%(decision)s” on “%(title)s”",
            decision=decision_words(decision),
            title=request.title,
        ),
        data={"approval_id": approval.id, "decision": decision},
    )
    return approval


def decide(request: ArcRequest, *, deemed: bool = False, actor: User | None) -> None:
    """Make the proposed (or deemed) decision the request's, and issue its letter."""
    from app.arc import letters

    if deemed:
        request.decision = Decision.APPROVED.value
        request.reasons = request.conditions = ""
    else:
        request.decision = request.proposed
        request.reasons = request.proposed_reasons
        request.conditions = request.proposed_conditions
    request.status = request.decision
    request.deemed = deemed
    request.decided_at = clock.now()
    request.proposed = None
    db.session.flush()
    letter = letters.issue(request, "decision")
    audit.record(
        "arc.decided",
        actor=actor,
        association_id=request.association_id,
        subject_type="arc_request",
        subject_id=request.id,
        summary=_(
            "“%(title)s”: %(decision)s%(deemed)s",
            title=request.title,
            decision=decision_words(request.decision),
            deemed=_(" (deemed approved: not decided in time)") if deemed else "",
        ),
        data={"decision": request.decision, "letter_id": letter.id, "deemed": deemed},
    )


def due_soon_condition(day: date, within_days: int = 7):
    """The SQL condition of an undecided request due within ``within_days`` of ``day``."""
    return (ArcRequest.status == ArcStatus.SUBMITTED) & (
        ArcRequest.decide_by <= day + timedelta(days=within_days)
    )


def apply_deemed_approvals() -> int:
    """Deem approved every undecided request past its decide_by in associations that say
    so; a decision still before its deciders is withdrawn from them first."""
    from app.approvals import services as approvals

    count = 0
    rows = db.session.execute(
        select(ArcRequest, Association)
        .join(Association, Association.id == ArcRequest.association_id)
        .join(ArcSettings, ArcSettings.association_id == ArcRequest.association_id)
        .where(ArcSettings.deemed_approved.is_(True), ArcRequest.status == ArcStatus.SUBMITTED)
    ).all()
    for request, association in rows:
        if request.decide_by >= today(association):
            continue
        if request.proposed is not None and request.approval_id:
            approvals.withdraw_by_rule(
                request.approval_id,
                reason=_(
                    "Deemed approved: not decided by %(date)s.", date=request.decide_by.isoformat()
                ),
            )
        decide(request, deemed=True, actor=None)
        count += 1
    return count
