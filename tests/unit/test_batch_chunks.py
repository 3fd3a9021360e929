"""Mailing batches built in chunks: every worker takes some, merged in the letters' order."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from datetime import timedelta

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
from sqlalchemy import select

from app.compliance import batch_build, batches
from app.compliance.letter_models import Letter, LetterBatch, LetterBatchChunk
from app.core import clock, jobs, storage
from app.extensions import db
from tests.unit.compliance_helpers import open_violation


def _text_pdf(*pages: str) -> bytes:
    """A PDF whose pages say the given words (Helvetica), to read the merge's order back."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for words in pages:
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 24 Tf 72 700 Td ({words}) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _letters(world, count: int) -> list[Letter]:
    """Issued letters with pages saying "Letter i page p" (every third has two pages)."""
    violation = open_violation(world)
    rows = []
    for index in range(1, count + 1):
        pages = [f"Letter {index} page {p}" for p in range(1, 3 if index % 3 == 0 else 2)]
        pdf = _text_pdf(*pages)
        rows.append(
            Letter(
                association_id=world.a.id,
                violation_id=violation.id,
                kind="courtesy",
                issued_on=clock.today(),
                issued_at=clock.now(),
                recipient="Olivia Owner\n12 Oak Lane",
                pdf=pdf,
                sha256=hashlib.sha256(pdf).hexdigest(),
                page_count=len(pages),
            )
        )
    db.session.add_all(rows)
    db.session.commit()
    return rows


def _expected(letters: list[Letter]) -> list[str]:
    return [
        f"Letter {index} page {p}"
        for index, letter in enumerate(letters, start=1)
        for p in range(1, letter.page_count + 1)
    ]


def _merged_pages(batch_id: int) -> list[str]:
    reader = PdfReader(storage.batch_path(batch_id))
    return [page.extract_text().strip() for page in reader.pages]


def _jobs(name: str) -> list[jobs.Job]:
    return list(db.session.scalars(select(jobs.Job).where(jobs.Job.name == name)))


