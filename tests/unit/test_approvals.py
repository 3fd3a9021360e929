"""The approval engine: eligibility, thresholds, votes, decisions, withdrawals."""

import pytest
from sqlalchemy import select

from app.approvals import services as approvals
from app.approvals.models import ApprovalRequest
from app.core.audit import AuditEntry
from app.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationError
from app.extensions import db
from tests import factories as f
from tests.unit.budget_helpers import draft, in_state, seat_third_board_member


@pytest.mark.parametrize(("eligible", "required"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3)])
def test_default_threshold_is_a_majority_of_eligible_voters(eligible, required):
    assert approvals.required_votes(eligible, None)[0] == required


@pytest.mark.parametrize(("eligible", "required"), [(3, 2), (4, 3), (5, 4), (6, 4)])
def test_two_thirds_threshold(world, eligible, required):
    threshold = approvals.set_threshold(world.a, "budget", 2, 3, actor=world.manager)
    assert approvals.required_votes(eligible, threshold)[0] == required


def test_threshold_must_be_more_than_half(world):
    with pytest.raises(ValidationError):
        approvals.set_threshold(world.a, "budget", 1, 2, actor=world.manager)
    with pytest.raises(ValidationError):
        approvals.set_threshold(world.a, "budget", 4, 3, actor=world.manager)


def test_opening_freezes_the_seated_board(world):
    third = seat_third_board_member(world)
    budget = draft(world)
    from app.budgets import services as budgets

    request = budgets.submit_budget(budget, actor=world.manager)
    assert request.eligible_voter_ids == sorted([world.board.id, world.board2.id, third.id])
    assert request.required == 2 and request.status == "pending"
    assert budget.status == "pending_approval" and budget.approval_id == request.id
    # A member seated later cannot vote on it.
    late = f.UserFactory(name="Late Larry")
    f.MembershipFactory(user=late, association=world.a, role="board", office="director")
    db.session.flush()
    from app.auth import policies

    policies.forget_memberships()
    with pytest.raises(NotAllowed):
        approvals.cast_vote(request.id, voter=late, choice="approve")


def test_only_managers_submit(world):
    budget = draft(world)
    from app.budgets import services as budgets

    with pytest.raises(NotAllowed):
        budgets.submit_budget(budget, actor=world.board)


def test_empty_board_cannot_decide(world):
    budget = draft(world)
    for membership in list(world.board.memberships) + list(world.board2.memberships):
        db.session.delete(membership)
    db.session.flush()
    from app.auth import policies
    from app.budgets import services as budgets

    policies.forget_memberships()
    with pytest.raises(Conflict, match="No board member"):
        budgets.submit_budget(budget, actor=world.manager)


def test_approved_as_soon_as_approvals_reach_required(world):
    third = seat_third_board_member(world)
    budget = in_state(world, "pending_approval")
    request = db.session.get(ApprovalRequest, budget.approval_id)
    approvals.cast_vote(request.id, voter=world.board, choice="approve", comment="Looks right")
    assert request.status == "pending"
    approvals.cast_vote(request.id, voter=third, choice="approve")
    assert request.status == "approved" and request.decided_at is not None
    assert budget.status == "approved" and budget.approved_at is not None


def test_rejected_as_soon_as_approval_is_out_of_reach(world):
    third = seat_third_board_member(world)
    budget = in_state(world, "pending_approval")
    request = db.session.get(ApprovalRequest, budget.approval_id)
    approvals.cast_vote(request.id, voter=world.board, choice="reject")
    assert request.status == "pending"
    approvals.cast_vote(request.id, voter=third, choice="abstain")  # abstain is no approval
    assert request.status == "rejected" and budget.status == "rejected"
    assert request.abstentions == 1 and request.rejections == 1


def test_a_repeated_vote_replaces_the_earlier_one(world):
    seat_third_board_member(world)
    budget = in_state(world, "pending_approval")
    request = db.session.get(ApprovalRequest, budget.approval_id)
    approvals.cast_vote(request.id, voter=world.board, choice="reject", comment="Too high")
    approvals.cast_vote(request.id, voter=world.board, choice="approve", comment="Fine now")
    assert [(v.voter_id, v.choice, v.comment) for v in request.votes] == [
        (world.board.id, "approve", "Fine now")
    ]
    actions = db.session.scalars(
        select(AuditEntry.summary).where(AuditEntry.action == "approval.vote")
    ).all()
    assert any("changed their vote" in summary for summary in actions)


def test_votes_are_checked(world):
    budget = in_state(world, "pending_approval")
    request_id = budget.approval_id
    with pytest.raises(NotAllowed):
        approvals.cast_vote(request_id, voter=world.manager, choice="approve")
    with pytest.raises(NotAllowed):
        approvals.cast_vote(request_id, voter=world.owner, choice="approve")
    with pytest.raises(ValidationError):
        approvals.cast_vote(request_id, voter=world.board, choice="maybe")


