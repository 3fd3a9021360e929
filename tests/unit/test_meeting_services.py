"""The meetings workflow without HTTP: every (state, action) pair, allowed or refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core import clock
from app.core.errors import Conflict, InvalidTransition, NotAllowed
from app.extensions import db
from app.meetings import agenda, proceedings, scheduling
from app.meetings.models import Attendance
from tests import factories as f

NOW = datetime(2027, 3, 4, 18, 0, tzinfo=UTC)
STARTS = NOW + timedelta(days=10)


@pytest.fixture
def setup(world):
    clock.freeze(NOW)
    world.a.board_decisions = None
    secretary = f.UserFactory(name="Sam Secretary")
    f.MembershipFactory(user=secretary, association=world.a, role="board", office="secretary")
    db.session.flush()
    meeting = scheduling.schedule_meeting(
        world.a, kind="board", starts_at=STARTS, location="Clubhouse", actor=world.manager
    )
    item = agenda.add_agenda_item(meeting, title="Pool hours", actor=world.manager)
    yield world, secretary, meeting, item
    clock.unfreeze()


def _to_state(state, world, meeting):
    if state == "before_its_date":
        return
    if state == "cancelled":
        scheduling.cancel_meeting(meeting, reason="No business", actor=world.manager)
        return
    clock.freeze(STARTS + timedelta(hours=1))
    if state == "adjourned":
        proceedings.adjourn_meeting(meeting, actor=world.manager)


def _act(action, world, secretary, meeting, item):
    people = (world.board, world.board2, secretary)
    if action == "add_item":
        return agenda.add_agenda_item(
            meeting, title="Late item", added_under="emergency", actor=world.manager
        )
    if action == "attendance":
        return proceedings.record_attendance(
            meeting, user_id=world.board.id, present=True, actor=world.manager
        )
    if action == "motion":
        for person in people:
            row = next((a for a in meeting.attendance if a.user_id == person.id), None)
            if row is None:
                meeting.attendance.append(
                    Attendance(user_id=person.id, present=True, recorded_at=clock.now())
                )
        db.session.flush()
        return proceedings.move_motion(
            meeting,
            text="Open at 7",
            agenda_item_id=item.id,
            moved_by=world.board.id,
            seconded_by=world.board2.id,
            actor=world.manager,
        )
    if action == "adjourn":
        return proceedings.adjourn_meeting(meeting, actor=world.manager)
    if action == "cancel":
        return scheduling.cancel_meeting(meeting, reason="Storm", actor=world.manager)
    raise AssertionError(action)


ALLOWED = {
    ("before_its_date", "add_item"),
    ("before_its_date", "cancel"),
    ("on_its_date", "add_item"),
    ("on_its_date", "attendance"),
    ("on_its_date", "motion"),
    ("on_its_date", "adjourn"),
}
STATES = ["before_its_date", "on_its_date", "adjourned", "cancelled"]
ACTIONS = ["add_item", "attendance", "motion", "adjourn", "cancel"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_and_action(setup, state, action):
    world, secretary, meeting, item = setup
    _to_state(state, world, meeting)
    if (state, action) in ALLOWED:
        assert _act(action, world, secretary, meeting, item) is not None
    else:
        with pytest.raises(Conflict):
            _act(action, world, secretary, meeting, item)


@pytest.mark.parametrize("action", ACTIONS)
def test_board_members_other_than_the_secretary_and_owners_may_not(setup, action):
    world, _secretary, meeting, item = setup
    clock.freeze(STARTS + timedelta(hours=1))
    for person in (world.board, world.owner, world.outsider):
        with pytest.raises(NotAllowed):
            if action == "add_item":
                agenda.add_agenda_item(meeting, title="x", added_under="emergency", actor=person)
            elif action == "attendance":
                proceedings.record_attendance(
                    meeting, user_id=world.board.id, present=True, actor=person
                )
            elif action == "motion":
                proceedings.move_motion(
                    meeting,
                    text="x",
                    agenda_item_id=item.id,
                    moved_by=world.board.id,
                    seconded_by=world.board2.id,
                    actor=person,
                )
            elif action == "adjourn":
                proceedings.adjourn_meeting(meeting, actor=person)
            else:
                scheduling.cancel_meeting(meeting, reason="x", actor=person)


def test_the_secretary_runs_but_does_not_cancel(setup):
    _world, secretary, meeting, _item = setup
    agenda.add_agenda_item(meeting, title="Reserve study", actor=secretary)
    with pytest.raises(NotAllowed):
        scheduling.cancel_meeting(meeting, reason="x", actor=secretary)
    clock.freeze(STARTS + timedelta(hours=1))
    proceedings.record_attendance(meeting, user_id=secretary.id, present=True, actor=secretary)
    assert proceedings.adjourn_meeting(meeting, actor=secretary).status == "adjourned"
    with pytest.raises(InvalidTransition):
        proceedings.adjourn_meeting(meeting, actor=secretary)
