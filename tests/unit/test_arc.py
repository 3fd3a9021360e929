"""Architectural review's services, over every (state, action) pair, allowed and refused."""

from __future__ import annotations

import pytest

from app.arc import appeals, decisions, services
from app.arc.models import ArcAppeal, ArcStatus
from app.arc.profiles import arc_profile
from app.core.errors import Conflict, NotAllowed, ValidationError
from app.extensions import db

STATES = ("submitted", "proposed", "approved", "denied", "appealed", "withdrawn")


def _request(world, state: str):
    """A request of the owner's unit brought to ``state``."""
    request = services.submit_request(
        world.a,
        unit_id=world.owner_unit.id,
        title="Solar panels",
        description="On the roof.",
        actor=world.owner,
    )
    if state == "proposed":
        request.proposed = "approved"
    elif state in ("approved", "denied", "appealed"):
        request.decision = "approved" if state == "approved" else "denied"
        request.reasons = "" if state == "approved" else "Too tall."
        request.status = state
        if state == "appealed":
            db.session.add(ArcAppeal(request=request, message="x", created_at=request.submitted_at))
    elif state == "withdrawn":
        request.status = ArcStatus.WITHDRAWN.value
    db.session.flush()
    return request


def _act(world, request, action: str):
    if action == "message":
        return services.add_message(request, message="A question", actor=world.manager)
    if action == "withdraw":
        return services.withdraw(request, actor=world.owner)
    if action == "propose":
        return decisions.propose_decision(request, decision="approved", actor=world.manager)
    return appeals.appeal(request, message="Please", actor=world.owner)


ALLOWED = {
    ("submitted", "message"),
    ("proposed", "message"),
    ("submitted", "withdraw"),
    ("submitted", "propose"),
    ("denied", "appeal"),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ["message", "withdraw", "propose", "appeal"])
def test_state_and_action(world, state, action):
    request = _request(world, state)
    if (state, action) in ALLOWED:
        _act(world, request, action)
    else:
        with pytest.raises(Conflict):
            _act(world, request, action)


def test_who_may_act(world):
    request = _request(world, "submitted")
    with pytest.raises(NotAllowed):
        services.add_message(request, message="Hi", actor=world.board)
    with pytest.raises(NotAllowed):
        decisions.propose_decision(request, decision="approved", actor=world.owner)
    with pytest.raises(NotAllowed):
        services.withdraw(request, actor=world.board)
    with pytest.raises(NotAllowed):
        services.submit_request(
            world.a, unit_id=world.owner_unit.id, title="x", description="y", actor=world.board
        )


@pytest.mark.parametrize("profile", ["default", "CA", "TX", "FL"])
def test_a_denial_needs_reasons_naming_the_rule(world, profile):
    world.a.compliance_profile = profile
    request = _request(world, "submitted")
    with pytest.raises(ValidationError) as info:
        decisions.propose_decision(request, decision="denied", actor=world.manager)
    assert info.value.errors["reasons"] == [str(arc_profile(profile).denial_reasons_rule)]
    with pytest.raises(ValidationError) as info:
        decisions.propose_decision(
            request, decision="approved_with_conditions", actor=world.manager
        )
    assert "conditions" in info.value.errors


def test_the_profiles_cite_the_statutes():
    assert "4765(a)(4)" in str(arc_profile("CA").denial_reasons_rule)
    assert "open meeting" in str(arc_profile("CA").denial_wording)
    texas = arc_profile("TX")
    assert texas.denial_certified and texas.appeal_days == 30
    assert "209.00505(d)" in str(texas.denial_reasons_rule)
    assert arc_profile("XX") is arc_profile("default")


def test_settings_are_bounded(world):
    with pytest.raises(ValidationError):
        services.set_settings(world.a, review_days=0, actor=world.manager)
    with pytest.raises(ValidationError):
        services.set_settings(world.a, deemed_approved="yes", actor=world.manager)
    assert services.set_settings(world.a, review_days=30, actor=world.manager).review_days == 30
    assert services.settings_of(world.a.id).review_days == 30


def test_texas_board_members_stay_off_the_committee(world):
    from app.associations import memberships
    from tests import factories as f

    texas = world.b  # Beta Hills HOA, Texas
    board = f.UserFactory(name="Tex Board")
    memberships.add_membership(
        texas, user=board, role="board", office="director", actor=world.admin
    )
    # 209.00505 applies only to associations of more than 40 lots ((b)(1)).
    memberships.add_membership(texas, user=board, role="arc", actor=world.admin)
    other = f.UserFactory(name="Tex Other")
    memberships.add_membership(
        texas, user=other, role="board", office="director", actor=world.admin
    )
    for n in range(40):
        f.UnitFactory(association=texas, label=f"L{n}", street_address=f"{n} Ranch Road")
    db.session.flush()
    with pytest.raises(ValidationError) as info:
        memberships.add_membership(texas, user=other, role="arc", actor=world.admin)
    assert "209.00505(c)" in info.value.errors["role"][0]
    committee = f.UserFactory(name="Tex Committee")
    memberships.add_membership(texas, user=committee, role="arc", actor=world.admin)
    with pytest.raises(ValidationError):
        memberships.add_membership(
            texas, user=committee, role="board", office="director", actor=world.admin
        )