ACTIONS = ["vote", "withdraw"]
OUTCOMES = {
    ("pending", "vote"): "ok",
    ("pending", "withdraw"): "ok",
    ("approved", "vote"): InvalidTransition,
    ("approved", "withdraw"): InvalidTransition,
    ("rejected", "vote"): InvalidTransition,
    ("rejected", "withdraw"): InvalidTransition,
    ("withdrawn", "vote"): InvalidTransition,
    ("withdrawn", "withdraw"): InvalidTransition,
}


@pytest.mark.parametrize(("status", "action"), list(OUTCOMES))
def test_every_request_status_and_action(world, status, action):
    seat_third_board_member(world)
    budget_status = {"pending": "pending_approval", "withdrawn": "pending_approval"}.get(
        status, status
    )
    budget = in_state(world, budget_status)
    request = db.session.get(ApprovalRequest, budget.approval_id)
    if status == "withdrawn":
        approvals.withdraw_request(request.id, actor=world.manager)
        assert budget.status == "draft"
    assert request.status == status

    def act():
        if action == "vote":
            return approvals.cast_vote(request.id, voter=world.board, choice="abstain")
        return approvals.withdraw_request(request.id, actor=world.manager)

    expected = OUTCOMES[(status, action)]
    if expected == "ok":
        act()
        if action == "withdraw":
            assert request.status == "withdrawn" and budget.status == "draft"
            assert request.decided_at is not None
        else:  # one abstention of three eligible decides nothing yet
            assert request.vote_of(world.board.id).choice == "abstain"
            assert request.status == "pending" and budget.status == "pending_approval"
    else:
        decided_at, votes = request.decided_at, [(v.voter_id, v.choice) for v in request.votes]
        with pytest.raises(expected) as info:
            act()
        assert type(info.value) is expected
        assert info.value.message == (
            f"This request was already decided ({status}); votes are closed."
            if action == "vote"
            else f"Only a pending request can be withdrawn; this one is {status}."
        )
        assert request.decided_at == decided_at and request.status == status
        assert [(v.voter_id, v.choice) for v in request.votes] == votes


def test_board_members_cannot_withdraw(world):
    budget = in_state(world, "pending_approval")
    with pytest.raises(NotAllowed):
        approvals.withdraw_request(budget.approval_id, actor=world.board)


def test_decision_notifies_board_and_manager_after_commit(world, app):
    budget = in_state(world, "pending_approval")
    app.extensions["mail_outbox"] = []
    approvals.cast_vote(budget.approval_id, voter=world.board, choice="approve")
    assert app.extensions["mail_outbox"] == []  # nothing leaves before the commit
    approvals.cast_vote(budget.approval_id, voter=world.board2, choice="approve")
    db.session.commit()
    recipients = {m["To"] for m in app.extensions["mail_outbox"]}
    assert recipients == {world.manager.email, world.board.email, world.board2.email}
    subjects = {m["Subject"] for m in app.extensions["mail_outbox"]}
    assert any("Board decision" in s and "approved" in s for s in subjects)


def test_rolled_back_votes_send_no_mail(world, app):
    budget = in_state(world, "pending_approval")
    db.session.commit()
    app.extensions["mail_outbox"] = []
    approvals.cast_vote(budget.approval_id, voter=world.board, choice="approve")
    db.session.rollback()
    db.session.commit()
    assert app.extensions["mail_outbox"] == []


def test_awaiting_my_vote(world):
    budget = in_state(world, "pending_approval")
    assert [r.id for r in approvals.awaiting_vote(world.board)] == [budget.approval_id]
    approvals.cast_vote(budget.approval_id, voter=world.board, choice="approve")
    assert approvals.awaiting_vote(world.board) == []
    assert [r.id for r in approvals.awaiting_vote(world.board2)] == [budget.approval_id]
    assert approvals.awaiting_vote(world.owner) == []


def test_every_step_is_audited(world):
    in_state(world, "approved")
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.like("approval.%"))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["approval.opened", "approval.vote", "approval.vote", "approval.approved"]


def test_database_keeps_status_and_decision_time_consistent(world):
    budget = in_state(world, "pending_approval")
    request = db.session.get(ApprovalRequest, budget.approval_id)
    request.status = "approved"  # without a decision time
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_databases_subject_types_are_the_registered_kinds():
    from app.approvals.models import SUBJECT_TYPES
    from app.approvals.subjects import registered_types

    assert (
        set(SUBJECT_TYPES)
        == set(registered_types())
        == {
            "budget",
            "contract",
            "fine",
            "minutes",
            "arc_request",
            "arc_appeal",
        }
    )


def test_only_registered_kinds_get_a_threshold(world):
    with pytest.raises(ValidationError) as info:
        approvals.set_threshold(world.a, "agenda", 2, 3, actor=world.manager)
    assert info.value.errors == {
        "subject_type": ["Choose one of: arc_appeal, arc_request, budget, contract, fine, minutes."]
    }
    assert approvals.set_threshold(world.a, "minutes", 2, 3, actor=world.manager) is not None
