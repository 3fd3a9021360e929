"""Mailing batches: issued, unmailed letters merged into one PDF for the print house."""

from __future__ import annotations

import io
import os
import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.associations.models import Association
from app.auth.models import User
from app.compliance.letter_delivery import letters_mailed
from app.compliance.models import BatchStatus, Letter, LetterBatch
from app.compliance.profiles import profile_of
from app.core import audit, clock, jobs, storage
from app.core.errors import InvalidTransition, NotFound, ValidationError
from app.delivery import services as delivery
from app.extensions import db

OPEN_BATCH = (BatchStatus.QUEUED, BatchStatus.RUNNING, BatchStatus.DONE, BatchStatus.FAILED)


def _record(
    batch: LetterBatch, action: str, summary: str, *, actor: User | None, data=None
) -> None:
    audit.record(
        action,
        actor=actor,
        association_id=batch.association_id,
        subject_type="letter_batch",
        subject_id=batch.id,
        summary=summary,
        data=data,
    )


def create_batch(association: Association, *, actor: User) -> LetterBatch:
    """Take every issued letter that is neither mailed nor in an open batch; build in a job."""
    letters = list(
        db.session.scalars(
            select(Letter)
            .where(
                Letter.association_id == association.id,
                Letter.mailed_at.is_(None),
                Letter.batch_id.is_(None),
                Letter.voided_at.is_(None),
            )
            .order_by(Letter.id)
            .with_for_update()
        )
    )
    last = db.session.scalar(
        select(func.max(LetterBatch.number)).where(LetterBatch.association_id == association.id)
    )
    batch = LetterBatch(
        association_id=association.id,
        number=(last or 0) + 1,
        letter_count=len(letters),
        created_by_id=actor.id,
        created_at=clock.now(),
        status=BatchStatus.QUEUED.value if letters else BatchStatus.DONE.value,
        finished_at=None if letters else clock.now(),
    )
    db.session.add(batch)
    db.session.flush()
    for letter in letters:
        letter.batch_id = batch.id
    db.session.flush()
    copies = delivery.take_for_batch(association.id, batch.id)  # printed notices
    if copies and not letters:
        batch.status, batch.finished_at = BatchStatus.QUEUED.value, None
    _record(
        batch,
        "batch.created",
        _("Started a mailing batch of %(n)d letters", n=len(letters)),
        actor=actor,
        data={"letter_ids": [letter.id for letter in letters], "notice_copies": copies},
    )
    if letters or copies:
        jobs.enqueue("compliance.build_batch", batch.id)
    return batch


def _batch_failed(batch_id: int, *, error: str) -> None:
    """The job runner gave up on the batch: say so on the batch, with the last error."""
    batch = db.session.get(LetterBatch, batch_id)
    if batch is not None and batch.status in (BatchStatus.QUEUED, BatchStatus.RUNNING):
        batch.status, batch.error = BatchStatus.FAILED.value, error[:500]


def _batch_reopened(batch_id: int) -> None:
    """Someone runs the failed build again: the batch waits for it."""
    batch = db.session.get(LetterBatch, batch_id)
    if batch is not None and batch.status == BatchStatus.FAILED:
        batch.status, batch.error = BatchStatus.QUEUED.value, ""


@jobs.job(
    "compliance.build_batch",
    max_attempts=3,
    backoff=(30, 300),
    on_give_up=_batch_failed,
    on_retry=_batch_reopened,
)
def build_batch(batch_id: int) -> None:
    """Merge the batch's letters into one PDF; safe to run again after a crash.

    The job runner never runs it twice at once (its claim on the job), and only a batch
    still running becomes done, so a batch reaches done once.
    """
    from pypdf import PdfReader, PdfWriter

    batch = db.session.get(LetterBatch, batch_id)
    if batch is None or batch.status not in (BatchStatus.QUEUED, BatchStatus.RUNNING):
        return  # done, cancelled or gone: nothing left to do
    batch.status, batch.progress = BatchStatus.RUNNING.value, 0
    db.session.commit()
    target = storage.batch_path(batch_id)
    # A file of this run's own: a run taken over after a crash never shares one.
    temporary = target.with_name(f"{target.stem}.{secrets.token_hex(6)}.part")
    try:
        writer = PdfWriter()
        letters = db.session.scalars(
            select(Letter).where(Letter.batch_id == batch_id).order_by(Letter.id)
        ).all()
        for index, letter in enumerate(letters, start=1):
            for page in PdfReader(io.BytesIO(letter.pdf)).pages:
                writer.add_page(page)
            if index % 25 == 0 or index == len(letters):
                batch.progress = index
                db.session.commit()
        for copies in delivery.print_batch(batch_id):  # printed notices, same envelope
            for page in PdfReader(io.BytesIO(copies)).pages:
                writer.add_page(page)
        with open(temporary, "wb") as handle:
            writer.write(handle)
        db.session.refresh(batch)
        if batch.status != BatchStatus.RUNNING:
            return  # cancelled meanwhile, or a letter was voided: built again by a new run
        now_in = db.session.scalars(
            select(Letter.id).where(Letter.batch_id == batch_id).order_by(Letter.id)
        ).all()
        if list(now_in) != [letter.id for letter in letters]:
            return  # its letters changed meanwhile (a void): the run queued then builds it
        os.replace(temporary, target)  # a half-written file never stands as the batch
        batch.status, batch.pdf_path, batch.finished_at, batch.error = (
            BatchStatus.DONE.value,
            target.name,
            clock.now(),
            "",
        )
        batch.letter_count = len(letters)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        batch = db.session.get(LetterBatch, batch_id)
        if batch is not None and batch.status == BatchStatus.RUNNING:
            # Back in the queue for the runner's next attempt, with what went wrong.
            batch.status = BatchStatus.QUEUED.value
            batch.error = _("Attempt failed, trying again: %(error)s", error=str(error))[:500]
            db.session.commit()
        raise
    finally:
        temporary.unlink(missing_ok=True)


