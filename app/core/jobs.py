"""The job runner: work off the request (letter batches, mail, later packets and imports).

Every job is a row of the ``jobs`` table, written in the transaction that asks for it, so a
job exists exactly when that transaction commits. The row is then handed to a runner:

- embedded default (no ``REDIS_URL``): a thread pool in the web process;
- with ``REDIS_URL``: an RQ queue, run by ``flask jobs worker`` processes;
- tests (``JOBS_MODE=eager``): at once, on another thread, before ``commit`` returns.

Whoever runs a job first *claims* its row (one conditional UPDATE), so a job runs once even
when it is handed out twice: a second worker, a re-queued message or ``flask jobs recover``
never take a job whose lease is alive. The worker running it renews the lease (a heartbeat);
when a worker dies the lease runs out and the next sweep hands the job out again.

A job that raises is retried after a growing delay (``backoff``) up to ``max_attempts``;
then it is ``failed``, with its error, and its ``on_give_up`` hook tells its subject (a mailing
batch, a message). Failed jobs are listed by ``flask jobs list`` and on the jobs page, and
can be retried. Under RQ the exception is raised again, so RQ's failed-job registry records
each failed attempt too.

The same rows are the scheduler: ``enqueue_at`` writes a job due later (a notice to publish
at 9:00). Under RQ it is handed to RQ's scheduler (``enqueue_at``; workers run with the
scheduler), in the embedded runner the sweeper thread hands it out once it is due (every
``JOBS_SWEEP_SECONDS``). The daily work (``@daily``) is one such job, ``core.daily``, which
schedules its next run when it starts, so no cron entry is needed; ``flask jobs daily`` runs
the same work by hand.
"""

from __future__ import annotations

import json
import secrets
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.core import clock, job_execution
from app.core.job_execution import _give_up, execute, run_job
from app.core.job_registry import (
    _REGISTRY,
    Job,
    JobSpec,
    JobStatus,
    daily,
    job,
    next_daily_run,
    run_daily,
)
from app.extensions import db

__all__ = [
    "Job",
    "JobSpec",
    "JobStatus",
    "daily",
    "execute",
    "job",
    "next_daily_run",
    "run_daily",
    "run_job",
]

QUEUE_NAME = "hoa"
_PENDING_KEY = "pending_jobs"


def ensure_daily() -> Job | None:
    """Schedule the next daily run unless one is waiting or running; return the new job."""
    waiting = db.session.scalar(
        select(Job.id).where(
            Job.name == "core.daily", Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])
        )
    )
    if waiting is not None:
        return None
    when = next_daily_run()
    return enqueue_at("core.daily", when, when.date().isoformat())


def _key(name: str, args: tuple) -> str:
    return json.dumps([name, *args], default=str)[:300]


# --- enqueueing ---------------------------------------------------------------------------


def enqueue(name: str, *args) -> Job:
    """Add a job to the current transaction; it is handed to the runner once that commits.

    The same work already waiting (same name and arguments, not yet started) is not added
    twice.
    """
    return enqueue_at(name, None, *args)


