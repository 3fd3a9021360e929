"""The job runner: long work (letter batches, later packets and imports) off the request.

Embedded default: jobs run in this process on a background thread. With ``REDIS_URL`` set they
go to an RQ queue and a separate worker (``flask jobs worker``) runs them. Either way a job is
enqueued only when the transaction that asked for it commits, and every job is idempotent: it
reads the state of its subject and does only what is left, so running it twice (or again after
a crash) produces the same result once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

QUEUE_NAME = "hoa"
_REGISTRY: dict[str, Callable[..., None]] = {}
_RECOVERY: list[Callable[[], list[tuple[str, tuple]]]] = []
_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()
_QUEUE_KEY = "pending_jobs"


def job(name: str):
    """Register a function as a job under a stable name."""

    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        _REGISTRY[name] = function
        return function

    return decorate


_DAILY: list[Callable[[], object]] = []


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


def recovery(function: Callable[[], list[tuple[str, tuple]]]):
    """Register a function that lists (job, args) left unfinished by a crash."""
    _RECOVERY.append(function)
    return function


def enqueue(name: str, *args) -> None:
    """Run a job once the current transaction commits."""
    from app.extensions import db

    if name not in _REGISTRY:
        raise KeyError(f"unknown job {name!r}")
    app = current_app._get_current_object()
    db.session.info.setdefault(_QUEUE_KEY, []).append((app, name, args))


@event.listens_for(Session, "after_commit")
def _dispatch(session: Session) -> None:
    for app, name, args in session.info.pop(_QUEUE_KEY, []):
        try:
            dispatch(app, name, args)
        except Exception:  # the work is saved; `flask jobs recover` or the worker restarts it
            app.logger.exception("Could not start job %s%r", name, args)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    session.info.pop(_QUEUE_KEY, None)


def dispatch(app: Flask, name: str, args: tuple) -> None:
    """Hand a job to the configured runner now."""
    mode = app.config.get("JOBS_MODE") or ("redis" if app.config.get("REDIS_URL") else "thread")
    if mode == "redis":
        _queue(app).enqueue(
            run_job,
            name,
            *args,
            job_id=_job_id(name, args),
            job_timeout=app.config.get("JOB_TIMEOUT", 1800),
        )
    elif mode == "eager":
        # Tests: run on another thread (its own session) and wait for it.
        worker = threading.Thread(target=_run_in_app, args=(app, name, args))
        worker.start()
        worker.join()
    elif mode == "thread":
        _thread_pool().submit(_run_in_app, app, name, args)
    else:
        raise ValueError(f"JOBS_MODE must be thread, redis or eager, not {mode!r}")


def _job_id(name: str, args: tuple) -> str:
    # One queued job per subject: enqueuing the same work twice keeps one.
    return "-".join([name.replace(".", "_"), *(str(a) for a in args)])


def _queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


def _thread_pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hoa-job")
        return _executor


def _run_in_app(app: Flask, name: str, args: tuple) -> None:
    from app.extensions import db

    with app.app_context():
        try:
            _REGISTRY[name](*args)
        except Exception:
            app.logger.exception("Job %s%r failed", name, args)
            db.session.rollback()
        finally:
            db.session.remove()


def run_job(name: str, *args) -> None:
    """Entry point for RQ workers: run a registered job inside the application."""
    from app import create_app

    app = _worker_app or create_app()
    _run_in_app(app, name, args)


_worker_app: Flask | None = None


def recover(app: Flask) -> int:
    """Enqueue the jobs that a crash left unfinished; return how many."""
    count = 0
    for finder in _RECOVERY:
        for name, args in finder():
            dispatch(app, name, args)
            count += 1
    return count


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Run an RQ worker for this app (``flask jobs worker``)."""
    global _worker_app
    from redis import Redis
    from rq import SimpleWorker

    _worker_app = app
    connection = Redis.from_url(app.config["REDIS_URL"])
    with app.app_context():
        recover(app)
    worker = SimpleWorker([QUEUE_NAME], connection=connection)
    worker.work(burst=burst, with_scheduler=False)