def get_batch(batch_id: int) -> LetterBatch:
    """Return a batch by id or raise NotFound."""
    batch = db.session.get(LetterBatch, batch_id)
    if batch is None:
        raise NotFound(_("No such mailing batch."))
    return batch


def _tracking(tracking_numbers: dict | None) -> dict[str, str]:
    return {str(k): str(v).strip() for k, v in (tracking_numbers or {}).items() if str(v).strip()}


def missing_tracking(batch: LetterBatch, tracking_numbers: dict | None) -> list[Letter]:
    """Return the batch's letters the profile sends by certified mail that have no number."""
    tracking = _tracking(tracking_numbers)
    association = db.session.get(Association, batch.association_id)
    profile = profile_of(association.compliance_profile)
    return [
        letter
        for letter in batch.letters
        if letter.kind in profile.certified_mail and str(letter.id) not in tracking
    ]


def confirm_batch(batch: LetterBatch, *, tracking_numbers: dict | None, actor: User) -> None:
    """Mark the batch's letters mailed; certified letters need their tracking numbers."""
    if batch.status != BatchStatus.DONE:
        raise InvalidTransition(
            _(
                "Only a finished batch can be confirmed; this one is %(status)s.",
                status=batch.status,
            )
        )
    tracking = _tracking(tracking_numbers)
    association = db.session.get(Association, batch.association_id)
    profile = profile_of(association.compliance_profile)
    missing = missing_tracking(batch, tracking_numbers)
    if missing:
        raise ValidationError(
            "tracking_numbers",
            _(
                "%(name)s requires certified mail for these letters; give their tracking "
                "numbers: %(letters)s.",
                name=profile.name,
                letters="; ".join(
                    _(
                        "unit %(unit)s, %(owners)s (letter %(id)d)",
                        unit=letter.violation.unit.label,
                        owners=letter.recipient.splitlines()[0] if letter.recipient else "—",
                        id=letter.id,
                    )
                    for letter in missing
                ),
            ),
        )
    unknown = sorted(set(tracking) - {str(letter.id) for letter in batch.letters})
    if unknown:
        raise ValidationError(
            "tracking_numbers", _("Letters %(ids)s are not in this batch.", ids=", ".join(unknown))
        )
    now = clock.now()
    for letter in batch.letters:
        letter.mailed_at = now
        letter.tracking_number = tracking.get(str(letter.id))
    batch.status, batch.mailed_at = BatchStatus.MAILED.value, now
    letters_mailed([letter.id for letter in batch.letters], now)
    delivery.batch_mailed(batch.id, now)
    _record(
        batch,
        "batch.mailed",
        _("Confirmed the mailing of %(n)d letters", n=len(batch.letters)),
        actor=actor,
        data={"tracking_numbers": tracking},
    )


def cancel_batch(batch: LetterBatch, *, actor: User) -> None:
    """Cancel a batch that is not mailed; its letters can go into a new one."""
    if batch.status not in OPEN_BATCH:
        raise InvalidTransition(_("A %(status)s batch cannot be cancelled.", status=batch.status))
    for letter in list(batch.letters):
        letter.batch_id = None
    delivery.batch_released(batch.id)
    batch.status = BatchStatus.CANCELLED.value
    _record(batch, "batch.cancelled", _("Cancelled the mailing batch"), actor=actor)
