"""Two board members voting at the same moment: one decision, no lost vote (PostgreSQL)."""

import threading
import time

import pytest
from sqlalchemy import func, select

from app.approvals import services as approvals
from app.approvals import voting as approval_voting
from app.approvals.models import ApprovalRequest, Vote
from app.auth.models import User
from app.core import audit as audit_module
from app.core.audit import AuditEntry
from app.extensions import db
from tests.unit.budget_helpers import in_state, seat_third_board_member


def test_simultaneous_deciding_votes(world, app, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serializes every writer anyway")
    third = seat_third_board_member(world)
    budget = in_state(world, "pending_approval")  # 3 eligible, 2 needed
    request_id = budget.approval_id
    voters = [world.board.id, third.id]
    db.session.commit()

    real_record = audit_module.record

    def slow_record(action, **kwargs):
        entry = real_record(action, **kwargs)
        if action == "approval.vote":
            time.sleep(0.3)  # widen the window between counting votes and committing
        return entry

    monkeypatch.setattr(approval_voting.audit, "record", slow_record)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def vote(user_id: int) -> None:
        try:
            with app.app_context():
                voter = db.session.get(User, user_id)
                barrier.wait()
                approvals.cast_vote(request_id, voter=voter, choice="approve")
                db.session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=vote, args=(uid,)) for uid in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db.session.expire_all()
    request = db.session.get(ApprovalRequest, request_id)
    votes = db.session.scalar(select(func.count(Vote.id)).where(Vote.request_id == request_id))
    decisions = db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "approval.approved")
    )
    # The second voter either counted towards the decision or was told it was already made.
    assert request.status == "approved"
    assert decisions == 1
    assert votes + len(errors) == 2, errors
    assert all("already decided" in str(e) for e in errors)
    assert approval_voting.audit.record is slow_record
