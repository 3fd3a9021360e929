"""Mailing batches: issued, unmailed letters merged into one PDF for the print house.

This module starts a batch, finds it and cancels it; ``batch_build`` lays it out in chunks
and merges them, ``batch_mailing`` confirms its mailing with the tracking numbers.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.associations.models import Association
from app.auth.models import User
from app.compliance import batch_build  # noqa: F401  (registers the jobs create_batch enqueues)
from app.compliance.letter_models import BatchStatus, Letter, LetterBatch
from app.core import audit, clock, jobs
from app.core.errors import InvalidTransition, NotFound
from app.delivery import services as delivery
from app.extensions import db

OPEN_BATCH = (BatchStatus.QUEUED, BatchStatus.RUNNING, BatchStatus.DONE, BatchStatus.FAILED)


def record_event(
    batch: LetterBatch, action: str, summary: str, *, actor: User | None, data=None
) -> None:
    """Write an entry of the batch's audit trail."""
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
    # The letters are taken by their ids (locked, so that a second batch started at the same
    # moment waits and finds none), then moved into the batch by one UPDATE: no Letter row
    # is loaded, whatever the batch's size.
    waiting = (
        Letter.association_id == association.id,
        Letter.mailed_at.is_(None),
        Letter.batch_id.is_(None),
        Letter.voided_at.is_(None),
    )
    letter_ids = list(
        db.session.scalars(select(Letter.id).where(*waiting).order_by(Letter.id).with_for_update())
    )
    last = db.session.scalar(
        select(func.max(LetterBatch.number)).where(LetterBatch.association_id == association.id)
    )
    batch = LetterBatch(
        association_id=association.id,
        number=(last or 0) + 1,
        letter_count=len(letter_ids),
        created_by_id=actor.id,
        created_at=clock.now(),
        status=BatchStatus.QUEUED.value if letter_ids else BatchStatus.DONE.value,
        finished_at=None if letter_ids else clock.now(),
    )
    db.session.add(batch)
    db.session.flush()
    for start in range(0, len(letter_ids), 1000):  # exactly the letters taken
        db.session.execute(
            update(Letter)
            .where(Letter.id.in_(letter_ids[start : start + 1000]))
            .values(batch_id=batch.id)
            .execution_options(synchronize_session="fetch")
        )
    copies = delivery.take_for_batch(association.id, batch.id)  # printed notices
    if copies and not letter_ids:
        batch.status, batch.finished_at = BatchStatus.QUEUED.value, None
    record_event(
        batch,
        "batch.created",
        _("Started a mailing batch of %(n)d letters", n=len(letter_ids)),
        actor=actor,
        data={"letter_ids": letter_ids, "notice_copies": copies},
    )
    if letter_ids or copies:
        jobs.enqueue("compliance.build_batch", batch.id)
    return batch


def get_batch(batch_id: int) -> LetterBatch:
    """Return a batch by id or raise NotFound."""
    batch = db.session.get(LetterBatch, batch_id)
    if batch is None:
        raise NotFound(_("No such mailing batch."))
    return batch


def cancel_batch(batch: LetterBatch, *, actor: User) -> None:
    """Cancel a batch that is not mailed; its letters can go into a new one."""
    if batch.status not in OPEN_BATCH:
        raise InvalidTransition(_("A %(status)s batch cannot be cancelled.", status=batch.status))
    for letter in list(batch.letters):
        letter.batch_id = None
    delivery.batch_released(batch.id)
    batch.status = BatchStatus.CANCELLED.value
    record_event(batch, "batch.cancelled", _("Cancelled the mailing batch"), actor=actor)
