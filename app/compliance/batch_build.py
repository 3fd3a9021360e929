"""Building a mailing batch: a plan, chunks that every worker takes, a merge in order."""

from __future__ import annotations

import io
import os
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from app.compliance.letter_models import BatchStatus, Letter, LetterBatch, LetterBatchChunk
from app.core import clock, jobs, pdf, storage
from app.delivery import services as delivery
from app.extensions import db


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


def _part_failed(batch_id: int, build: str, *args, error: str) -> None:
    """A chunk or the merge of the build under way gave up: the batch fails with its error."""
    batch = db.session.get(LetterBatch, batch_id)
    if batch is not None and batch.build == build:
        _batch_failed(batch_id, error=error)


def _part_retried(batch_id: int, build: str, *args) -> None:
    """Someone runs a failed chunk or merge again: the batch is planned and built afresh
    (the other chunks of that build stopped when it failed)."""
    batch = db.session.get(LetterBatch, batch_id)
    if batch is not None and batch.status == BatchStatus.FAILED and batch.build == build:
        _batch_reopened(batch_id)
        jobs.enqueue("compliance.build_batch", batch_id)


LETTERS = "letter"  # a chunk of issued letters; other chunks hold printed copies of a subject


def _plan(batch: LetterBatch, build: str) -> list[LetterBatchChunk]:
    """Cut the batch into chunks of at most LETTER_BATCH_CHUNK letters, then its printed
    copies (notices, ARC letters: same envelope, after the letters) likewise."""
    size = max(1, int(current_app.config.get("LETTER_BATCH_CHUNK", 50)))
    ids = db.session.scalars(
        select(Letter.id).where(Letter.batch_id == batch.id).order_by(Letter.id)
    ).all()
    slices = [
        (LETTERS, None, part[0], part[-1], len(part))
        for part in (ids[start : start + size] for start in range(0, len(ids), size))
    ]
    slices += delivery.batch_copy_slices(batch.id, size)
    return [
        LetterBatchChunk(
            batch_id=batch.id,
            build=build,
            position=position,
            subject_type=subject_type,
            subject_id=subject_id,
            first_id=first_id,
            last_id=last_id,
            size=count,
        )
        for position, (subject_type, subject_id, first_id, last_id, count) in enumerate(slices)
    ]


def _discard_files(batch_id: int, build: str | None = None) -> None:
    """Remove the chunk files of a batch's build (every build: None)."""
    for path in storage.batch_chunk_files(batch_id, build):
        path.unlink(missing_ok=True)


@jobs.job(
    "compliance.build_batch",
    max_attempts=3,
    backoff=(30, 300),
    on_give_up=_batch_failed,
    on_retry=_batch_reopened,
)
def build_batch(batch_id: int, *, inline: bool = False) -> None:
    """Plan the batch's build: its chunks go to the job runner, where every worker takes
    some, and the last one to finish hands the merge out. A batch of one chunk (or
    ``inline``: every chunk here, one after the other) is built at once by this job.

    Safe to run again after a crash: each run is a new build (a token on the batch and its
    chunks), and the work of an older build never counts; only a batch still running
    becomes done, so a batch reaches done once.
    """
    batch = db.session.get(LetterBatch, batch_id)
    if batch is None or batch.status not in (BatchStatus.QUEUED, BatchStatus.RUNNING):
        return  # done, cancelled or gone: nothing left to do
    build = secrets.token_hex(8)
    previous = batch.build
    db.session.execute(delete(LetterBatchChunk).where(LetterBatchChunk.batch_id == batch_id))
    chunks = _plan(batch, build)
    db.session.add_all(chunks)
    batch.status, batch.progress, batch.build = BatchStatus.RUNNING.value, 0, build
    batch.letter_count = sum(chunk.size for chunk in chunks if chunk.subject_type == LETTERS)
    db.session.flush()
    handed_out = len(chunks) > 1 and not inline
    if handed_out:
        jobs.enqueue_many(
            "compliance.build_batch_chunk", [(batch_id, build, chunk.id) for chunk in chunks]
        )
    # By id: another build of the batch may replace these chunks once this one commits
    # (the batch's own job, run by an eager runner at that commit); then they do nothing.
    chunk_ids = [chunk.id for chunk in chunks]
    db.session.commit()
    if previous:
        _discard_files(batch_id, previous)
    if handed_out:
        return
    try:
        for chunk_id in chunk_ids:
            _run_chunk(batch_id, build, chunk_id, merge_after=False)
        _merge(batch_id, build)
    except Exception as error:
        db.session.rollback()
        batch = _current(batch_id, build)
        if batch is not None:
            # Back in the queue for the runner's next attempt, with what went wrong.
            batch.status = BatchStatus.QUEUED.value
            _say_attempt_failed(batch, error)
            db.session.commit()
        raise


def _say_attempt_failed(batch: LetterBatch, error: BaseException) -> None:
    """Record on the batch what went wrong with an attempt the runner will repeat."""
    batch.error = _("Attempt failed, trying again: %(error)s", error=str(error))[:500]


def _current(batch_id: int, build: str) -> LetterBatch | None:
    """Return the batch if this build is the one under way, else None."""
    batch = db.session.get(LetterBatch, batch_id)
    if batch is None or batch.status != BatchStatus.RUNNING or batch.build != build:
        return None
    return batch


