"""The job runner: the Redis queue with a separate worker, and recovery after a crash."""

import os
import signal

import pytest
from sqlalchemy import select

from app.compliance import batches, ladder
from app.compliance.letter_models import LetterBatch
from app.core import jobs
from app.extensions import db
from tests.redis_db import redis_url
from tests.unit.compliance_helpers import open_violation

# A Redis database of its own (TEST_REDIS_URL), so that runs side by side never share one;
# under pytest-xdist one per worker (tests/redis_db.py).
REDIS_URL = redis_url()


def _redis_or_skip():
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisDown:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis must run on CI (127.0.0.1:6379)")
        pytest.skip("Redis is not running")
    connection.flushdb()
    return connection


def test_batches_go_through_the_redis_queue_to_a_worker(world, app, monkeypatch):
    _redis_or_skip()
    monkeypatch.setitem(app.config, "JOBS_MODE", "redis")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    ladder.issue_letter(open_violation(world), "violation", actor=world.manager)
    db.session.commit()
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    from redis import Redis
    from rq import Queue

    queue = Queue(jobs.QUEUE_NAME, connection=Redis.from_url(REDIS_URL))
    assert queue.count == 1
    db.session.refresh(batch)
    assert batch.status == "queued"  # nothing runs in the web process
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    jobs.run_worker(app, burst=True)
    db.session.expire_all()
    assert db.session.get(LetterBatch, batch.id).status == "done"
    assert queue.count == 0
    # RQ's warm-shutdown handlers went with the worker: Ctrl-C and SIGTERM act as before.
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_worker_start_recovers_a_batch_left_running(world, app, monkeypatch):
    _redis_or_skip()
    monkeypatch.setitem(app.config, "JOBS_MODE", "redis")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setattr(jobs, "dispatch", lambda *args: None)  # the enqueue is lost
    ladder.issue_letter(open_violation(world), "violation", actor=world.manager)
    batch = batches.create_batch(world.a, actor=world.manager)
    batch.status = "running"  # a worker died while building it
    db.session.commit()
    monkeypatch.undo()
    monkeypatch.setitem(app.config, "JOBS_MODE", "redis")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    jobs.run_worker(app, burst=True)
    db.session.expire_all()
    done = db.session.scalars(select(LetterBatch)).one()
    assert done.status == "done" and done.letter_count == 1


def test_recover_command_restarts_unfinished_jobs(world, app, runner, monkeypatch):
    monkeypatch.setattr(jobs, "dispatch", lambda *args: None)
    ladder.issue_letter(open_violation(world), "violation", actor=world.manager)
    batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    monkeypatch.undo()
    result = runner.invoke(args=["jobs", "recover"])
    assert result.exit_code == 0 and "Restarted 1 unfinished job(s)." in result.output
    db.session.expire_all()
    assert db.session.scalars(select(LetterBatch)).one().status == "done"