@pytest.fixture
def chunked(app, monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_BATCH_CHUNK", 2)
    return app


def test_a_batch_is_built_in_chunks_merged_in_the_letters_order(world, chunked):
    letters = _letters(world, 7)
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()  # eager runner: the plan, four chunks, then the merge
    db.session.expire_all()
    batch = db.session.get(LetterBatch, batch.id)
    assert (batch.status, batch.progress, batch.letter_count) == ("done", 7, 7)
    assert _merged_pages(batch.id) == _expected(letters)
    chunks = db.session.scalars(
        select(LetterBatchChunk).where(LetterBatchChunk.batch_id == batch.id)
    ).all()
    assert [c.size for c in sorted(chunks, key=lambda c: c.position)] == [2, 2, 2, 1]
    assert all(c.done_at is not None and c.build == batch.build for c in chunks)
    assert [j.status for j in _jobs("compliance.build_batch_chunk")] == ["done"] * 4
    assert [j.status for j in _jobs("compliance.merge_batch")] == ["done"]
    # The chunk files are gone once merged; only the batch's PDF stays.
    assert storage.batch_chunk_files(batch.id) == []


def test_each_chunk_is_written_to_disk_and_holds_only_its_own_letters(world, chunked, monkeypatch):
    letters = _letters(world, 6)
    import pypdf

    from app.core import pdf

    pages_per_writer: dict[int, int] = {}
    real_add = pypdf.PdfWriter.add_page

    def counting_add(self, page, *args, **kwargs):
        pages_per_writer[id(self)] = pages_per_writer.get(id(self), 0) + 1
        return real_add(self, page, *args, **kwargs)

    merged_from = []
    real_merge = pdf.merge_segments

    def spying_merge(paths, target):
        import json

        files = []
        for path in paths:
            with path.open("rb") as part:
                files.append((path.name, json.loads(part.readline())["pages"]))
        merged_from.append(files)
        return real_merge(paths, target)

    monkeypatch.setattr(pypdf.PdfWriter, "add_page", counting_add)
    monkeypatch.setattr(pdf, "merge_segments", spying_merge)
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(LetterBatch, batch.id).status == "done"
    # Three files on disk, one a chunk, each with its two letters' pages (3 of 6 have two),
    # numbered and serialized by its own job: the merge copies their bytes.
    (files,) = merged_from
    assert [pages for _name, pages in files] == [2, 3, 3]
    assert all(name.startswith(f"batch-{batch.id}-") for name, _pages in files)
    # No writer ever held more than one chunk's pages.
    assert max(pages_per_writer.values()) == 3
    assert _merged_pages(batch.id) == _expected(letters)


def test_progress_counts_the_letters_of_finished_chunks(world, chunked, monkeypatch):
    _letters(world, 5)
    monkeypatch.setattr(jobs, "dispatch", lambda *args, **kwargs: None)  # run them by hand
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    (plan,) = _jobs("compliance.build_batch")
    assert jobs.execute(chunked, plan.id) == "done"
    chunk_jobs = sorted(_jobs("compliance.build_batch_chunk"), key=lambda j: j.id)
    assert len(chunk_jobs) == 3
    seen = []
    for job_row in chunk_jobs:
        assert jobs.execute(chunked, job_row.id) == "done"
        db.session.expire_all()
        current = db.session.get(LetterBatch, batch.id)
        seen.append((current.status, current.progress, len(_jobs("compliance.merge_batch"))))
    assert seen == [("running", 2, 0), ("running", 4, 0), ("running", 5, 1)]
    (merge,) = _jobs("compliance.merge_batch")
    assert jobs.execute(chunked, merge.id) == "done"
    db.session.expire_all()
    assert db.session.get(LetterBatch, batch.id).status == "done"


def test_cancelling_mid_way_stops_the_remaining_chunks(world, chunked, monkeypatch):
    _letters(world, 6)
    monkeypatch.setattr(jobs, "dispatch", lambda *args, **kwargs: None)
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    (plan,) = _jobs("compliance.build_batch")
    jobs.execute(chunked, plan.id)
    first, *rest = sorted(_jobs("compliance.build_batch_chunk"), key=lambda j: j.id)
    jobs.execute(chunked, first.id)
    assert len(storage.batch_chunk_files(batch.id)) == 1
    batch = db.session.get(LetterBatch, batch.id)
    batches.cancel_batch(batch, actor=world.manager)
    db.session.commit()
    for job_row in rest:
        assert jobs.execute(chunked, job_row.id) == "done"
    db.session.expire_all()
    cancelled = db.session.get(LetterBatch, batch.id)
    assert (cancelled.status, cancelled.progress, cancelled.pdf_path) == ("cancelled", 2, None)
    chunks = db.session.scalars(
        select(LetterBatchChunk).where(LetterBatchChunk.batch_id == batch.id)
    ).all()
    assert sum(c.done_at is not None for c in chunks) == 1  # the others did nothing
    assert _jobs("compliance.merge_batch") == []
    assert storage.batch_chunk_files(batch.id) == []  # what was written is removed
    again = batches.create_batch(world.a, actor=world.manager)
    assert again.letter_count == 6  # its letters are free for a new batch


def test_a_failed_chunk_is_retried_by_the_runner_and_the_batch_finishes(
    world, chunked, monkeypatch
):
    letters = _letters(world, 5)
    clock.freeze(clock.now())
    real_write = batch_build._write_chunk
    failures = {"left": 1}

    def flaky_write(chunk):
        if chunk.position == 1 and failures["left"]:
            failures["left"] -= 1
            raise OSError("disk full")
        return real_write(chunk)

    monkeypatch.setattr(batch_build, "_write_chunk", flaky_write)
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    db.session.expire_all()
    waiting = db.session.get(LetterBatch, batch.id)
    assert waiting.status == "running" and "disk full" in waiting.error
    assert waiting.progress == 3  # the other chunks are done
    (retry,) = [j for j in _jobs("compliance.build_batch_chunk") if j.status == "queued"]
    assert retry.attempts == 1 and "OSError: disk full" in retry.last_error
    clock.advance(timedelta(seconds=10))
    jobs.run_due(chunked)
    db.session.expire_all()
    done = db.session.get(LetterBatch, batch.id)
    assert (done.status, done.progress, done.error) == ("done", 5, "")
    assert _merged_pages(batch.id) == _expected(letters)


def test_a_chunk_that_gives_up_fails_the_batch_and_running_it_again_rebuilds(
    world, chunked, monkeypatch
):
    letters = _letters(world, 4)
    clock.freeze(clock.now())
    real_write = batch_build._write_chunk

    def broken_write(chunk):
        if chunk.position == 0:
            raise OSError("disk full")
        return real_write(chunk)

    with monkeypatch.context() as m:
        m.setattr(batch_build, "_write_chunk", broken_write)
        batch = batches.create_batch(world.a, actor=world.manager)
        db.session.commit()
        for delay in (10, 60):
            clock.advance(timedelta(seconds=delay))
            jobs.run_due(chunked)
    db.session.expire_all()
    failed = db.session.get(LetterBatch, batch.id)
    assert failed.status == "failed" and "OSError: disk full" in failed.error
    failed_build = failed.build
    (gave_up,) = [j for j in _jobs("compliance.build_batch_chunk") if j.status == "failed"]
    assert gave_up.attempts == 3
    assert _jobs("compliance.merge_batch") == []
    jobs.retry(gave_up)  # from the jobs page: the batch is planned and built again
    db.session.commit()
    db.session.expire_all()
    done = db.session.get(LetterBatch, batch.id)
    assert (done.status, done.error) == ("done", "")
    assert done.build != failed_build
    assert _merged_pages(batch.id) == _expected(letters)


def test_printed_notice_copies_follow_the_letters_in_their_own_chunks(world, chunked, app):
    from app.delivery import services as delivery
    from app.notices.writing import create_notice

    delivery.set_preferences(world.owner, delivery="mail")
    letters = _letters(world, 3)
    create_notice(
        world.a,
        title="Pool opening",
        body="The pool opens on Saturday.",
        audience="all",
        delivery_kind="individual",
        actor=world.manager,
    )
    db.session.commit()
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    db.session.expire_all()
    batch = db.session.get(LetterBatch, batch.id)
    assert batch.status == "done" and delivery.count_in_batch(batch.id) >= 1
    pages = _merged_pages(batch.id)
    assert pages[:4] == _expected(letters)
    assert pages[4:] and all("Pool opening" in page for page in pages[4:])
    chunks = db.session.scalars(
        select(LetterBatchChunk)
        .where(LetterBatchChunk.batch_id == batch.id)
        .order_by(LetterBatchChunk.position)
    ).all()
    assert [c.subject_type for c in chunks] == ["letter", "letter", "notice"]


def test_a_void_mid_build_plans_the_batch_again_without_the_letter(world, chunked, monkeypatch):
    letters = _letters(world, 5)
    monkeypatch.setattr(jobs, "dispatch", lambda *args, **kwargs: None)
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    (plan,) = _jobs("compliance.build_batch")
    jobs.execute(chunked, plan.id)
    old = sorted(_jobs("compliance.build_batch_chunk"), key=lambda j: j.id)
    jobs.execute(chunked, old[0].id)
    from app.compliance import voids

    voids.void_letter(letters[3], reason="Wrong unit", actor=world.manager)
    db.session.commit()
    for job_row in old[1:]:
        jobs.execute(chunked, job_row.id)  # the old build's chunks do nothing now
    for _ in range(3):  # the new plan, its chunks, its merge
        for job_id in jobs.due_jobs(chunked, everything=True):
            jobs.execute(chunked, job_id)
    db.session.expire_all()
    done = db.session.get(LetterBatch, batch.id)
    assert (done.status, done.letter_count, done.progress) == ("done", 4, 4)
    kept = [letter for index, letter in enumerate(letters) if index != 3]
    expected = [
        f"Letter {letters.index(letter) + 1} page {p}"
        for letter in kept
        for p in range(1, letter.page_count + 1)
    ]
    assert _merged_pages(batch.id) == expected


# --- through Redis: real RQ workers on a queue of this test's own ---------------------------

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_rq_workers_build_the_chunks_and_merge_them(world, chunked, monkeypatch):
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(REDIS_URL).ping()
    except RedisDown:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis must run on CI (127.0.0.1:6379)")
        pytest.skip("Redis is not running")
    queue = f"test-batches-{secrets.token_hex(4)}"
    monkeypatch.setitem(chunked.config, "JOBS_MODE", "redis")
    monkeypatch.setitem(chunked.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(chunked.config, "JOBS_QUEUE", queue)
    letters = _letters(world, 5)
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    from rq import Queue

    rq_queue = Queue(queue, connection=Redis.from_url(REDIS_URL))
    assert rq_queue.count == 1  # the plan; nothing ran in this process
    jobs.run_worker(chunked, burst=True)  # plan, 3 chunks, merge: all through the queue
    db.session.expire_all()
    done = db.session.get(LetterBatch, batch.id)
    assert (done.status, done.progress) == ("done", 5)
    assert _merged_pages(batch.id) == _expected(letters)
    assert rq_queue.count == 0
    rq_queue.delete(delete_jobs=True)
