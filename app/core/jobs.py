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
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import JSON, Index, Integer, String, Text, event, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core import clock
from app.core.types import UTCDateTime
from app.extensions import db

QUEUE_NAME = "hoa"
_PENDING_KEY = "pending_jobs"


class JobStatus:
    """Where a job is: waiting (possibly for a retry), running, finished or given up."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """One piece of background work: what to run, and what happened when it ran."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_run_after", "status", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    args: Mapped[list] = mapped_column(JSON)
    key: Mapped[str] = mapped_column(String(300), index=True)
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime())
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str] = mapped_column(Text, default="", info={"unbounded": True})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class JobSpec:
    """A registered job: its function, how often it is tried and what gives up means."""

    name: str
    function: Callable[..., object]
    max_attempts: int = 5
    backoff: tuple[int, ...] = (30, 120, 600, 1800)
    timeout: int = 1800
    on_give_up: Callable[..., None] | None = field(default=None)
    on_retry: Callable[..., None] | None = field(default=None)

    def delay(self, attempts: int) -> timedelta:
        """Return how long to wait after the given number of failed attempts."""
        steps = self.backoff or (60,)
        return timedelta(seconds=steps[min(attempts, len(steps)) - 1])


_REGISTRY: dict[str, JobSpec] = {}
_DAILY: list[Callable[[], object]] = []


def job(
    name: str,
    *,
    max_attempts: int = 5,
    backoff: tuple[int, ...] = (30, 120, 600, 1800),
    timeout: int = 1800,
    on_give_up: Callable[..., None] | None = None,
    on_retry: Callable[..., None] | None = None,
):
    """Register a function as a job under a stable name.

    ``on_give_up(*args, error=str)`` runs (in its own transaction) when the last attempt
    failed; ``on_retry(*args)`` when someone runs a failed job again (to reopen its
    subject); ``backoff`` gives the seconds to wait after the 1st, 2nd, … failure.
    """

    def decorate(function: Callable[..., object]) -> Callable[..., object]:
        _REGISTRY[name] = JobSpec(
            name, function, max_attempts, backoff, timeout, on_give_up, on_retry
        )
        return function

    return decorate


def daily(function: Callable[[], object]):
    """Register work to run once a day (``flask jobs daily``, from cron)."""
    _DAILY.append(function)
    return function


def run_daily() -> list[str]:
    """Run every daily task; return their names."""
    names = []
    for function in _DAILY:
        function()
        names.append(function.__name__)
    return names


def _key(name: str, args: tuple) -> str:
    return json.dumps([name, *args], default=str)[:300]


# --- enqueueing ---------------------------------------------------------------------------


