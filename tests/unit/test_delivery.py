"""The delivery service, the scheduler and letters delivered through it."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.compliance import batch_mailing, batches, ladder
from app.core import clock, job_registry, jobs
from app.delivery import services as delivery
from app.delivery.models import Delivery
from app.extensions import db
from app.notices.publication import deliver_notice
from app.notices.writing import create_notice
from tests.redis_db import redis_url
from tests.unit.compliance_helpers import open_violation


def _person(choice: str, general_by_mail: bool = False, email: str = "a@example.com"):
    return delivery.Recipient(1, "A", email, "en", choice, general_by_mail)


@pytest.mark.parametrize(
    ("choice", "by_mail", "general", "expected"),
    [
        ("mail", False, False, ["portal", "mail"]),  # 4040(a)(2): first-class mail
        ("email", False, False, ["portal", "email"]),
        ("both", False, False, ["portal", "email", "mail"]),
        ("mail", False, True, ["portal"]),  # 4045: general delivery
        ("mail", True, True, ["portal", "mail"]),  # 4045(b): asked for paper
        ("email", False, True, ["portal", "email"]),
        ("both", True, True, ["portal", "email", "mail"]),
    ],
)
def test_methods_follow_the_preference(choice, by_mail, general, expected):
    assert delivery.methods_for(_person(choice, by_mail), general=general) == expected


def test_a_person_cannot_consent_for_nothing(world):
    with pytest.raises(Exception) as error:
        delivery.set_preferences(world.owner, delivery="pigeon", language="xx")
    assert set(error.value.errors) == {"delivery", "language"}
    preference = delivery.set_preferences(world.owner, delivery="email")
    assert preference.email_consent_at is not None
    preference = delivery.set_preferences(world.owner, delivery="mail")
    assert preference.email_consent_at is None


def test_delivering_again_reaches_only_those_not_reached(world):
    notice = create_notice(world.a, title="Hello", body="Hi", audience="all", actor=world.manager)
    db.session.commit()
    count = db.session.scalar(select(func.count(Delivery.id)))
    assert count == 3
    outcome = deliver_notice(notice)
    assert outcome.portal == 0
    assert db.session.scalar(select(func.count(Delivery.id))) == 3


def test_letters_are_delivered_to_portal_mail_and_email_by_preference(world):
    delivery.set_preferences(world.owner, delivery="both")
    letter = ladder.issue_letter(open_violation(world), "violation", actor=world.manager)
    db.session.commit()
    rows = db.session.scalars(
        select(Delivery).where(Delivery.subject_type == "letter", Delivery.subject_id == letter.id)
    ).all()
    by_method = {r.method: r for r in rows}
    assert set(by_method) == {"portal", "email", "mail"}
    assert by_method["email"].status == "sent" and by_method["email"].sent_at
    assert by_method["mail"].status == "queued"
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    db.session.refresh(batch)
    batch_mailing.confirm_batch(batch, tracking_numbers=None, actor=world.manager)
    db.session.commit()
    db.session.refresh(by_method["mail"])
    assert by_method["mail"].status == "mailed"
    assert by_method["mail"].sent_at == batch.mailed_at


def test_a_job_due_later_waits_for_its_time(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_MODE", "thread")
    monkeypatch.setattr(jobs, "start_sweeper", lambda app: None)
    ran = []
    monkeypatch.setattr(jobs, "_thread_pool", lambda app: _Inline(ran))
    clock.freeze(datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    row = jobs.enqueue_at("core.daily", clock.now() + timedelta(minutes=30), "2027-03-01")
    db.session.commit()
    assert row.dispatched_at is None and ran == []
    assert jobs.run_due(app) == 0
    clock.advance(timedelta(minutes=30))
    assert jobs.run_due(app) == 1 and ran == [row.id]


class _Inline:
    def __init__(self, ran):
        self.ran = ran

    def submit(self, function, app, job_id):
        self.ran.append(job_id)


def test_the_daily_work_schedules_itself_without_cron(world, app, monkeypatch):
    clock.freeze(datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    monkeypatch.setitem(app.config, "DAILY_JOBS_AT", "11:00")
    ran = []
    monkeypatch.setattr(job_registry, "_DAILY", [lambda: ran.append("task")])
    first = jobs.ensure_daily()
    db.session.commit()
    assert first.run_after == datetime(2027, 3, 2, 11, 0, tzinfo=UTC)
    assert jobs.ensure_daily() is None  # one at a time
    clock.freeze(datetime(2027, 3, 2, 11, 0, 3, tzinfo=UTC))
    jobs.run_due(app)  # eager in tests: runs now
    db.session.expire_all()
    assert ran == ["task"]
    waiting = db.session.scalars(
        select(jobs.Job).where(jobs.Job.name == "core.daily", jobs.Job.status == "queued")
    ).one()
    assert waiting.run_after == datetime(2027, 3, 3, 11, 0, tzinfo=UTC)


def test_a_failing_daily_task_does_not_stop_the_others(world, app, monkeypatch):
    ran = []

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(job_registry, "_DAILY", [broken, lambda: ran.append("second")])
    with pytest.raises(RuntimeError):
        jobs.run_daily()
    assert ran == ["second"]


REDIS_URL = redis_url()  # TEST_REDIS_URL, one database per xdist worker (tests/redis_db.py)


def test_under_rq_a_notice_due_later_goes_to_rqs_scheduler(world, app, monkeypatch):
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisDown:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis must run on CI")
        pytest.skip("Redis is not running")
    connection.flushdb()
    monkeypatch.setitem(app.config, "JOBS_MODE", "redis")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    later = datetime.now(UTC) + timedelta(hours=2)
    notice = create_notice(
        world.a,
        title="Later",
        body="Soon",
        audience="owners",
        publish_at=later,
        actor=world.manager,
    )
    db.session.commit()
    from rq import Queue

    queue = Queue(jobs.QUEUE_NAME, connection=connection)
    assert queue.count == 0
    assert len(queue.scheduled_job_registry.get_job_ids()) == 1
    assert notice.status == "scheduled"
    connection.flushdb()
