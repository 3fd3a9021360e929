"""Every permission predicate, for every role, in the association and outside it."""

from datetime import date

import pytest
from flask_login import AnonymousUserMixin

from app.approvals import policies as approval_policies
from app.approvals.models import ApprovalRequest, EligibleVoter
from app.auth import policies
from app.budgets import policies as budget_policies
from app.budgets.models import Budget
from app.compliance import policies as compliance_policies
from app.compliance.models import Violation
from app.core import clock
from app.core.errors import NotFound
from app.extensions import db
from app.vendors import policies as vendor_policies
from tests import factories as f

ROLES = ["admin", "manager", "board", "owner", "outsider", "nobody"]
STAFF = {"admin", "manager"}
STAFF_AND_BOARD = {"admin", "manager", "board"}

# predicate(user, association A) -> the roles for which it holds.
ASSOCIATION_PREDICATES = {
    policies.is_member: {"admin", "manager", "board", "owner"},
    policies.is_manager: STAFF,
    policies.is_board: {"board"},
    policies.can_edit_association: STAFF,
    policies.can_manage_units: STAFF,
    policies.can_manage_members: STAFF,
    policies.can_list_units: STAFF_AND_BOARD,
    policies.can_list_people: STAFF_AND_BOARD,
    policies.can_see_contact_details: STAFF_AND_BOARD,
    policies.can_read_audit: STAFF_AND_BOARD,
    approval_policies.can_see_all_requests: STAFF_AND_BOARD,
    approval_policies.can_set_thresholds: STAFF,
    budget_policies.can_manage_budgets: STAFF,
    budget_policies.can_see_drafts: STAFF_AND_BOARD,
    compliance_policies.can_manage: STAFF,
    compliance_policies.can_see_all: STAFF_AND_BOARD,
    vendor_policies.can_manage: STAFF,
    vendor_policies.can_see_vendors: STAFF_AND_BOARD,
}


@pytest.mark.parametrize("predicate", list(ASSOCIATION_PREDICATES), ids=lambda p: p.__name__)
def test_association_predicates_by_role(world, predicate):
    holds = {role for role in ROLES if predicate(world.user(role), world.a)}
    assert holds == ASSOCIATION_PREDICATES[predicate]
    # An association id answers the same as the association.
    assert {role for role in ROLES if predicate(world.user(role), world.a.id)} == holds


@pytest.mark.parametrize("predicate", list(ASSOCIATION_PREDICATES), ids=lambda p: p.__name__)
def test_nobody_signed_in_may_do_anything(world, predicate):
    assert predicate(AnonymousUserMixin(), world.a.id) is False


def test_global_predicates(world):
    for predicate in (policies.can_create_association, policies.can_manage_users):
        assert {role for role in ROLES if predicate(world.user(role))} == {"admin"}
    assert policies.is_admin(None) is False
    assert policies.is_manager(None, world.a) is False
    assert policies.is_member(None, world.a) is False


def test_roles_units_and_offices(world):
    assert policies.roles_in(world.manager, world.a) == frozenset({"manager"})
    assert policies.roles_in(world.outsider, world.a) == frozenset()
    assert policies.roles_in(world.outsider, world.b.id) == frozenset({"manager"})
    assert policies.roles_in(None, world.a) == frozenset()
    assert policies.roles_in(AnonymousUserMixin(), world.a) == frozenset()
    assert policies.owned_unit_ids(world.owner, world.a) == {world.owner_unit.id}
    assert policies.owned_unit_ids(world.owner, world.b) == set()
    assert policies.owned_unit_ids(world.board, world.a) == set()
    assert policies.offices_in(world.board, world.a.id) == {"president"}
    assert policies.offices_in(world.board2, world.a) == {"treasurer"}
    assert policies.offices_in(world.manager, world.a) == set()
    assert policies.offices_in(world.board, world.b) == set()
    # The admin holds no role anywhere, yet may see and manage everything.
    assert policies.roles_in(world.admin, world.a) == frozenset()
    assert policies.is_member(world.admin, world.b) and policies.is_manager(world.admin, world.b)


def test_memberships_are_read_once_per_request_until_forgotten(world):
    assert not policies.is_board(world.owner, world.a)
    f.MembershipFactory(user=world.owner, association=world.a, role="board", office="director")
    db.session.flush()
    assert not policies.is_board(world.owner, world.a)  # the request's cached rows
    policies.forget_memberships()
    assert policies.is_board(world.owner, world.a)
    assert policies.offices_in(world.owner, world.a) == {"director"}


def test_visible_and_gotten_associations(world):
    from app.associations import policies as association_policies

    def visible(user):
        return set(db.session.scalars(association_policies.visible_associations(user)))

    assert visible(world.admin) == {world.a, world.b}
    assert visible(world.manager) == {world.a}
    assert visible(world.outsider) == {world.b}
    assert visible(world.nobody) == set()
    assert association_policies.get_association(world.owner, world.a.id) is world.a
    assert association_policies.get_association(world.admin, world.b.id) is world.b
    for user, aid in ((world.owner, world.b.id), (world.nobody, world.a.id), (world.admin, 9999)):
        with pytest.raises(NotFound) as info:
            association_policies.get_association(user, aid)
        assert info.value.message == "No such association."


