"""Running one job: claim its row, renew the lease while it runs, record what happened
(done, a retry after its backoff, or failed for good with the give-up hook)."""

from __future__ import annotations

import secrets
import threading
from datetime import timedelta

from flask import Flask
from sqlalchemy import or_, update

from app.core import clock
from app.core.job_registry import _REGISTRY, Job, JobSpec, JobStatus
from app.extensions import db


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
    app = _worker_app or _load_app()
    return execute(app, job_id, reraise=True)


def _load_app() -> Flask:
    # A worker started other than by ``flask jobs worker`` finds the app the way the flask
    # command does (FLASK_APP, else wsgi.py), so that core never imports the app package.
    from flask.cli import ScriptInfo

    return ScriptInfo().load_app()


_worker_app: Flask | None = None
