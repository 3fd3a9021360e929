"""What the approval engine records and says: audit entries, mails, refusals, thresholds."""

import pytest
from sqlalchemy import select

from app.approvals import services as approvals
from app.approvals.models import ApprovalRequest, Threshold
from app.core import clock
from app.core.audit import AuditEntry
from app.core.errors import InvalidTransition, NotAllowed, NotFound, ValidationError
from app.extensions import db
from tests import factories as f
from tests.unit.budget_helpers import draft, seat_third_board_member


@pytest.fixture(autouse=True)
def _frozen():
    from datetime import UTC, datetime

    clock.freeze(datetime(2027, 1, 10, 17, 0, tzinfo=UTC))


def _entries(action_prefix="approval."):
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action.like(f"{action_prefix}%"))
        .order_by(AuditEntry.id)
    ).all()


def _mails(app):
    return sorted(
        (m["To"], m["Subject"], m.get_content().strip()) for m in app.extensions["mail_outbox"]
    )


def _submit(world):
    from app.budgets import services as budgets

    budget = draft(world)
    return budget, budgets.submit_budget(budget, actor=world.manager)


def test_opening_records_and_tells_the_board_and_managers(world, app):
    third = seat_third_board_member(world)
    inactive = f.UserFactory(name="Ivy Inactive", active=False)
    f.MembershipFactory(user=inactive, association=world.a, role="board", office="director")
    db.session.flush()
    from app.auth import policies

    policies.forget_memberships()
    app.extensions["mail_outbox"] = []
    budget, request = _submit(world)
    title = "Budget for fiscal year 2027 (version 1)"
    assert request.title == title and request.subject_type == "budget"
    assert request.subject_id == budget.id and request.association_id == world.a.id
    assert request.submitted_by_id == world.manager.id and request.submitted_at == clock.now()
    assert request.decided_at is None and request.decided_by_id is None
    eligible = sorted([world.board.id, world.board2.id, third.id, inactive.id])
    assert request.eligible_voter_ids == eligible
    assert (request.required, request.threshold_label) == (3, "majority")
    (entry,) = _entries()
    assert (entry.action, entry.actor_id, entry.association_id) == (
        "approval.opened",
        world.manager.id,
        world.a.id,
    )
    assert (entry.subject_type, entry.subject_id) == ("budget", budget.id)
    assert entry.summary == f"Submitted “{title}” to the board (4 eligible, 3 needed)"
    assert entry.data == {"approval_id": request.id, "eligible_voter_ids": eligible, "required": 3}
    assert app.extensions["mail_outbox"] == []  # nothing before the commit
    db.session.commit()
    body = (
        f"Mona Manager submitted “{title}” for the board's decision. 3 of 4 eligible members "
        "must approve."
    )
    subject = f"For the board's vote: {title}"
    assert _mails(app) == sorted(
        (user.email, subject, body) for user in (world.manager, world.board, world.board2, third)
    )  # not the inactive member, not the owner


def test_a_vote_a_changed_vote_and_the_decision_are_recorded_and_told(world, app):
    third = seat_third_board_member(world)
    budget, request = _submit(world)
    db.session.commit()
    app.extensions["mail_outbox"] = []
    title = request.title
    approvals.cast_vote(request.id, voter=world.board, choice="reject", comment="  Too high  ")
    vote = request.vote_of(world.board.id)
    assert (vote.choice, vote.comment, vote.cast_at) == ("reject", "Too high", clock.now())
    approvals.cast_vote(request.id, voter=world.board, choice="approve", comment="Fine now")
    assert request.status == "pending"
    approvals.cast_vote(request.id, voter=third, choice="approve")
    assert (request.status, request.decided_by_id) == ("approved", third.id)
    assert request.decided_at == clock.now()
    entries = _entries()[1:]
    assert [(e.action, e.actor_id, e.subject_type, e.subject_id) for e in entries] == [
        ("approval.vote", world.board.id, "budget", budget.id),
        ("approval.vote", world.board.id, "budget", budget.id),
        ("approval.vote", third.id, "budget", budget.id),
        ("approval.approved", third.id, "budget", budget.id),
    ]
    assert {e.association_id for e in entries} == {world.a.id}
    assert [e.summary for e in entries] == [
        f"Bea Board voted reject on “{title}”",
        f"Bea Board changed their vote on “{title}” from reject to approve",
        f"Dee Director voted approve on “{title}”",
        f"The board approved “{title}”: 2 approve, 0 reject, 0 abstain",
    ]
    assert [e.data for e in entries] == [
        {"approval_id": request.id, "choice": "reject", "comment": "Too high", "previous": None},
        {
            "approval_id": request.id,
            "choice": "approve",
            "comment": "Fine now",
            "previous": "reject",
        },
        {"approval_id": request.id, "choice": "approve", "comment": "", "previous": None},
        {"approval_id": request.id, "approvals": 2, "rejections": 0, "abstentions": 0},
    ]
    db.session.commit()
    people = (world.manager, world.board, world.board2, third)
    expected = []
    for subject, body in (
        (f"Vote on {title}", "Bea Board voted reject. Approvals so far: 0 of 2 needed."),
        (f"Vote on {title}", "Bea Board voted approve. Approvals so far: 1 of 2 needed."),
        (f"Vote on {title}", "Dee Director voted approve. Approvals so far: 2 of 2 needed."),
        (
            f"Board decision: {title} approved",
            f"The board approved “{title}” with 2 approvals (2 needed), 0 rejections and 0 "
            "abstentions.",
        ),
    ):
        expected += [(user.email, subject, body) for user in people]
    assert _mails(app) == sorted(expected)


