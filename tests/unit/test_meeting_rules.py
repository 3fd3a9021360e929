"""The meeting rules and venues as data: every profile's notice period at its boundary, the
first lawful start, executive topics, and which venue changes each profile allows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from app.approvals import venues
from app.core import clock
from app.core.errors import Conflict, ValidationError
from app.meetings import rules
from app.meetings.profiles import MEETING_RULES, meeting_rules

NOW = datetime(2027, 3, 4, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles, 12:00 in Chicago
ZONES = {
    "default": "America/Los_Angeles",
    "CA": "America/Los_Angeles",
    "TX": "America/Chicago",
    "FL": "America/New_York",
}


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)
    yield
    clock.unfreeze()


CASES = [
    (profile, kind, period)
    for profile, table in MEETING_RULES.items()
    for kind, period in table.notice.items()
]


@pytest.mark.parametrize(("profile", "kind", "period"), CASES)
def test_each_notice_period_at_its_boundary(profile, kind, period):
    zone = ZONES[profile]
    first = rules.first_lawful_start(period, zone, NOW)
    rules.check_notice(profile, kind, first, zone)  # allowed exactly at the first start
    with pytest.raises(Conflict) as refused:
        rules.check_notice(profile, kind, first - timedelta(minutes=1), zone)
    assert period.rule in refused.value.message and "first lawful start" in refused.value.message
    rules.check_notice(profile, kind, first - timedelta(minutes=1), zone, emergency=True)


def test_days_count_to_the_local_date_hours_to_the_moment():
    ca = meeting_rules("CA").notice["board"]
    first = rules.first_lawful_start(ca, "America/Los_Angeles", NOW)
    assert first.isoformat() == "2027-03-08T00:00:00-08:00"
    tx = meeting_rules("TX").notice["board"]
    assert rules.first_lawful_start(tx, "America/Chicago", NOW) == NOW + timedelta(hours=144)


def test_fl_special_assessments_need_the_longer_notice():
    fl = meeting_rules("FL")
    assert rules.period_for(fl, "board", {"special_assessment"}) is fl.long_notice
    assert rules.period_for(fl, "board", {"use_rule", "action"}) is fl.long_notice
    assert rules.period_for(fl, "board", {"action"}) is fl.notice["board"]
    assert rules.period_for(meeting_rules("CA"), "board", {"special_assessment"}).days == 4


def test_executive_topics_per_profile():
    assert meeting_rules("CA").executive_topics == (
        "litigation",
        "contracts",
        "member_discipline",
        "personnel",
        "assessment_payment",
    )
    assert "enforcement" in meeting_rules("TX").executive_topics
    assert "assessment_payment" not in meeting_rules("TX").executive_topics
    assert set(meeting_rules("FL").executive_topics) >= set(meeting_rules("TX").executive_topics)
    assert "4935(a)" in meeting_rules("CA").topics_rule


def _association(profile, chosen=None):
    return SimpleNamespace(id=1, compliance_profile=profile, board_decisions=chosen)


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("default", ["online"] * 4),
        ("CA", ["meeting"] * 4),
        ("TX", ["meeting", "online", "meeting", "online"]),
        ("FL", ["meeting", "online", "committee", "online"]),
    ],
)
def test_defaults_per_profile(profile, expected):
    decided = venues.board_decisions(_association(profile))
    assert [decided[k] for k in ("budget", "contract", "fine", "minutes")] == expected
    assert decided["arc_request"] == decided["contract"]
    assert decided["arc_appeal"] == decided["budget"]


@pytest.mark.parametrize("profile", ["default", "CA", "TX", "FL"])
@pytest.mark.parametrize("kind", ["budget", "contract", "fine", "minutes"])
@pytest.mark.parametrize("venue", ["online", "meeting"])
def test_which_changes_each_profile_allows(profile, kind, venue):
    rule = venues.profile_rule(profile, kind)
    association = _association(profile)
    refused = (rule.fixed and venue != rule.venue) or (venue == "online" and rule.venue != "online")
    if refused:
        with pytest.raises(Conflict) as error:
            venues.check_board_decisions(association, {kind: venue})
        assert rule.citation in error.value.message
    else:
        chosen = venues.check_board_decisions(association, {kind: venue})
        association.board_decisions = chosen
        assert venues.board_decisions(association)[kind] == venue


@pytest.mark.parametrize(
    "changes", [{"arc_request": "meeting"}, {"pool": "meeting"}, {"budget": "mail"}, ["budget"]]
)
def test_unknown_kinds_and_venues_are_422(changes):
    with pytest.raises(ValidationError) as error:
        venues.check_board_decisions(_association("default"), changes)
    assert "board_decisions" in error.value.errors