def _violation(world, unit, status="noticed"):
    from app.compliance import rules

    rule = rules.create_rule(
        world.a,
        {
            "code": f"P-{unit.id}-{status}",
            "title": "t",
            "description": "d",
            "cure_days": 1,
            "fine_amount": 1,
        },
        actor=world.manager,
    )
    violation = Violation(
        association_id=world.a.id,
        unit_id=unit.id,
        rule_id=rule.id,
        status=status,
        opened_on=date(2027, 1, 1),
        closed_at=clock.now() if status == "closed" else None,
    )
    db.session.add(violation)
    db.session.flush()
    return violation


def test_violation_predicates(world):
    mine = _violation(world, world.owner_unit)
    closed = _violation(world, world.owner_unit, status="closed")
    other = _violation(world, f.UnitFactory(association=world.a))
    for predicate, expected in (
        (compliance_policies.owns_unit_of, {"owner"}),
        (compliance_policies.can_view_violation, STAFF_AND_BOARD | {"owner"}),
        (compliance_policies.can_respond, {"owner"}),
    ):
        assert {r for r in ROLES if predicate(world.user(r), mine)} == expected
    assert {r for r in ROLES if compliance_policies.can_view_violation(world.user(r), other)} == (
        STAFF_AND_BOARD
    )
    assert not compliance_policies.owns_unit_of(world.owner, other)
    assert not compliance_policies.can_respond(world.owner, other)
    assert not compliance_policies.can_respond(world.owner, closed)
    assert compliance_policies.can_view_violation(world.owner, closed)


def test_budget_predicates(world):
    from tests.unit.budget_helpers import in_state

    budgets = {
        status: in_state(world, status, year=year)
        for year, status in ((2027, "approved"), (2028, "draft"), (2029, "pending_approval"))
    }
    for status, readers in (
        ("approved", STAFF_AND_BOARD | {"owner"}),
        ("draft", STAFF_AND_BOARD),
        ("pending_approval", STAFF_AND_BOARD),
    ):
        budget = budgets[status]
        assert {r for r in ROLES if budget_policies.can_view_budget(world.user(r), budget)} == (
            readers
        )
        listed = {
            r
            for r in ROLES
            if budget
            in db.session.scalars(budget_policies.visible_budgets(world.user(r), world.a.id))
        }
        assert listed == readers
        variance = {r for r in ROLES if budget_policies.can_see_variance(world.user(r), budget)}
        assert variance == (STAFF_AND_BOARD if status == "approved" else set())
    other = Budget(
        association_id=world.b.id,
        fiscal_year=2027,
        version=1,
        status="draft",
        created_at=clock.now(),
    )
    db.session.add(other)
    db.session.flush()
    assert other not in set(
        db.session.scalars(budget_policies.visible_budgets(world.admin, world.a.id))
    )
    assert not budget_policies.can_view_budget(world.owner, other)
    assert budget_policies.can_view_budget(world.outsider, other)


def _request(world, status="pending", voters=()):
    request = ApprovalRequest(
        association_id=world.a.id,
        subject_type="budget",
        subject_id=0,
        title="Budget",
        status=status,
        required=1,
        threshold_label="majority",
        submitted_at=clock.now(),
        decided_at=None if status == "pending" else clock.now(),
        voters=[EligibleVoter(user_id=user.id) for user in voters],
    )
    db.session.add(request)
    db.session.flush()
    return request


def test_approval_request_predicates(world):
    pending = _request(world, voters=[world.board])
    decided = _request(world, status="approved", voters=[world.board])
    assert {r for r in ROLES if approval_policies.can_vote(world.user(r), pending)} == {"board"}
    assert not approval_policies.can_vote(world.board2, pending)  # not an eligible voter
    assert not approval_policies.can_vote(world.board, decided)
    assert {r for r in ROLES if approval_policies.can_withdraw(world.user(r), pending)} == STAFF
    assert not approval_policies.can_withdraw(world.manager, decided)


def test_owners_see_only_decided_requests_that_concern_them(world):
    from tests.unit.budget_helpers import in_state

    approved = in_state(world, "approved")
    request = db.session.get(ApprovalRequest, approved.approval_id)
    pending = in_state(world, "pending_approval", year=2029)
    open_request = db.session.get(ApprovalRequest, pending.approval_id)
    seen = {r for r in ROLES if approval_policies.can_view(world.user(r), request)}
    assert seen == STAFF_AND_BOARD | {"owner"}
    assert approval_policies.can_view(world.owner, request, subject=approved)
    seen = {r for r in ROLES if approval_policies.can_view(world.user(r), open_request)}
    assert seen == STAFF_AND_BOARD
    # A decided request whose subject is gone concerns nobody.
    request.subject_id = 987654
    assert not approval_policies.can_view(world.owner, request)


def test_an_object_that_is_no_signed_in_user_holds_no_role(world):
    from types import SimpleNamespace

    stranger = SimpleNamespace(id=world.manager.id)  # no is_authenticated at all
    assert policies.roles_in(stranger, world.a) == frozenset()
    assert not policies.is_manager(stranger, world.a)
