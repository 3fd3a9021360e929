"""Voiding a mistaken letter: it stays on file unchanged, marked void with who, when and why.

A void letter leaves the owner's portal and any open mailing batch, and its step of the
ladder may be issued again; what issuing it set (the cure deadline, the "noticed" status,
the hearing it announced) falls back to what the remaining letters say. A mailed letter is
beyond recall: it cannot be voided.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.compliance.letter_models import BatchStatus, Letter, LetterBatch, LetterKind
from app.compliance.models import Violation, ViolationStatus
from app.compliance.profiles import refuse
from app.compliance.services import record
from app.core import clock, formatting, jobs
from app.core.errors import NotFound, ValidationError
from app.core.inputs import too_long
from app.extensions import db

# The ladder's order: a letter cannot be voided while a later step still stands on it.
ORDER = [
    LetterKind.COURTESY,
    LetterKind.VIOLATION,
    LetterKind.HEARING,
    LetterKind.FINE,
    LetterKind.CLOSURE,
]
REASON_MAX = 2000
# A batch not mailed nor cancelled: a voided letter is taken out of it and it is built again.
REBUILT = (BatchStatus.RUNNING, BatchStatus.DONE, BatchStatus.FAILED)


def get_letter(letter_id: int) -> Letter:
    """Return a letter by id or raise NotFound."""
    letter = db.session.get(Letter, letter_id)
    if letter is None:
        raise NotFound(_("No such letter."))
    return letter


def check_void(letter: Letter) -> None:
    """Refuse voiding a letter that was mailed, is void already, or that a later step needs."""
    if letter.void:
        raise refuse(
            _(
                "This letter was already voided on %(date)s.",
                date=formatting.long_date(letter.voided_at.date()),
            )
        )
    if letter.mailed_at is not None:
        raise refuse(
            _(
                "This letter was mailed on %(date)s; a mailed letter cannot be voided. Issue a "
                "correcting letter instead, or close the violation.",
                date=formatting.long_date(letter.mailed_at.date()),
            )
        )
    if letter.kind == LetterKind.CLOSURE:
        return
    rank = ORDER.index(LetterKind(letter.kind))
    later = [
        other
        for other in letter.violation.live_letters
        if other.id != letter.id
        and other.kind != LetterKind.CLOSURE
        and ORDER.index(LetterKind(other.kind)) > rank
    ]
    if later:
        from app.compliance.letters import KIND_TITLES

        raise refuse(
            _(
                "The %(later)s of %(date)s rests on this letter; void it first.",
                later=str(KIND_TITLES[later[-1].kind]).lower(),
                date=formatting.long_date(later[-1].issued_on),
            )
        )


def void_letter(letter: Letter, *, reason: str, actor: User) -> Letter:
    """Void a mistaken letter (see the module's description)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", _("Say why the letter is voided."))
    if too_long(reason, REASON_MAX):
        raise ValidationError(
            "reason", _("Keep the reason under %(n)s characters.", n=f"{REASON_MAX:,}")
        )
    check_void(letter)
    violation = letter.violation
    letter.voided_at, letter.voided_by_id, letter.void_reason = clock.now(), actor.id, reason
    batch_number = _leave_batch(letter)
    _undo_step(violation, letter)
    db.session.flush()
    from app.compliance.letter_delivery import letter_voided

    letter_voided(letter)
    record(
        violation,
        "letter.voided",
        _(
            "Voided the %(kind)s letter of %(date)s: %(reason)s",
            kind=letter.kind,
            date=formatting.long_date(letter.issued_on),
            reason=reason,
        ),
        actor=actor,
        data={
            "letter_id": letter.id,
            "sha256": letter.sha256,
            "reason": reason,
            "left_batch": batch_number,
            "status": violation.status,
            "cure_by": violation.cure_by.isoformat() if violation.cure_by else None,
        },
    )
    return letter


def _leave_batch(letter: Letter) -> int | None:
    """Take the letter out of its open batch; a built batch is built again without it."""
    batch = db.session.get(LetterBatch, letter.batch_id) if letter.batch_id else None
    if batch is None or batch.status in (BatchStatus.MAILED, BatchStatus.CANCELLED):
        return None
    letter.batch_id = None
    db.session.flush()
    batch.letter_count = len(
        db.session.scalars(select(Letter.id).where(Letter.batch_id == batch.id)).all()
    )
    if batch.status in REBUILT:
        batch.status, batch.progress, batch.finished_at, batch.error = (
            BatchStatus.QUEUED.value,
            0,
            None,
            "",
        )
        jobs.enqueue("compliance.build_batch", batch.id)
    return batch.number or batch.id


def _undo_step(violation: Violation, letter: Letter) -> None:
    """Fall back to what the violation's remaining letters say."""
    if letter.kind in (LetterKind.COURTESY, LetterKind.VIOLATION):
        standing = violation.letter(LetterKind.VIOLATION) or violation.letter(LetterKind.COURTESY)
        violation.cure_by = (
            standing.issued_on + timedelta(days=violation.rule.cure_days) if standing else None
        )
        if (
            violation.letter(LetterKind.VIOLATION) is None
            and violation.status == ViolationStatus.NOTICED
        ):
            violation.status = ViolationStatus.OPEN.value
    elif letter.kind == LetterKind.HEARING and violation.letter(LetterKind.HEARING) is None:
        # The hearing was never lawfully noticed: it is off until scheduled again.
        if violation.hearing is not None:
            db.session.delete(violation.hearing)
            violation.hearing = None
        if violation.status == ViolationStatus.HEARING_SCHEDULED:
            violation.status = ViolationStatus.NOTICED.value
