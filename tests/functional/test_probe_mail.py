"""The security probe of 2026-12-02, D10 and D11: mail never runs inside a request; failed
mail is kept, retried and shown to managers; a password reset answers the same for every
address whether mail works or not. Issue 9: a reminder counts as sent when its mail is."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.core import clock, jobs, mail, outbox
from app.extensions import db
from tests.functional.test_api_budgets import LINES


def _messages(app, **where):
    with app.app_context():
        statement = select(outbox.OutgoingMessage).order_by(outbox.OutgoingMessage.id)
        for key, value in where.items():
            statement = statement.where(getattr(outbox.OutgoingMessage, key) == value)
        rows = db.session.scalars(statement).all()
        for row in rows:
            _ = [t.error for t in row.tries]
        db.session.expunge_all()
        return rows


@pytest.fixture
def smtp_down(monkeypatch):
    """The mail server refuses every message."""
    calls = []

    def refuse(message):
        calls.append(message["To"])
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(mail, "transmit", refuse)
    return calls


@pytest.fixture
def held_jobs(monkeypatch):
    """Jobs handed to the runner are held (as a worker would pick them up later)."""
    held = []
    monkeypatch.setattr(jobs, "dispatch", lambda app, job_id: held.append(job_id))
    return held


def _submitted_budget(world, api):
    manager = api(world.manager)
    budget = manager.post(
        f"/api/v1/associations/{world.a.id}/budgets", json={"fiscal_year": 2027}
    ).get_json()
    for line in LINES:
        manager.post(f"/api/v1/budgets/{budget['id']}/lines", json=line)
    return manager, budget["id"]


def test_d10_the_request_commits_and_answers_before_any_mail_is_sent(
    world, api, app, held_jobs, monkeypatch
):
    transmitted = []
    monkeypatch.setattr(mail, "transmit", lambda message: transmitted.append(message["To"]))
    manager, budget_id = _submitted_budget(world, api)
    response = manager.post(f"/api/v1/budgets/{budget_id}/submit")
    assert response.status_code == 200
    assert transmitted == []  # nothing was sent inside the request
    queued = _messages(app, status="queued")
    assert {m.to_address for m in queued} == {
        world.manager.email,
        world.board.email,
        world.board2.email,
    }
    while held_jobs:  # the runner, afterwards
        jobs.execute(app, held_jobs.pop(0))
    assert sorted(transmitted) == sorted(m.to_address for m in queued)
    assert {m.status for m in _messages(app)} == {"sent"}


def test_d10_a_refusing_server_leaves_the_action_done_and_the_failure_recorded(
    world, api, app, smtp_down
):
    manager, budget_id = _submitted_budget(world, api)
    response = manager.post(f"/api/v1/budgets/{budget_id}/submit")
    assert response.status_code == 200 and response.get_json()["status"] == "pending_approval"
    messages = _messages(app)
    assert messages and {m.status for m in messages} == {"queued"}
    for message in messages:
        (attempt,) = message.tries
        assert not attempt.ok and "Connection refused" in attempt.error
        assert message.attempts == 1


def test_d10_retries_grow_then_the_message_fails_and_managers_see_it(
    world, api, app, client, smtp_down, monkeypatch
):
    clock.freeze(clock.now())
    manager, budget_id = _submitted_budget(world, api)
    manager.post(f"/api/v1/budgets/{budget_id}/submit")
    with app.app_context():
        for delay in outbox.MAIL_BACKOFF:
            clock.advance(timedelta(seconds=delay))
            jobs.run_due(app)
    failed = _messages(app, status="failed")
    assert len(failed) == 3 and all(m.attempts == outbox.MAIL_ATTEMPTS for m in failed)
    assert all(len(m.tries) == outbox.MAIL_ATTEMPTS for m in failed)
    # The API lists them for managers …
    listing = manager.get(f"/api/v1/associations/{world.a.id}/mail?status=failed").get_json()
    assert listing["total"] == 3
    assert "Connection refused" in listing["items"][0]["last_error"]
    assert api(world.owner).get(f"/api/v1/associations/{world.a.id}/mail").status_code == 403
    assert api(world.outsider).get(f"/api/v1/associations/{world.a.id}/mail").status_code == 404
    # … and so do the dashboard and the mail page, with a way to send again.
    from tests.conftest import login

    login(client, world.manager)
    dashboard = client.get(f"/associations/{world.a.id}/").get_data(as_text=True)
    assert "3 e-mails could not be sent" in dashboard
    assert f"/associations/{world.a.id}/mail?status=failed" in dashboard
    page = client.get(f"/associations/{world.a.id}/mail?status=failed").get_data(as_text=True)
    assert "Connection refused" in page and "Send again" in page
    monkeypatch.undo()  # the mail server is back
    first = failed[0]
    response = client.post(f"/associations/{world.a.id}/mail/{first.id}/retry")
    assert response.status_code == 302
    retried = manager.post(f"/api/v1/associations/{world.a.id}/mail/{failed[1].id}/retry")
    assert retried.status_code == 200
    sent = {m.id: m for m in _messages(app, status="sent")}
    assert set(sent) == {failed[0].id, failed[1].id}
    assert (
        manager.post(f"/api/v1/associations/{world.a.id}/mail/{failed[0].id}/retry").status_code
        == 409
    )
    assert (
        api(world.outsider)
        .post(f"/api/v1/associations/{world.a.id}/mail/{failed[2].id}/retry")
        .status_code
        == 404
    )
    everything = manager.post(f"/api/v1/associations/{world.a.id}/mail/retry-failed")
    assert everything.get_json() == {"queued": 1}
    assert {m.status for m in _messages(app)} == {"sent"}


def test_mail_the_memory_backend_counts_as_transmitted(world, api, app):
    manager, budget_id = _submitted_budget(world, api)
    manager.post(f"/api/v1/budgets/{budget_id}/submit")
    messages = _messages(app)
    assert {m.status for m in messages} == {"sent"}
    assert all(m.sent_at is not None and m.tries[0].ok for m in messages)
    assert len(app.extensions["mail_outbox"]) == len(messages)


# --- D11 --------------------------------------------------------------------------------


def _forgot(app, email):
    client = app.test_client()
    return client.post("/password/forgot", data={"email": email})


def _job_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(jobs.Job.id)))


@pytest.mark.parametrize("mail_works", [True, False])
def test_d11_reset_answers_the_same_for_known_and_unknown_addresses(
    world, app, held_jobs, mail_works, monkeypatch
):
    if not mail_works:
        monkeypatch.setattr(mail, "transmit", lambda m: (_ for _ in ()).throw(TimeoutError()))
    answers = []
    for email in (world.owner.email, "nobody@probe.example"):
        before = _job_rows(app)
        response = _forgot(app, email)
        answers.append(
            (response.status_code, response.headers["Location"], _job_rows(app) - before)
        )
    assert answers[0] == answers[1] == (302, "/login", 1)
    # The lookup and the mail happen afterwards, in the jobs (which queue the mail job).
    while held_jobs:
        jobs.execute(app, held_jobs.pop(0))
    to = [m.to_address for m in _messages(app)]
    assert to == [world.owner.email]


def test_d11_reset_with_the_mail_server_down_is_not_a_500(world, app, smtp_down):
    response = app.test_client().post(
        "/password/forgot", data={"email": world.owner.email}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "If an account uses that address, a reset link is on its way" in response.get_data(
        as_text=True
    )
    (message,) = _messages(app)
    assert message.status == "queued" and "Connection refused" in message.last_error
    assert message.association_id is None and message.sensitive


def test_a_sent_reset_link_is_erased_from_the_outbox(world, app):
    _forgot(app, world.owner.email)
    (message,) = _messages(app)
    assert message.status == "sent"
    with app.app_context():
        body = db.session.get(outbox.OutgoingMessage, message.id).body
    assert body == ""


# --- issue 9: insurance reminders ------------------------------------------------------


def _expiring_certificate(world, app):
    from app.vendors import services as vendors

    with app.app_context():
        association = db.session.merge(world.a)
        manager = db.session.merge(world.manager)
        vendor = vendors.create_vendor(
            association, {"name": "Pool Co", "category": "pool"}, actor=manager
        )
        vendors.add_certificate(
            vendor,
            {
                "kind": "general_liability",
                "carrier": "Acme",
                "policy_number": "GL-1",
                "coverage_amount": "1000000",
                "expires_on": date.today() + timedelta(days=50),
            },
            association=association,
            actor=manager,
        )
        db.session.commit()


def test_issue9_a_reminder_is_not_sent_until_its_mail_is(world, app, smtp_down, monkeypatch):
    from app.vendors import services as vendors
    from app.vendors.models import CertificateReminder

    _expiring_certificate(world, app)
    with app.app_context():
        assert vendors.send_expiry_reminders() == 1
        reminder = db.session.scalars(select(CertificateReminder)).one()
        assert reminder.sent_at is None  # queued, not sent: the server refused it
        assert vendors.send_expiry_reminders() == 0  # and not queued twice
    monkeypatch.undo()
    clock.freeze(clock.now() + timedelta(minutes=2))
    with app.app_context():
        jobs.run_due(app)
        db.session.expire_all()
        reminder = db.session.scalars(select(CertificateReminder)).one()
        (message,) = db.session.scalars(select(outbox.OutgoingMessage)).all()
        assert message.status == "sent" and reminder.sent_at == message.sent_at