def enqueue(name: str, *args) -> Job:
    """Add a job to the current transaction; it is handed to the runner once that commits.

    The same work already waiting (same name and arguments, not yet started) is not added
    twice.
    """
    if name not in _REGISTRY:
        raise KeyError(f"unknown job {name!r}")
    key = _key(name, args)
    waiting = db.session.scalar(
        select(Job).where(Job.key == key, Job.status == JobStatus.QUEUED, Job.attempts == 0)
    )
    if waiting is not None:
        return waiting
    now = clock.now()
    row = Job(
        name=name,
        args=list(args),
        key=key,
        status=JobStatus.QUEUED,
        attempts=0,
        max_attempts=_REGISTRY[name].max_attempts,
        run_after=now,
        dispatched_at=now,
        last_error="",
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    app = current_app._get_current_object()
    db.session.info.setdefault(_PENDING_KEY, []).append((app, row.id))
    return row


@event.listens_for(Session, "after_commit")
def _dispatch_committed(session: Session) -> None:
    for app, job_id in session.info.pop(_PENDING_KEY, []):
        try:
            dispatch(app, job_id)
        except Exception:  # the row is saved: the next sweep or `flask jobs recover` runs it
            app.logger.exception("Could not hand job %s to the runner", job_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING_KEY, None)


def mode(app: Flask) -> str:
    """Return the runner in use: thread, redis or eager."""
    return app.config.get("JOBS_MODE") or ("redis" if app.config.get("REDIS_URL") else "thread")


def dispatch(app: Flask, job_id: int) -> None:
    """Hand a job to the configured runner now (handing it twice is harmless)."""
    runner = mode(app)
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


def _queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _thread_pool(app: Flask) -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hoa-job")
    start_sweeper(app)
    return _executor


# --- running ------------------------------------------------------------------------------


def _lease(app: Flask) -> timedelta:
    return timedelta(seconds=app.config.get("JOB_LEASE_SECONDS", 60))


def _claim(job_id: int, token: str, app: Flask) -> bool:
    """Take the job if it is waiting and due, or if the worker running it stopped renewing
    its lease; return whether this caller now owns it."""
    now = clock.now()
    result = db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            or_(
                (Job.status == JobStatus.QUEUED) & (Job.run_after <= now),
                (Job.status == JobStatus.RUNNING)
                & (Job.lease_until < now)
                & (Job.attempts < Job.max_attempts),
            ),
        )
        .values(
            status=JobStatus.RUNNING,
            attempts=Job.attempts + 1,
            claim=token,
            lease_until=now + _lease(app),
            started_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


class _Heartbeat(threading.Thread):
    """Renew a running job's lease while it runs, on a connection of its own."""

    def __init__(self, app: Flask, job_id: int, token: str):
        super().__init__(daemon=True, name=f"hoa-job-{job_id}-lease")
        self.engine = db.engine
        self.app, self.job_id, self.token = app, job_id, token
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = max(0.05, _lease(self.app).total_seconds() / 3)
        while not self.stopped.wait(interval):
            try:
                with self.engine.begin() as connection:
                    connection.execute(
                        update(Job)
                        .where(Job.id == self.job_id, Job.claim == self.token)
                        .values(lease_until=clock.now() + _lease(self.app))
                    )
            except Exception:  # a missed beat only shortens the lease
                self.app.logger.warning("Could not renew the lease of job %s", self.job_id)


def execute(app: Flask, job_id: int, *, reraise: bool = False) -> str:
    """Claim and run one job; record its outcome. Return done, retry, failed or skipped."""
    with app.app_context():
        try:
            token = secrets.token_hex(16)
            if not _claim(job_id, token, app):
                return "skipped"
            row = db.session.get(Job, job_id)
            spec = _REGISTRY.get(row.name)
            args = tuple(row.args or ())
            heartbeat = _Heartbeat(app, job_id, token)
            heartbeat.start()
            try:
                if spec is None:
                    raise LookupError(f"unknown job {row.name!r}")
                spec.function(*args)
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                outcome = _record_failure(app, job_id, token, spec, args, error)
                if reraise:
                    raise
                return outcome
            finally:
                heartbeat.stopped.set()
            _finish(job_id, token, JobStatus.DONE)
            return "done"
        finally:
            db.session.remove()


def _finish(job_id: int, token: str, status: str, **values) -> None:
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.claim == token)
        .values(status=status, finished_at=clock.now(), lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _record_failure(
    app: Flask, job_id: int, token: str, spec: JobSpec | None, args: tuple, error: Exception
) -> str:
    row = db.session.get(Job, job_id)
    message = _describe(error)
    if spec is not None and row.attempts < row.max_attempts:
        app.logger.warning(
            "Job %s%r failed (attempt %d): %s", row.name, args, row.attempts, message
        )
        db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.claim == token)
            .values(
                status=JobStatus.QUEUED,
                run_after=clock.now() + spec.delay(row.attempts),
                dispatched_at=None,
                lease_until=None,
                claim=None,
                last_error=message,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return "retry"
    app.logger.error(
        "Job %s%r failed for good after %d attempts: %s", row.name, args, row.attempts, message
    )
    _finish(job_id, token, JobStatus.FAILED, last_error=message)
    _give_up(app, spec, args, message)
    return "failed"


def _give_up(app: Flask, spec: JobSpec | None, args: tuple, message: str) -> None:
    if spec is None or spec.on_give_up is None:
        return
    try:
        spec.on_give_up(*args, error=message)
        db.session.commit()
    except Exception:
        db.session.rollback()
        app.logger.exception("The give-up hook of job %s%r failed", spec.name, args)


def run_job(job_id: int) -> str:
    """Entry point for RQ workers: run a job inside the application.

    A failed attempt is raised again so that RQ's failed-job registry records it; the retry
    itself is scheduled in the jobs table.
    """
    from app import create_app

    app = _worker_app or create_app()
    return execute(app, job_id, reraise=True)


_worker_app: Flask | None = None


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


def start_sweeper(app: Flask) -> None:
    """Start (once per process) a thread that hands out due jobs every JOBS_SWEEP_SECONDS."""
    import os

    pid = os.getpid()
    if pid in _sweepers or mode(app) == "eager":
        return
    interval = app.config.get("JOBS_SWEEP_SECONDS", 15)

    def sweep() -> None:
        while True:
            threading.Event().wait(interval)
            try:
                with app.app_context():
                    try:
                        run_due(app)
                    finally:
                        db.session.remove()
            except Exception:
                app.logger.exception("The job sweep failed")

    thread = threading.Thread(target=sweep, daemon=True, name="hoa-job-sweeper")
    _sweepers[pid] = thread
    thread.start()


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Run an RQ worker for this app (``flask jobs worker``)."""
    global _worker_app
    from redis import Redis
    from rq import SimpleWorker

    _worker_app = app
    connection = Redis.from_url(app.config["REDIS_URL"])
    with app.app_context():
        recover(app)
        db.session.remove()
    if not burst:
        start_sweeper(app)
    worker = SimpleWorker([QUEUE_NAME], connection=connection)
    worker.work(burst=burst, with_scheduler=False)


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
    db.session.info.setdefault(_PENDING_KEY, []).append((app, job_row.id))
    return job_row


def describe_args(job_row: Job) -> str:
    """Return a job's arguments as people read them."""
    return ", ".join(str(a) for a in job_row.args or [])