@jobs.job(
    "compliance.build_batch_chunk",
    max_attempts=3,
    backoff=(10, 60),
    on_give_up=_part_failed,
    on_retry=_part_retried,
)
def build_batch_chunk(batch_id: int, build: str, chunk_id: int) -> None:
    """Lay out one chunk of a batch into its own file; the last chunk hands out the merge.
    A batch cancelled, failed or planned again meanwhile: the chunk does nothing."""
    try:
        _run_chunk(batch_id, build, chunk_id)
    except Exception as error:
        db.session.rollback()
        batch = _current(batch_id, build)
        if batch is not None:  # the runner tries the chunk again; the batch says why
            _say_attempt_failed(batch, error)
            db.session.commit()
        raise


def _run_chunk(batch_id: int, build: str, chunk_id: int, *, merge_after: bool = True) -> None:
    chunk = db.session.get(LetterBatchChunk, chunk_id)
    if _current(batch_id, build) is None or chunk is None or chunk.build != build:
        db.session.rollback()
        _discard_files(batch_id, build)  # stopped: what its chunks wrote is of no use
        return
    if chunk.done_at is not None:
        return  # a second delivery of a chunk already done
    path = _write_chunk(chunk)
    db.session.rollback()  # the letters' bytes are not kept in the session
    if not _chunk_done(batch_id, build, chunk, path.name, merge_after=merge_after):
        path.unlink(missing_ok=True)


def _write_chunk(chunk: LetterBatchChunk):
    """Write the chunk's pages to a file of its own (a chunk's letters are all that is
    held in memory at once); return its path."""
    from pypdf import PdfReader, PdfWriter

    path = storage.batch_chunk_path(
        chunk.batch_id, chunk.build, chunk.position, secrets.token_hex(4)
    )
    writer = PdfWriter()
    if chunk.subject_type == LETTERS:
        pdfs = db.session.scalars(
            select(Letter.pdf)
            .where(
                Letter.batch_id == chunk.batch_id,
                Letter.id.between(chunk.first_id, chunk.last_id),
            )
            .order_by(Letter.id)
        )
    else:  # printed copies: notices and ARC letters, in print_batch's order
        copies = delivery.print_batch_slice(
            chunk.batch_id, chunk.subject_type, chunk.subject_id, chunk.first_id, chunk.last_id
        )
        pdfs = [copies] if copies else []
    for data in pdfs:
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    # Numbered and serialized here, in the chunk's own job: the merge only copies bytes.
    pdf.write_segment(buffer.getvalue(), path, chunk.position)
    return path


def _chunk_done(
    batch_id: int, build: str, chunk: LetterBatchChunk, name: str, *, merge_after: bool
) -> bool:
    """Record the chunk done and its letters in the batch's progress; the last chunk of the
    build hands out the merge (``merge_after``). Return False when it no longer counts."""
    marked = db.session.execute(
        update(LetterBatchChunk)
        .where(LetterBatchChunk.id == chunk.id, LetterBatchChunk.done_at.is_(None))
        .values(done_at=clock.now(), file=name)
        .execution_options(synchronize_session=False)
    )
    # The batch's row, updated by every finishing chunk, lets them finish one at a time, so
    # exactly one of them sees no chunk left.
    counted = db.session.execute(
        update(LetterBatch)
        .where(
            LetterBatch.id == batch_id,
            LetterBatch.build == build,
            LetterBatch.status == BatchStatus.RUNNING.value,
        )
        .values(
            progress=LetterBatch.progress + (chunk.size if chunk.subject_type == LETTERS else 0)
        )
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1 or counted.rowcount != 1:
        db.session.rollback()
        return False
    left = db.session.scalar(
        select(func.count(LetterBatchChunk.id)).where(
            LetterBatchChunk.batch_id == batch_id,
            LetterBatchChunk.build == build,
            LetterBatchChunk.done_at.is_(None),
        )
    )
    if left == 0 and merge_after:
        jobs.enqueue("compliance.merge_batch", batch_id, build)
    db.session.commit()
    return True


@jobs.job(
    "compliance.merge_batch",
    max_attempts=3,
    backoff=(10, 60),
    on_give_up=_part_failed,
    on_retry=_part_retried,
)
def merge_batch(batch_id: int, build: str) -> None:
    """Merge a build's chunk files, in order, into the batch's PDF; the batch is done."""
    _merge(batch_id, build)


def _merge(batch_id: int, build: str) -> None:
    if _current(batch_id, build) is None:
        db.session.rollback()
        _discard_files(batch_id, build)
        return
    chunks = db.session.scalars(
        select(LetterBatchChunk)
        .where(LetterBatchChunk.batch_id == batch_id, LetterBatchChunk.build == build)
        .order_by(LetterBatchChunk.position)
    ).all()
    if any(chunk.done_at is None for chunk in chunks):
        return  # not all there yet: the last chunk hands the merge out again
    target = storage.batch_path(batch_id)
    # A file of this run's own: a run taken over after a crash never shares one.
    temporary = target.with_name(f"{target.stem}.{secrets.token_hex(6)}.part")
    try:
        pdf.merge_segments([target.with_name(chunk.file) for chunk in chunks], temporary)
        result = db.session.execute(
            update(LetterBatch)
            .where(
                LetterBatch.id == batch_id,
                LetterBatch.build == build,
                LetterBatch.status == BatchStatus.RUNNING.value,
            )
            .values(
                status=BatchStatus.DONE.value,
                pdf_path=target.name,
                finished_at=clock.now(),
                error="",
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            db.session.rollback()
            return  # cancelled or planned again meanwhile
        os.replace(temporary, target)  # a half-written file never stands as the batch
        db.session.commit()
    finally:
        temporary.unlink(missing_ok=True)
    db.session.expire_all()
    _discard_files(batch_id, build)