def enqueue_at(name: str, when: datetime | None, *args) -> Job:
    """Add a job due at ``when`` (None or a past moment: now) to the current transaction.

    Under RQ it goes to RQ's scheduler once the transaction commits; in the embedded runner
    the sweeper hands it out when it is due. The same work already waiting is not added
    twice (a second call moves it to the new time).
    """
    if name not in _REGISTRY:
        raise KeyError(f"unknown job {name!r}")
    key = _key(name, args)
    now = clock.now()
    run_after = max(clock.as_utc(when), now) if when is not None else now
    later = run_after > now
    app = current_app._get_current_object()
    waiting = db.session.scalar(
        select(Job).where(Job.key == key, Job.status == JobStatus.QUEUED, Job.attempts == 0)
    )
    if waiting is not None:
        if waiting.run_after != run_after:
            waiting.run_after = run_after
            waiting.dispatched_at = None if later and mode(app) != "redis" else now
            db.session.info.setdefault(_PENDING_KEY, []).append((app, waiting.id, run_after))
        return waiting
    row = Job(
        name=name,
        args=list(args),
        key=key,
        status=JobStatus.QUEUED,
        attempts=0,
        max_attempts=_REGISTRY[name].max_attempts,
        run_after=run_after,
        # A job due later is handed out by the sweeper when due (embedded runner) or is
        # with RQ's scheduler from now on.
        dispatched_at=None if later and mode(app) != "redis" else now,
        last_error="",
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append((app, row.id, run_after))
    return row


def enqueue_many(name: str, args_list: list[tuple]) -> list[int]:
    """Add many jobs of one kind at once (one multi-row insert); return their ids.

    Meant for new work that cannot be waiting already (a message per recipient), so no
    duplicate check is made.
    """
    if name not in _REGISTRY:
        raise KeyError(f"unknown job {name!r}")
    if not args_list:
        return []
    from sqlalchemy import insert

    now = clock.now()
    spec = _REGISTRY[name]
    rows = [
        {
            "name": name,
            "args": list(args),
            "key": _key(name, tuple(args)),
            "status": JobStatus.QUEUED,
            "attempts": 0,
            "max_attempts": spec.max_attempts,
            "run_after": now,
            "dispatched_at": now,
            "last_error": "",
            "created_at": now,
        }
        for args in args_list
    ]
    ids = list(
        db.session.scalars(insert(Job).returning(Job.id, sort_by_parameter_order=True), rows)
    )
    app = current_app._get_current_object()
    pending = db.session.info.setdefault(_PENDING_KEY, [])
    pending.extend((app, job_id, now) for job_id in ids)
    return ids


@event.listens_for(Session, "after_commit")
def _dispatch_committed(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, [])
    if not pending:
        return
    now = clock.now()
    due = [(app, job_id) for app, job_id, when in pending if when <= now]
    for app, job_id, when in pending:
        if when > now:
            try:
                dispatch(app, job_id, at=when)
            except Exception:  # the row is saved: the sweeper hands it out when due
                app.logger.exception("Could not schedule job %s", job_id)
    if len(due) > 1 and mode(due[0][0]) == "redis":
        try:
            _dispatch_many_redis(due[0][0], [job_id for _app, job_id in due])
            return
        except Exception:
            due[0][0].logger.exception("Could not hand %d jobs to RQ at once", len(due))
    for app, job_id in due:
        try:
            dispatch(app, job_id)
        except Exception as error:  # the row is saved: the next sweep or `jobs recover` runs it
            if isinstance(error, RuntimeError) and "shutdown" in str(error):
                # A CLI command (flask demo) is ending: the row waits for the next start.
                app.logger.info("Job %s waits for the next start of the runner", job_id)
            else:
                app.logger.exception("Could not hand job %s to the runner", job_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING_KEY, None)


def mode(app: Flask) -> str:
    """Return the runner in use: thread, redis or eager."""
    return app.config.get("JOBS_MODE") or ("redis" if app.config.get("REDIS_URL") else "thread")


def dispatch(app: Flask, job_id: int, *, at: datetime | None = None) -> None:
    """Hand a job to the configured runner now, or (``at``) to RQ's scheduler for later;
    handing it twice is harmless. The embedded runner's sweeper takes later jobs itself."""
    runner = mode(app)
    if at is not None and at > clock.now():
        if runner == "redis":
            _queue(app).enqueue_at(
                at,
                run_job,
                job_id,
                job_id=f"hoa-job-{job_id}-{secrets.token_hex(4)}",
                job_timeout=app.config.get("JOB_TIMEOUT", 1800),
                failure_ttl=7 * 24 * 3600,
            )
        elif runner == "thread":
            start_sweeper(app)
        return
    if runner == "redis":
        _queue(app).enqueue(
            run_job,
            job_id,
            job_id=f"hoa-job-{job_id}-{secrets.token_hex(4)}",
            job_timeout=app.config.get("JOB_TIMEOUT", 1800),
            failure_ttl=7 * 24 * 3600,
        )
    elif runner == "eager":
        # Tests: run on another thread (its own session) and wait for it.
        worker = threading.Thread(target=execute, args=(app, job_id))
        worker.start()
        worker.join()
    elif runner == "thread":
        _thread_pool(app).submit(execute, app, job_id)
    else:
        raise ValueError(f"JOBS_MODE must be thread, redis or eager, not {runner!r}")


def _dispatch_many_redis(app: Flask, job_ids: list[int]) -> None:
    """Hand many jobs to RQ in one pipeline (a notice's thousands of messages)."""
    from rq import Queue

    queue = _queue(app)
    timeout = app.config.get("JOB_TIMEOUT", 1800)
    for start in range(0, len(job_ids), 1000):
        with queue.connection.pipeline() as pipe:
            queue.enqueue_many(
                [
                    Queue.prepare_data(
                        run_job,
                        (job_id,),
                        job_id=f"hoa-job-{job_id}-{secrets.token_hex(4)}",
                        timeout=timeout,
                        failure_ttl=7 * 24 * 3600,
                    )
                    for job_id in job_ids[start : start + 1000]
                ],
                pipeline=pipe,
            )
            pipe.execute()


def queue_name(app: Flask) -> str:
    """Return the RQ queue this app's jobs go to (``JOBS_QUEUE``, default ``hoa``): a
    benchmark or a test run gives its own so that nothing else takes its jobs."""
    return app.config.get("JOBS_QUEUE") or QUEUE_NAME


def _queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(queue_name(app), connection=Redis.from_url(app.config["REDIS_URL"]))


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _thread_pool(app: Flask) -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hoa-job")
    start_sweeper(app)
    return _executor


# --- sweeping: due retries, lost hand-offs and dead workers ----------------------------------


def due_jobs(app: Flask, *, everything: bool = False) -> list[int]:
    """Return the jobs to hand out now: due and not handed out lately (``everything``: all
    waiting jobs), and running jobs whose worker stopped renewing the lease."""
    now = clock.now()
    redispatch = now - timedelta(seconds=app.config.get("JOBS_REDISPATCH_SECONDS", 300))
    waiting = (Job.status == JobStatus.QUEUED) & (Job.run_after <= now)
    if not everything:
        waiting = waiting & (Job.dispatched_at.is_(None) | (Job.dispatched_at < redispatch))
    abandoned = (Job.status == JobStatus.RUNNING) & (Job.lease_until < now)
    return list(db.session.scalars(select(Job.id).where(waiting | abandoned).order_by(Job.id)))


def run_due(app: Flask, *, everything: bool = False) -> int:
    """Hand out every job that is due (see ``due_jobs``); return how many."""
    ids = due_jobs(app, everything=everything)
    now = clock.now()
    for job_id in ids:
        row = db.session.get(Job, job_id)
        if row.status == JobStatus.RUNNING and row.attempts >= row.max_attempts:
            message = "The worker running it stopped (for the last allowed attempt)."
            row.status, row.finished_at, row.last_error, row.lease_until = (
                JobStatus.FAILED,
                now,
                message,
                None,
            )
            db.session.commit()
            _give_up(app, _REGISTRY.get(row.name), tuple(row.args or ()), message)
            continue
        row.dispatched_at = now
        db.session.commit()
        dispatch(app, job_id)
    return len(ids)


def recover(app: Flask) -> int:
    """Hand out every waiting job and every job a dead worker left; return how many.

    Jobs whose worker is alive (its lease is renewed) are left alone.
    """
    return run_due(app, everything=True)


_sweepers: dict[int, threading.Thread] = {}
# Set when the interpreter shuts down: a sweep never starts work it cannot finish then.
_stopping = threading.Event()


def _stop_sweeping() -> None:
    _stopping.set()


import atexit  # noqa: E402  (kept beside what it registers)

atexit.register(_stop_sweeping)


def start_sweeper(app: Flask) -> None:
    """Start (once per process) a thread that hands out due jobs every JOBS_SWEEP_SECONDS."""
    import os

    pid = os.getpid()
    if pid in _sweepers or mode(app) == "eager":
        return
    interval = app.config.get("JOBS_SWEEP_SECONDS", 15)

    def sweep() -> None:
        while not _stopping.wait(interval):
            try:
                with app.app_context():
                    try:
                        run_due(app)
                        if ensure_daily() is not None:
                            db.session.commit()
                    finally:
                        db.session.remove()
            except Exception as error:
                if _stopping.is_set() or "interpreter shutdown" in str(error):
                    return  # the process is ending (a CLI command finished): nothing to report
                app.logger.exception("The job sweep failed")

    thread = threading.Thread(target=sweep, daemon=True, name="hoa-job-sweeper")
    _sweepers[pid] = thread
    thread.start()


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Run an RQ worker for this app (``flask jobs worker``)."""
    from redis import Redis
    from rq import SimpleWorker

    job_execution._worker_app = app  # run_job runs this app's jobs
    connection = Redis.from_url(app.config["REDIS_URL"])
    with app.app_context():
        recover(app)
        if not burst and ensure_daily() is not None:
            db.session.commit()
        db.session.remove()
    if not burst:
        start_sweeper(app)
    worker = SimpleWorker([queue_name(app)], connection=connection)
    # RQ installs its own SIGINT/SIGTERM handlers (a warm shutdown); a burst run inside
    # another program (a test, a CLI command that drains the queue) hands the process back
    # with the handlers it had, or a later Ctrl-C or SIGTERM would only ask a worker that
    # is long gone to stop.
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        # With the scheduler, jobs handed over with enqueue_at (a notice to publish at
        # 9:00, the daily work) are moved to the queue when due.
        worker.work(burst=burst, with_scheduler=True)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


@job("core.daily", max_attempts=3, backoff=(600, 3600))
def run_daily_job(day: str) -> None:
    """The day's scheduled work: schedule tomorrow's run first, then run every daily task."""
    following = next_daily_run(max(clock.now(), _day_start(day)))
    enqueue_at("core.daily", following, following.date().isoformat())
    db.session.commit()
    run_daily()


def _day_start(day: str) -> datetime:
    from datetime import date as date_type

    return datetime.combine(date_type.fromisoformat(day), datetime.min.time(), clock.zone("UTC"))


@daily
def forget_finished_jobs(days: int = 30) -> int:
    """Delete jobs that finished well before ``days`` ago (failed ones stay until handled)."""
    from sqlalchemy import delete

    cutoff = clock.now() - timedelta(days=days)
    result = db.session.execute(
        delete(Job).where(Job.status == JobStatus.DONE, Job.finished_at < cutoff)
    )
    db.session.commit()
    return result.rowcount or 0


# --- what the jobs page and `flask jobs` show ----------------------------------------------


def retry(job_row: Job) -> Job:
    """Run a failed job again from scratch (its attempts start over)."""
    from app.core.errors import InvalidTransition

    if job_row.status != JobStatus.FAILED:
        raise InvalidTransition(f"Only a failed job can be retried; this one is {job_row.status}.")
    spec = _REGISTRY.get(job_row.name)
    if spec is not None and spec.on_retry is not None:
        spec.on_retry(*(job_row.args or ()))
    now = clock.now()
    job_row.status, job_row.attempts, job_row.run_after = JobStatus.QUEUED, 0, now
    job_row.dispatched_at, job_row.finished_at, job_row.claim = now, None, None
    app = current_app._get_current_object()
    db.session.info.setdefault(_PENDING_KEY, []).append((app, job_row.id, now))
    return job_row


def describe_args(job_row: Job) -> str:
    """Return a job's arguments as people read them."""
    return ", ".join(str(a) for a in job_row.args or [])