def test_worker_needs_redis_url(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "Set REDIS_URL" in result.output


# --- D9: a job runs once; issue 9: failed jobs are visible and retried ---------------------

CALLS: list[int] = []


@jobs.job(
    "tests.flaky", max_attempts=3, backoff=(10, 20), on_give_up=lambda n, error: CALLS.append(-n)
)
def flaky(n: int) -> None:
    CALLS.append(n)
    raise RuntimeError(f"attempt {len(CALLS)} broke")


@jobs.job("tests.works")
def works(n: int) -> None:
    CALLS.append(n)


def _only_job(name: str) -> jobs.Job:
    db.session.expire_all()
    return db.session.scalars(select(jobs.Job).where(jobs.Job.name == name)).one()


def test_a_failed_job_is_kept_and_retried_with_a_growing_delay(app):
    """Issue 9: the runner no longer swallows errors; failures are recorded and retried."""
    from datetime import timedelta

    from app.core import clock

    CALLS.clear()
    clock.freeze(clock.now())
    jobs.enqueue("tests.flaky", 7)
    db.session.commit()  # eager: the first attempt runs now
    row = _only_job("tests.flaky")
    assert CALLS == [7]
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error == "RuntimeError: attempt 1 broke"
    assert row.run_after == clock.now() + timedelta(seconds=10)
    assert jobs.run_due(app) == 0  # not due yet
    clock.advance(timedelta(seconds=10))
    assert jobs.run_due(app) == 1
    row = _only_job("tests.flaky")
    assert (row.status, row.attempts) == ("queued", 2)
    assert row.run_after == clock.now() + timedelta(seconds=20)  # the delay grows
    clock.advance(timedelta(seconds=20))
    jobs.run_due(app)
    row = _only_job("tests.flaky")
    assert (row.status, row.attempts, row.last_error) == (
        "failed",
        3,
        "RuntimeError: attempt 3 broke",
    )
    assert CALLS == [7, 7, 7, -7]  # three attempts, then the give-up hook, once
    clock.advance(timedelta(days=1))
    assert jobs.run_due(app) == 0  # a failed job stays failed until someone retries it


def test_jobs_list_shows_failed_jobs_and_retry_runs_them_again(app, runner):
    CALLS.clear()
    from datetime import timedelta

    from app.core import clock

    clock.freeze(clock.now())
    jobs.enqueue("tests.flaky", 3)
    db.session.commit()
    for _ in range(2):
        clock.advance(timedelta(seconds=30))
        jobs.run_due(app)
    row = _only_job("tests.flaky")
    assert row.status == "failed"
    listing = runner.invoke(args=["jobs", "list", "--status", "failed"])
    assert listing.exit_code == 0
    assert f"{row.id}" in listing.output and "tests.flaky" in listing.output
    assert "RuntimeError: attempt 3 broke" in listing.output
    again = runner.invoke(args=["jobs", "retry", str(row.id)])
    assert again.exit_code == 0, again.output
    assert _only_job("tests.flaky").attempts == 1  # ran again from the first attempt
    assert CALLS[-1] == 3


def test_d9_a_job_handed_out_twice_runs_once(app):
    CALLS.clear()
    from unittest.mock import patch

    with patch.object(jobs, "dispatch", lambda *args: None):
        row = jobs.enqueue("tests.works", 1)
        db.session.commit()
    assert jobs.execute(app, row.id) == "done"
    assert jobs.execute(app, row.id) == "skipped"
    assert CALLS == [1]


def _running_as_another_worker(app, job_id: int, *, lease_seconds: int = 60) -> None:
    """Mark a job as claimed by a live worker elsewhere (its lease renewed)."""
    from datetime import timedelta

    from app.core import clock

    row = db.session.get(jobs.Job, job_id)
    row.status, row.attempts, row.claim = "running", 1, "worker-1"
    row.lease_until = clock.now() + timedelta(seconds=lease_seconds)
    db.session.commit()


def test_d9_a_second_worker_started_mid_batch_leaves_the_running_batch_alone(
    world, app, monkeypatch
):
    """D9: `flask jobs worker` started while another worker builds a batch takes nothing."""
    from datetime import timedelta

    from app.core import clock

    _redis_or_skip()
    monkeypatch.setitem(app.config, "JOBS_MODE", "redis")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    clock.freeze(clock.now())
    ladder.issue_letter(open_violation(world), "violation", actor=world.manager)
    with monkeypatch.context() as m:
        m.setattr(jobs, "dispatch", lambda *args: None)
        batch = batches.create_batch(world.a, actor=world.manager)
        batch.status = "running"  # worker 1 is building it
        db.session.commit()
    job = _only_job("compliance.build_batch")
    _running_as_another_worker(app, job.id)
    jobs.run_worker(app, burst=True)  # worker 2 starts
    db.session.expire_all()
    assert db.session.get(LetterBatch, batch.id).status == "running"
    untouched = _only_job("compliance.build_batch")
    assert (untouched.status, untouched.claim, untouched.attempts) == ("running", "worker-1", 1)
    # Worker 1 dies: its lease is not renewed; the next worker to start finishes the batch.
    clock.advance(timedelta(seconds=61))
    jobs.run_worker(app, burst=True)
    db.session.expire_all()
    done = db.session.get(LetterBatch, batch.id)
    assert (done.status, done.letter_count, done.error) == ("done", 1, "")
    finished = _only_job("compliance.build_batch")
    assert (finished.status, finished.attempts) == ("done", 2)


def test_d9_the_sweep_hands_an_abandoned_job_to_a_new_worker(world, app, monkeypatch):
    from datetime import timedelta

    from app.core import clock

    clock.freeze(clock.now())
    ladder.issue_letter(open_violation(world), "violation", actor=world.manager)
    with monkeypatch.context() as m:
        m.setattr(jobs, "dispatch", lambda *args: None)
        batch = batches.create_batch(world.a, actor=world.manager)
        db.session.commit()
    job = _only_job("compliance.build_batch")
    _running_as_another_worker(app, job.id)
    assert jobs.run_due(app) == 0  # alive: left alone
    clock.advance(timedelta(seconds=61))
    assert jobs.run_due(app) == 1
    db.session.expire_all()
    assert db.session.get(LetterBatch, batch.id).status == "done"


def test_under_rq_a_failed_attempt_is_in_rqs_failed_registry(app, monkeypatch):
    """Issue 9: RQ records failed jobs (the runner raises again inside the worker)."""
    _redis_or_skip()
    from redis import Redis
    from rq import Queue
    from rq.registry import FailedJobRegistry

    CALLS.clear()
    monkeypatch.setitem(app.config, "JOBS_MODE", "redis")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    jobs.enqueue("tests.flaky", 5)
    db.session.commit()
    jobs.run_worker(app, burst=True)
    queue = Queue(jobs.QUEUE_NAME, connection=Redis.from_url(REDIS_URL))
    assert FailedJobRegistry(queue=queue).count == 1
    row = _only_job("tests.flaky")
    assert (row.status, row.attempts) == ("queued", 1)


def test_a_batch_the_runner_gave_up_on_says_why_and_can_be_run_again(world, app, monkeypatch):
    from datetime import timedelta

    import pypdf

    from app.core import clock

    clock.freeze(clock.now())
    ladder.issue_letter(open_violation(world), "violation", actor=world.manager)
    db.session.commit()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(pypdf, "PdfWriter", broken)
        batch = batches.create_batch(world.a, actor=world.manager)
        db.session.commit()  # the first try, at once
        db.session.expire_all()
        assert db.session.get(LetterBatch, batch.id).status == "queued"
        assert "disk full" in db.session.get(LetterBatch, batch.id).error
        for delay in (30, 300):
            clock.advance(timedelta(seconds=delay))
            jobs.run_due(app)
    db.session.expire_all()
    failed = db.session.get(LetterBatch, batch.id)
    assert failed.status == "failed" and "OSError: disk full" in failed.error
    job = _only_job("compliance.build_batch")
    assert (job.status, job.attempts) == ("failed", 3)
    jobs.retry(job)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(LetterBatch, batch.id).status == "done"


def test_a_failed_mail_job_run_again_from_the_jobs_page_sends_the_message(
    world, app, client, monkeypatch
):
    from datetime import timedelta

    from app.core import clock, mail, outbox
    from tests.conftest import login

    clock.freeze(clock.now())

    def refuse(message):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(mail, "transmit", refuse)
    outbox.queue_mail("x@example.com", "Hello", "Body", association_id=world.a.id)
    db.session.commit()
    for delay in outbox.MAIL_BACKOFF:
        clock.advance(timedelta(seconds=delay))
        jobs.run_due(app)
    job = _only_job("core.send_mail")
    assert job.status == "failed"
    monkeypatch.undo()
    login(client, world.admin)
    page = client.get("/jobs").get_data(as_text=True)
    assert "Connection refused" in page and "Run again" in page
    assert client.post(f"/jobs/{job.id}/retry").status_code == 302
    db.session.expire_all()
    (message,) = db.session.scalars(select(outbox.OutgoingMessage)).all()
    assert message.status == "sent"


def test_the_daily_run_forgets_old_finished_jobs_and_sessions(world, app, runner):
    from datetime import timedelta

    from app.auth import sessions
    from app.auth.models import UserSession
    from app.core import clock

    clock.freeze(clock.now())
    CALLS.clear()
    jobs.enqueue("tests.works", 1)  # done at once
    jobs.enqueue("tests.flaky", 2)  # will fail
    db.session.commit()
    for delay in (10, 20):
        clock.advance(timedelta(seconds=delay))
        jobs.run_due(app)
    sessions.start(world.owner, remember=True, address="10.0.0.1", user_agent="x")
    row = db.session.scalars(select(UserSession)).one()
    sessions.end(row, "signed out")
    db.session.commit()
    clock.advance(timedelta(days=31))
    result = runner.invoke(args=["jobs", "daily"])
    assert "ran forget_finished_jobs" in result.output
    assert "ran forget_old_sessions" in result.output
    db.session.expire_all()
    left = db.session.scalars(select(jobs.Job.name)).all()
    assert left == ["tests.flaky"]  # a failed job stays until someone deals with it
    assert db.session.scalars(select(UserSession)).all() == []
