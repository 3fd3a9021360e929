"""Printed copies and the mailing batch: paper deliveries taken into a batch, printed by
their subject kind (whole or in slices), and ``mailed`` when the batch is confirmed (Civil
Code 4050(b): complete on deposit in the mail), released, or withdrawn."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update

from app.delivery.models import Delivery, Method, Status
from app.delivery.subjects import _KINDS, PrintedLetter
from app.extensions import db


def take_for_batch(association_id: int, batch_id: int) -> int:
    """Put every printed copy waiting for the mail into a batch; return how many.

    Letters print their own PDFs; this takes the copies of subjects that registered a
    printer (notices)."""
    printed = [name for name, kind in _KINDS.items() if kind.print_copies is not None]
    if not printed:
        return 0
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.association_id == association_id,
            Delivery.method == Method.MAIL,
            Delivery.status == Status.QUEUED,
            Delivery.batch_id.is_(None),
            Delivery.subject_type.in_(printed),
        )
        .values(batch_id=batch_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def count_in_batch(batch_id: int) -> int:
    """Return how many printed copies a batch holds."""
    return (
        db.session.scalar(select(func.count(Delivery.id)).where(Delivery.batch_id == batch_id)) or 0
    )


def print_batch(batch_id: int) -> list[bytes]:
    """Return the PDFs of a batch's printed copies, one per subject, in a stable order."""
    rows = db.session.scalars(
        select(Delivery)
        .where(Delivery.batch_id == batch_id)
        .order_by(Delivery.subject_type, Delivery.subject_id, Delivery.id)
    ).all()
    pdfs = []
    groups: dict[tuple[str, int], list[Delivery]] = {}
    for row in rows:
        groups.setdefault((row.subject_type, row.subject_id), []).append(row)
    for (subject_type, _subject_id), group in groups.items():
        kind = _KINDS.get(subject_type)
        if kind is not None and kind.print_copies is not None:
            pdfs.append(kind.print_copies(group))
    return pdfs


def _subjects_in_batch(batch_id: int) -> dict[str, list[int]]:
    """The subjects a batch holds printed copies of: {subject type: [subject ids]}."""
    rows = db.session.execute(
        select(Delivery.subject_type, Delivery.subject_id)
        .where(Delivery.batch_id == batch_id)
        .distinct()
    ).all()
    ids: dict[str, list[int]] = {}
    for subject_type, subject_id in rows:
        ids.setdefault(subject_type, []).append(subject_id)
    return ids


def printed_letters(batch_id: int) -> list[PrintedLetter]:
    """Return the letters among a batch's printed copies (each once), by letter number."""
    found = []
    for subject_type, subject_ids in _subjects_in_batch(batch_id).items():
        kind = _KINDS.get(subject_type)
        if kind is not None and kind.letters is not None:
            found += kind.letters(sorted(subject_ids))
    return sorted(found, key=lambda letter: letter.id)


def letters_tracked(batch_id: int, tracking: dict[int, str]) -> None:
    """The batch's printed letters were mailed: keep the tracking numbers given for them."""
    for subject_type, subject_ids in _subjects_in_batch(batch_id).items():
        numbers = {i: tracking[i] for i in subject_ids if i in tracking}
        kind = _KINDS.get(subject_type)
        if numbers and kind is not None and kind.tracked is not None:
            kind.tracked(numbers)


def batch_copy_slices(batch_id: int, size: int) -> list[tuple[str, int, int, int, int]]:
    """Return a batch's printed copies cut into slices of at most ``size`` deliveries, in
    the order ``print_batch`` prints them: (subject_type, subject_id, first delivery id,
    last delivery id, count). Each slice lies within one subject."""
    rows = db.session.execute(
        select(Delivery.subject_type, Delivery.subject_id, Delivery.id)
        .where(Delivery.batch_id == batch_id)
        .order_by(Delivery.subject_type, Delivery.subject_id, Delivery.id)
    ).all()
    slices: list[tuple[str, int, int, int, int]] = []
    for subject_type, subject_id, delivery_id in rows:
        kind = _KINDS.get(subject_type)
        if kind is None or kind.print_copies is None:
            continue
        last = slices[-1] if slices else None
        if last and last[:2] == (subject_type, subject_id) and last[4] < size:
            slices[-1] = (subject_type, subject_id, last[2], delivery_id, last[4] + 1)
        else:
            slices.append((subject_type, subject_id, delivery_id, delivery_id, 1))
    return slices


def print_batch_slice(
    batch_id: int, subject_type: str, subject_id: int, first_id: int, last_id: int
) -> bytes | None:
    """Return the PDF of one slice of a batch's printed copies (see ``batch_copy_slices``)."""
    kind = _KINDS.get(subject_type)
    rows = db.session.scalars(
        select(Delivery)
        .where(
            Delivery.batch_id == batch_id,
            Delivery.subject_type == subject_type,
            Delivery.subject_id == subject_id,
            Delivery.id.between(first_id, last_id),
        )
        .order_by(Delivery.id)
    ).all()
    if not rows or kind is None or kind.print_copies is None:
        return None
    return kind.print_copies(list(rows))


def batch_mailed(batch_id: int, at: datetime) -> int:
    """The batch went into the mail: its copies are ``mailed`` at that moment (4050(b))."""
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.batch_id == batch_id, Delivery.status == Status.QUEUED)
        .values(status=Status.MAILED, sent_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def batch_released(batch_id: int) -> None:
    """The batch was cancelled: its copies wait for the next one."""
    db.session.execute(
        update(Delivery)
        .where(Delivery.batch_id == batch_id, Delivery.status == Status.QUEUED)
        .values(batch_id=None)
        .execution_options(synchronize_session=False)
    )


def mailed(subject_type: str, subject_ids: Iterable[int], at: datetime) -> int:
    """Subjects that print themselves (letters) were mailed: their mail deliveries are."""
    ids = list(subject_ids)
    if not ids:
        return 0
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.subject_type == subject_type,
            Delivery.subject_id.in_(ids),
            Delivery.method == Method.MAIL,
            Delivery.status == Status.QUEUED,
        )
        .values(status=Status.MAILED, sent_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def withdrawn(subject_type: str, subject_id: int, reason: str) -> int:
    """A subject was withdrawn before it went out (a voided letter): what still waits to be
    mailed or e-mailed never goes; those deliveries fail with the reason."""
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.subject_type == subject_type,
            Delivery.subject_id == subject_id,
            Delivery.status == Status.QUEUED,
        )
        .values(status=Status.FAILED, batch_id=None, error=reason[:500])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