def test_a_rejection_is_decided_once_approval_is_out_of_reach(world, app):
    seat_third_board_member(world)
    budget, request = _submit(world)
    approvals.cast_vote(request.id, voter=world.board, choice="reject")
    assert request.status == "pending"  # two votes may still approve
    approvals.cast_vote(request.id, voter=world.board2, choice="abstain")
    assert (request.status, budget.status) == ("rejected", "rejected")
    (entry,) = _entries("approval.rejected")
    assert entry.summary == f"The board rejected “{request.title}”: 0 approve, 1 reject, 1 abstain"
    assert entry.data == {
        "approval_id": request.id,
        "approvals": 0,
        "rejections": 1,
        "abstentions": 1,
    }


def test_withdrawal_is_recorded_and_told(world, app):
    budget, request = _submit(world)
    db.session.commit()
    app.extensions["mail_outbox"] = []
    approvals.withdraw_request(request.id, actor=world.manager)
    assert (request.status, request.decided_by_id) == ("withdrawn", world.manager.id)
    assert request.decided_at == clock.now() and budget.status == "draft"
    entry = _entries()[-1]
    assert (entry.action, entry.actor_id, entry.association_id, entry.subject_id) == (
        "approval.withdrawn",
        world.manager.id,
        world.a.id,
        budget.id,
    )
    assert entry.summary == f"Withdrew “{request.title}” from the board"
    assert entry.data == {"approval_id": request.id}
    db.session.commit()
    body = f"Mona Manager withdrew “{request.title}” from the board's vote."
    assert _mails(app) == sorted(
        (u.email, f"Withdrawn: {request.title}", body)
        for u in (world.manager, world.board, world.board2)
    )


def test_refusals_name_the_reason(world):
    budget, request = _submit(world)
    cases = [
        (
            lambda: approvals.cast_vote(request.id, voter=world.owner, choice="approve"),
            NotAllowed,
            "Only board members vote.",
        ),
        (
            lambda: approvals.withdraw_request(request.id, actor=world.board),
            NotAllowed,
            "Only the manager may withdraw a request.",
        ),
        (
            lambda: approvals.cast_vote(request.id, voter=world.board, choice="maybe"),
            ValidationError,
            "Choose approve, reject or abstain.",
        ),
        (
            lambda: approvals.cast_vote(
                request.id, voter=world.board, choice="approve", comment="x" * 2001
            ),
            ValidationError,
            "Keep the comment under 2,000 characters.",
        ),
        (lambda: approvals.get_request(987654), NotFound, "No such approval request."),
        (
            lambda: approvals.open_request("budget", budget, actor=world.manager),
            type(None),
            None,
        ),
    ]
    for act, error, message in cases[:-1]:
        with pytest.raises(error) as info:
            act()
        assert type(info.value) is error and info.value.message == message
        if error is ValidationError:
            field = "choice" if "Choose" in message else "comment"
            assert info.value.errors == {field: [message]}
    from app.core.errors import Conflict

    with pytest.raises(Conflict) as info:
        approvals.open_request("budget", budget, actor=world.manager)
    assert info.value.message == f"This is already before the board (request {request.id})."
    with pytest.raises(NotAllowed) as info:
        approvals.open_request("budget", budget, actor=world.board)
    assert info.value.message == "Only the manager submits to the board."
    # A comment of exactly 2,000 characters is kept.
    approvals.cast_vote(request.id, voter=world.board, choice="approve", comment="y" * 2000)
    assert request.vote_of(world.board.id).comment == "y" * 2000
    approvals.cast_vote(request.id, voter=world.board2, choice="approve")
    for act, message in (
        (
            lambda: approvals.cast_vote(request.id, voter=world.board, choice="reject"),
            "This request was already decided (approved); votes are closed.",
        ),
        (
            lambda: approvals.withdraw_request(request.id, actor=world.manager),
            "Only a pending request can be withdrawn; this one is approved.",
        ),
    ):
        with pytest.raises(InvalidTransition) as info:
            act()
        assert info.value.message == message


