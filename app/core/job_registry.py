"""The jobs table and the registry of job kinds (``@job``, ``@daily``): the layer the job
runner (app/core/jobs.py) and the running of one job (app/core/job_execution.py) share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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
