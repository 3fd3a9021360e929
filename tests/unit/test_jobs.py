"""The job runner: the Redis queue with a separate worker, and recovery after a crash."""

import os

import pytest
from sqlalchemy import select

from app.compliance import batches, ladder
from app.compliance.models import LetterBatch
from app.core import jobs
from app.extensions import db
from tests.unit.compliance_helpers import open_violation

# A Redis database of its own (TEST_REDIS_URL), so that runs side by side never share one.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


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
    jobs.run_worker(app, burst=True)
    db.session.expire_all()
    assert db.session.get(LetterBatch, batch.id).status == "done"
    assert queue.count == 0


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