def test_a_recused_member_is_told_why(world):
    _budget, request = _submit(world)
    late = f.UserFactory(name="Late Larry")
    f.MembershipFactory(user=late, association=world.a, role="board", office="director")
    db.session.flush()
    from app.auth import policies

    policies.forget_memberships()
    with pytest.raises(NotAllowed) as info:
        approvals.cast_vote(request.id, voter=late, choice="approve")
    assert info.value.message == (
        "You are recused from this decision, or were not on the board when it was submitted."
    )


@pytest.mark.parametrize(
    ("numerator", "denominator", "error"),
    [
        (1, 1, None),
        (100, 100, None),
        (51, 100, None),
        (2, 3, None),
        (50, 100, "A threshold must be more than half."),
        (1, 2, "A threshold must be more than half."),
        (0, 1, "Enter a fraction such as 2/3 (at most 100ths, at most 1)."),
        (101, 101, "Enter a fraction such as 2/3 (at most 100ths, at most 1)."),
        (4, 3, "Enter a fraction such as 2/3 (at most 100ths, at most 1)."),
        (2, None, "Enter a fraction such as 2/3 (at most 100ths, at most 1)."),
        (None, 3, "Enter a fraction such as 2/3 (at most 100ths, at most 1)."),
        ("2", 3, "Enter a fraction such as 2/3 (at most 100ths, at most 1)."),
    ],
)
def test_threshold_fractions(world, numerator, denominator, error):
    if error is None:
        row = approvals.set_threshold(world.a, "fine", numerator, denominator, actor=world.manager)
        assert (row.numerator, row.denominator, row.subject_type) == (
            numerator,
            denominator,
            "fine",
        )
        assert approvals.threshold_for(world.a.id, "fine") is row
    else:
        with pytest.raises(ValidationError) as info:
            approvals.set_threshold(world.a, "fine", numerator, denominator, actor=world.manager)
        assert info.value.errors == {"numerator": [error]}
        assert approvals.threshold_for(world.a.id, "fine") is None
        assert _entries("approval.threshold") == []


def test_thresholds_are_set_changed_cleared_and_audited(world):
    first = approvals.set_threshold(world.a, "contract", 2, 3, actor=world.manager)
    again = approvals.set_threshold(world.a, "contract", 3, 4, actor=world.manager)
    assert again is first and (again.numerator, again.denominator) == (3, 4)
    assert approvals.threshold_for(world.b.id, "contract") is None
    assert approvals.threshold_for(world.a.id, "budget") is None
    assert approvals.set_threshold(world.a, "contract", None, None, actor=world.manager) is None
    assert approvals.threshold_for(world.a.id, "contract") is None
    assert db.session.scalars(select(Threshold)).all() == []
    # Clearing what is not set changes nothing, and is still recorded.
    assert approvals.set_threshold(world.a, "budget", None, None, actor=world.manager) is None
    entries = _entries("approval.threshold")
    assert {e.action for e in entries} == {"approval.threshold_set"}
    assert [(e.actor_id, e.association_id, e.subject_type, e.subject_id) for e in entries] == [
        (world.manager.id, world.a.id, "association", world.a.id)
    ] * 4
    assert [e.summary for e in entries] == [
        "Set the board threshold for contract to 2/3",
        "Set the board threshold for contract to 3/4",
        "Set the board threshold for contract to majority",
        "Set the board threshold for budget to majority",
    ]
    assert [e.data for e in entries] == [
        {"subject_type": "contract", "numerator": 2, "denominator": 3},
        {"subject_type": "contract", "numerator": 3, "denominator": 4},
        {"subject_type": "contract", "numerator": None, "denominator": None},
        {"subject_type": "budget", "numerator": None, "denominator": None},
    ]


