"""The jobs table and the registry of job kinds (``@job``, ``@daily``, and running the daily
work): the layer the job runner (app/core/jobs.py) and the running of one job
(app/core/job_execution.py) share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.types import UTCDateTime
from app.extensions import db


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
    """Register work to run once a day (the scheduled ``core.daily`` job; by hand with
    ``flask jobs daily``)."""
    _DAILY.append(function)
    return function


def run_daily() -> list[str]:
    """Run every daily task, each in its own transaction; return their names.

    A task that fails does not stop the others; the first failure is raised at the end,
    so that the job runner tries the day again (the tasks are idempotent).
    """
    names = []
    failure: Exception | None = None
    for function in _DAILY:
        try:
            function()
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            current_app.logger.exception("Daily task %s failed", function.__name__)
            failure = failure or error
            continue
        names.append(function.__name__)
    if failure is not None:
        raise failure
    return names


def next_daily_run(after: datetime | None = None) -> datetime:
    """Return the next moment the daily work is due (``DAILY_JOBS_AT``, UTC, "HH:MM")."""
    after = after or clock.now()
    hour, minute = (int(part) for part in current_app.config["DAILY_JOBS_AT"].split(":"))
    moment = after.astimezone(clock.zone("UTC")).replace(
        hour=hour, minute=minute, second=0, microsecond=0
    )
    return moment if moment > after else moment + timedelta(days=1)
