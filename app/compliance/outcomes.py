"""How a violation ends, and how a mistaken ending is undone: cure, close, reopen."""

from __future__ import annotations

from flask_babel import gettext as _

from app.auth.models import User
from app.compliance.fines import withdraw_pending_fines
from app.compliance.letter_models import LetterKind
from app.compliance.models import FineStatus, Violation, ViolationStatus
from app.compliance.profiles import profile_of
from app.compliance.services import record, today
from app.core import clock
from app.core.errors import InvalidTransition, ValidationError
from app.core.inputs import too_long
from app.extensions import db


def cure_violation(violation: Violation, *, notes: str, actor: User) -> Violation:
    """Record that the owner cured the violation; withdraw fines the profile forbids now."""
    if violation.status in (ViolationStatus.CURED, ViolationStatus.CLOSED):
        raise InvalidTransition(_("This violation is already %(status)s.", status=violation.status))
    if not (notes or "").strip():
        raise ValidationError(
            "notes",
            _(
                "Say how the cure was verified (for example: re-inspected on May 3, the fence "
                "is repainted; photo taken)."
            ),
        )
    violation.status = ViolationStatus.CURED.value
    violation.cured_on = today(violation.association)
    violation.cure_notes = (notes or "").strip()
    db.session.flush()
    profile = profile_of(violation.association.compliance_profile)
    withdrawn = withdraw_pending_fines(violation, actor=actor) if profile.no_fine_after_cure else 0
    record(
        violation,
        "violation.cured",
        _(
            "Recorded the cure of %(code)s at unit %(label)s%(withdrawn)s",
            code=violation.rule.code,
            label=violation.unit.label,
            withdrawn=_(
                "; withdrew %(n)d pending fine(s) (%(profile)s forbids fining a cured violation)",
                n=withdrawn,
                profile=profile.name,
            )
            if withdrawn
            else "",
        ),
        actor=actor,
        data={"notes": violation.cure_notes, "withdrawn_fines": withdrawn},
    )
    return violation


def close_violation(violation: Violation, *, notes: str, actor: User) -> Violation:
    """Close a violation after a cure, a paid or waived fine, or as a dismissal."""
    if violation.status == ViolationStatus.CLOSED:
        raise InvalidTransition(_("This violation is already closed."))
    if violation.status == ViolationStatus.FINED:
        unsettled = [f for f in violation.fines if f.status == FineStatus.APPROVED]
        if unsettled:
            raise InvalidTransition(
                _("A fine of this violation is neither paid nor waived yet; record that first.")
            )
    notes = (notes or "").strip()
    dismissal = violation.status not in (ViolationStatus.CURED, ViolationStatus.FINED)
    if dismissal and not notes:
        raise ValidationError("notes", _("Say why the violation is dismissed."))
    if dismissal:
        withdraw_pending_fines(violation, actor=actor)
    violation.status = ViolationStatus.CLOSED.value
    violation.closed_at = clock.now()
    violation.closure_notes = notes
    record(
        violation,
        "violation.closed",
        _(
            "Closed the violation of %(code)s at unit %(label)s%(how)s",
            code=violation.rule.code,
            label=violation.unit.label,
            how=_(" (dismissed)") if dismissal else "",
        ),
        actor=actor,
        data={"notes": notes, "dismissal": dismissal},
    )
    return violation


REASON_MAX = 2000


def reopen_violation(violation: Violation, *, reason: str, actor: User) -> Violation:
    """Undo a mistaken cure or closure: the violation takes up the ladder where its letters,
    hearing and fines left it; what the cure or closure recorded stays in the audit log."""
    if violation.status not in (ViolationStatus.CURED, ViolationStatus.CLOSED):
        raise InvalidTransition(
            _(
                "Only a cured or closed violation can be reopened; this one is %(status)s.",
                status=violation.status,
            )
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", _("Say why the violation is reopened."))
    problem = too_long(reason, REASON_MAX)
    if problem:
        raise ValidationError("reason", problem)
    before = {
        "status": violation.status,
        "cured_on": violation.cured_on.isoformat() if violation.cured_on else None,
        "cure_notes": violation.cure_notes,
        "closure_notes": violation.closure_notes,
    }
    if any(f.status in (FineStatus.APPROVED, FineStatus.PAID) for f in violation.fines):
        status = ViolationStatus.FINED
    elif violation.hearing is not None and violation.letter(LetterKind.HEARING) is not None:
        status = ViolationStatus.HEARING_SCHEDULED
    elif violation.letter(LetterKind.VIOLATION) is not None:
        status = ViolationStatus.NOTICED
    else:
        status = ViolationStatus.OPEN
    violation.status = status.value
    violation.cured_on, violation.cure_notes = None, ""
    violation.closed_at, violation.closure_notes = None, ""
    db.session.flush()
    record(
        violation,
        "violation.reopened",
        _(
            "Reopened the violation of %(code)s at unit %(label)s (it is %(status)s again): "
            "%(reason)s",
            code=violation.rule.code,
            label=violation.unit.label,
            status=violation.status,
            reason=reason,
        ),
        actor=actor,
        data={"reason": reason, "before": before, "status": violation.status},
    )
    return violation