def test_a_threshold_applies_to_its_kind_in_its_association_only(world):
    approvals.set_threshold(world.a, "fine", 3, 4, actor=world.manager)
    approvals.set_threshold(world.b, "budget", 3, 4, actor=world.outsider)
    _budget, request = _submit(world)
    assert (request.required, request.threshold_label) == (2, "majority")
    approvals.set_threshold(world.a, "budget", 1, 1, actor=world.manager)
    from app.budgets import services as budgets

    unanimous = budgets.submit_budget(draft(world, year=2029), actor=world.manager)
    assert (unanimous.required, unanimous.threshold_label) == (2, "1/1")
    approvals.set_threshold(world.a, "budget", 3, 5, actor=world.manager)
    seat_third_board_member(world)
    three_fifths = budgets.submit_budget(draft(world, year=2030), actor=world.manager)
    assert (three_fifths.required, three_fifths.threshold_label) == (2, "3/5")


def test_an_empty_board_is_told_to_seat_members(world):
    from app.auth import policies
    from app.core.errors import Conflict

    for user in (world.board, world.board2):
        for membership in list(user.memberships):
            db.session.delete(membership)
    db.session.flush()
    policies.forget_memberships()
    budget = draft(world)
    with pytest.raises(Conflict) as info:
        approvals.open_request("budget", budget, actor=world.manager)
    assert info.value.message == (
        "No board member may vote on this: the board is empty or every member is recused. "
        "Seat board members first."
    )


@pytest.mark.parametrize(
    ("eligible", "fraction", "required"),
    [(5, (2, 3), 4), (6, (2, 3), 4), (4, (3, 4), 3), (3, (1, 1), 3), (1, (2, 3), 1)],
)
def test_required_votes_round_up_to_whole_members(eligible, fraction, required):
    threshold = Threshold(numerator=fraction[0], denominator=fraction[1])
    assert approvals.required_votes(eligible, threshold) == (
        required,
        f"{fraction[0]}/{fraction[1]}",
    )
    assert approvals.required_votes(eligible, None)[1] == "majority"


def test_awaiting_vote_lists_the_oldest_first(world):
    from datetime import timedelta

    _first_budget, first = _submit(world)
    clock.advance(timedelta(hours=1))
    second_budget = draft(world, year=2028)
    from app.budgets import services as budgets

    second = budgets.submit_budget(second_budget, actor=world.manager)
    assert [r.id for r in approvals.awaiting_vote(world.board)] == [first.id, second.id]
    approvals.cast_vote(second.id, voter=world.board, choice="approve")
    assert [r.id for r in approvals.awaiting_vote(world.board)] == [first.id]
    approvals.withdraw_request(first.id, actor=world.manager)
    assert approvals.awaiting_vote(world.board) == []
    assert [r.id for r in approvals.awaiting_vote(world.board2)] == [second.id]


def test_seated_board_is_the_associations_board_now(world):
    seat_third_board_member(world)
    assert len(approvals.seated_board_ids(world.a.id)) == 3
    assert world.board.id in approvals.seated_board_ids(world.a.id)
    assert approvals.seated_board_ids(world.b.id) == set()
    assert db.session.get(ApprovalRequest, 1) is None


def test_a_withdrawn_subject_may_be_submitted_again(world):
    budget, request = _submit(world)
    approvals.withdraw_request(request.id, actor=world.manager)
    from app.budgets import services as budgets

    again = budgets.submit_budget(budget, actor=world.manager)
    assert again.id != request.id and again.status == "pending"
    assert budget.approval_id == again.id


def test_a_pending_request_blocks_only_its_own_kind_of_subject(world):
    from datetime import date

    from app.vendors import contracts
    from app.vendors import services as vendors

    budget, _request = _submit(world)
    vendor = vendors.create_vendor(
        world.a, {"name": "GreenCo", "category": "pool"}, actor=world.manager
    )
    contract = contracts.create_contract(
        world.a,
        {
            "vendor_id": vendor.id,
            "title": "Pool care",
            "start_date": date(2027, 4, 1),
            "end_date": date(2027, 12, 31),
            "amount": "100",
            "billing": "monthly",
            "notice_days": 30,
        },
        actor=world.manager,
    )
    assert contract.id == budget.id  # the same id, another kind of subject
    other = contracts.submit_contract(contract, actor=world.manager)
    assert other.status == "pending" and other.subject_type == "contract"
