"""What the ladder records and says: letters, wording, hearings, fines, their audit entries."""

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.approvals import services as approvals
from app.compliance import conversation, fines, hearings, inspections, ladder, outcomes, wording
from app.compliance import services as compliance
from app.compliance.letter_bodies import DEFAULT_BODIES
from app.compliance.letter_models import LetterTemplate
from app.compliance.models import Fine
from app.core import clock
from app.core.audit import AuditEntry
from app.core.errors import Conflict, InvalidTransition, NotFound, ValidationError
from app.extensions import db
from tests import factories as f
from tests.unit.compliance_helpers import (
    START,
    hearing_time,
    make_rule,
    noticed,
    open_violation,
    record_held,
    through_hearing,
)


def _entries(prefix):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like(f"{prefix}%")).order_by(AuditEntry.id)
    ).all()


def _refusal(act):
    with pytest.raises((Conflict, ValidationError, InvalidTransition, NotFound)) as info:
        act()
    return type(info.value), info.value.message


def _propose(violation, world, amount="50", reason="Bins left out", health=False):
    return fines.propose_fine(
        violation, amount=amount, reason=reason, health_safety_finding=health, actor=world.manager
    )


# --- wording --------------------------------------------------------------------------------


def test_saving_wording_is_audited_and_an_empty_body_restores_the_default(world):
    clock.freeze(START)
    assert wording.template_body(world.a.id, "courtesy") == DEFAULT_BODIES["courtesy"]
    row = wording.save_template(
        world.a, "courtesy", "<p>One {{ owner_names }}</p>", actor=world.manager
    )
    assert (row.association_id, row.kind, row.updated_at) == (world.a.id, "courtesy", clock.now())
    clock.advance(timedelta(minutes=5))
    again = wording.save_template(
        world.a, "courtesy", "<p>Two {{ owner_names }}</p>", actor=world.manager
    )
    assert again is row and row.updated_at == clock.now()
    assert wording.template_body(world.a.id, "courtesy") == "<p>Two {{ owner_names }}</p>"
    assert wording.template_body(world.b.id, "courtesy") == DEFAULT_BODIES["courtesy"]
    assert wording.template_body(world.a.id, "violation") == DEFAULT_BODIES["violation"]
    assert wording.save_template(world.a, "courtesy", "   ", actor=world.manager) is None
    assert db.session.scalars(select(LetterTemplate)).all() == []
    assert wording.save_template(world.a, "fine", "", actor=world.manager) is None
    entries = _entries("letter_template.")
    assert [(e.actor_id, e.association_id, e.subject_type) for e in entries] == [
        (world.manager.id, world.a.id, "letter_template")
    ] * 4
    assert [e.subject_id for e in entries] == [row.id, row.id, None, None]
    assert [e.summary for e in entries] == [
        "Changed the wording of the courtesy letter (English)",
        "Changed the wording of the courtesy letter (English)",
        "Changed the wording of the courtesy letter (English)",
        "Changed the wording of the fine letter (English)",
    ]
    assert [e.data for e in entries] == [
        {
            "kind": "courtesy",
            "language": "en",
            "before": DEFAULT_BODIES["courtesy"],
            "after": "<p>One {{ owner_names }}</p>",
        },
        {
            "kind": "courtesy",
            "language": "en",
            "before": "<p>One {{ owner_names }}</p>",
            "after": "<p>Two {{ owner_names }}</p>",
        },
        {
            "kind": "courtesy",
            "language": "en",
            "before": "<p>Two {{ owner_names }}</p>",
            "after": DEFAULT_BODIES["courtesy"],
        },
        {
            "kind": "fine",
            "language": "en",
            "before": DEFAULT_BODIES["fine"],
            "after": DEFAULT_BODIES["fine"],
        },
    ]
    assert _refusal(lambda: wording.save_template(world.a, "sonnet", "x", actor=world.manager)) == (
        NotFound,
        "No such letter kind.",
    )


# --- letters --------------------------------------------------------------------------------


def test_an_issued_letter_keeps_what_was_issued_and_records_it(world):
    violation = open_violation(world)
    clock.advance(timedelta(hours=2))
    letter = ladder.issue_letter(violation, "courtesy", actor=world.manager)
    assert (letter.association_id, letter.violation_id, letter.kind) == (
        world.a.id,
        violation.id,
        "courtesy",
    )
    assert (letter.issued_on, letter.issued_at, letter.issued_by_id) == (
        date(2027, 3, 1),
        clock.now(),
        world.manager.id,
    )
    assert letter.recipient == "Olivia Owner\n12 Oak Lane"
    assert letter.sha256 == hashlib.sha256(letter.pdf).hexdigest() and letter.page_count == 1
    assert (letter.batch_id, letter.mailed_at, letter.tracking_number) == (None, None, None)
    # A courtesy notice sets the cure date but not the status.
    assert (violation.status, violation.cure_by) == ("open", date(2027, 3, 15))
    (entry,) = _entries("letter.")
    assert (entry.action, entry.actor_id, entry.subject_type, entry.subject_id) == (
        "letter.courtesy",
        world.manager.id,
        "violation",
        violation.id,
    )
    assert entry.summary == "Issued the courtesy letter for ARC-1 at unit 12B"
    assert entry.data == {"letter_id": letter.id, "sha256": letter.sha256, "cure_by": "2027-03-15"}
    assert violation.letter("courtesy") is letter and violation.letter("fine") is None


def test_the_notice_of_violation_restarts_the_cure_period_after_a_courtesy_notice(world):
    violation = open_violation(world)
    ladder.issue_letter(violation, "courtesy", actor=world.manager)
    clock.freeze(START + timedelta(days=15))
    notice = ladder.issue_letter(violation, "violation", actor=world.manager)
    assert violation.status == "noticed"
    assert violation.cure_by == notice.issued_on + timedelta(days=14) == date(2027, 3, 30)
    assert _entries("letter.violation")[0].data["cure_by"] == "2027-03-30"


def test_letters_go_by_mail_to_owners_who_agreed(world, app):
    from app.delivery import services as delivery

    delivery.set_preferences(world.owner, delivery="email")
    co_owner = f.UserFactory(name="Carl Coowner")
    f.MembershipFactory(user=co_owner, association=world.a, role="owner", unit=world.owner_unit)
    delivery.set_preferences(co_owner, delivery="both")
    declined = f.UserFactory(name="Dana Declined")
    f.MembershipFactory(user=declined, association=world.a, role="owner", unit=world.owner_unit)
    delivery.set_preferences(declined, delivery="mail")
    gone = f.UserFactory(name="Gus Gone", active=False)
    f.MembershipFactory(user=gone, association=world.a, role="owner", unit=world.owner_unit)
    delivery.set_preferences(gone, delivery="email")
    db.session.flush()
    db.session.expire(world.owner_unit, ["memberships"])
    app.extensions["mail_outbox"] = []
    violation = open_violation(world)
    letter = ladder.issue_letter(violation, "courtesy", actor=world.manager)
    db.session.commit()
    mails = sorted(app.extensions["mail_outbox"], key=lambda m: m["To"])
    assert [m["To"] for m in mails] == sorted([world.owner.email, co_owner.email])
    assert {m["Subject"] for m in mails} == {"Courtesy notice from Alpha Grove HOA"}
    bodies = {m["To"]: m.get_body(("plain",)).get_content().strip() for m in mails}
    assert bodies[world.owner.email] == (
        "Dear Olivia Owner,\n\nAttached is a letter about 12 Oak Lane. You can also read it, and "
        "answer it, in the owner portal.\n\nAlpha Grove HOA"
    )
    (attachment,) = list(mails[0].iter_attachments())
    assert attachment.get_filename() == f"letter-{letter.id}-courtesy.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == letter.pdf


@pytest.mark.parametrize(
    ("step", "kind", "error", "message"),
    [
        (None, "memo", ValidationError, "Choose courtesy, violation, hearing, fine or closure."),
        (
            None,
            "hearing",
            Conflict,
            "The notice of hearing is issued by scheduling the hearing, which checks the "
            "notice period.",
        ),
        (
            "courtesy",
            "courtesy",
            Conflict,
            "A courtesy notice was already issued on March 1, 2027; each letter is issued once.",
        ),
        (
            "courtesy",
            "violation",
            Conflict,
            "After a courtesy notice, the notice of violation waits until the cure deadline of "
            "March 15, 2027 has passed. It becomes possible on March 16, 2027.",
        ),
        ("closed", "closure", None, None),
        ("closure", "closure", Conflict, "The closure letter was already issued."),
    ],
)
def test_letter_refusals(world, step, kind, error, message):
    violation = open_violation(world)
    if step == "courtesy":
        ladder.issue_letter(violation, "courtesy", actor=world.manager)
    if step in ("closed", "closure"):
        outcomes.close_violation(violation, notes="dismissed", actor=world.manager)
    if step == "closure":
        ladder.issue_letter(violation, "closure", actor=world.manager)
    if error is None:
        assert ladder.issue_letter(violation, kind, actor=world.manager).kind == kind
        return
    before = len(violation.letters)
    assert _refusal(lambda: ladder.issue_letter(violation, kind, actor=world.manager)) == (
        error,
        message,
    )
    assert len(violation.letters) == before


def test_after_the_courtesy_cure_date_the_notice_of_violation_may_follow(world):
    violation = open_violation(world)
    ladder.issue_letter(violation, "courtesy", actor=world.manager)
    clock.freeze(START + timedelta(days=14))  # the cure date itself: still waiting
    with pytest.raises(Conflict):
        ladder.issue_letter(violation, "violation", actor=world.manager)
    clock.freeze(START + timedelta(days=15))
    assert ladder.issue_letter(violation, "violation", actor=world.manager).kind == "violation"


def test_each_approved_fine_gets_one_notice_in_order(world):
    violation = through_hearing(world)
    first = _propose(violation, world, "30", "First")
    for member in (world.board, world.board2):
        approvals.cast_vote(first.approval_id, voter=member, choice="approve")
    letter = ladder.issue_letter(violation, "fine", actor=world.manager)
    text = " ".join(letter_text(letter).split())
    assert "First" in text and "$30.00" in text
    assert "After the hearing on March 16, 2027, 6:00 PM PDT, the board decided" in text
    assert _refusal(lambda: ladder.issue_letter(violation, "fine", actor=world.manager)) == (
        Conflict,
        "Every approved fine already has its notice.",
    )


def letter_text(letter) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.pdf)).pages)


def test_bulk_issue_issues_nothing_when_one_is_refused(world):
    rule = make_rule(world)
    first = open_violation(world, rule)
    other_unit = f.UnitFactory(association=world.a, label="7C", street_address="7 Pine Court")
    inspection = inspections.create_inspection(
        world.a, scheduled_for=clock.today(), actor=world.manager
    )
    second = inspections.record_finding(
        inspection, unit_id=other_unit.id, rule_id=rule.id, notes="x", actor=world.manager
    ).violation
    ladder.issue_letter(second, "violation", actor=world.manager)
    with pytest.raises(Conflict):
        ladder.issue_letters_bulk([first, second], "violation", actor=world.manager)
    assert [le.kind for le in first.letters] == []
    letters = ladder.issue_letters_bulk([first], "courtesy", actor=world.manager)
    assert [(le.violation_id, le.kind, le.recipient) for le in letters] == [
        (first.id, "courtesy", "Olivia Owner\n12 Oak Lane")
    ]
    assert letters[0].sha256 == hashlib.sha256(letters[0].pdf).hexdigest()


# --- hearings -------------------------------------------------------------------------------


def test_scheduling_and_moving_the_hearing_are_recorded(world):
    violation = noticed(world)
    day = violation.cure_by + timedelta(days=1)
    at = hearing_time(world, day)
    hearing = hearings.schedule_hearing(
        violation, scheduled_at=at, location="  Clubhouse  ", actor=world.manager
    )
    assert (hearing.location, violation.status) == ("Clubhouse", "hearing_scheduled")
    assert clock.as_utc(hearing.scheduled_at) == clock.as_utc(at)
    later = hearing_time(world, day + timedelta(days=2), hour=19)
    moved = hearings.schedule_hearing(
        violation, scheduled_at=later, location="Library", actor=world.manager
    )
    assert moved is hearing and hearing.location == "Library"
    assert [le.kind for le in violation.letters] == ["violation", "hearing", "hearing"]
    assert {le.issued_by_id for le in violation.letters} == {world.manager.id}
    entries = _entries("hearing.")
    assert [(e.action, e.actor_id, e.subject_id) for e in entries] == [
        ("hearing.scheduled", world.manager.id, violation.id),
        ("hearing.rescheduled", world.manager.id, violation.id),
    ]
    assert [e.summary for e in entries] == [
        "Scheduled the hearing for March 16, 2027, 6:00 PM PDT at Clubhouse",
        "Moved the hearing for March 18, 2027, 7:00 PM PDT at Library",
    ]
    assert [e.data for e in entries] == [
        {"scheduled_at": "2027-03-17T01:00:00+00:00", "location": "Clubhouse", "meeting_id": 1},
        # Moved: the executive session held only for it is cancelled and a new one made.
        {"scheduled_at": "2027-03-19T02:00:00+00:00", "location": "Library", "meeting_id": 2},
    ]


@pytest.mark.parametrize(
    ("location", "ok"), [("", False), ("   ", False), ("x" * 300, True), ("x" * 301, False)]
)
def test_the_hearing_needs_a_place(world, location, ok):
    violation = noticed(world)
    at = hearing_time(world, violation.cure_by + timedelta(days=1))

    def act():
        return hearings.schedule_hearing(
            violation, scheduled_at=at, location=location, actor=world.manager
        )

    if ok:
        assert act().location == location
    else:
        assert _refusal(act) == (
            ValidationError,
            "Say where the hearing is held (or the video link).",
        )
        assert violation.hearing is None and violation.status == "noticed"


def test_the_hearing_time_needs_its_offset(world):
    violation = noticed(world)
    naive = datetime(2027, 3, 20, 18, 0)
    assert _refusal(
        lambda: hearings.schedule_hearing(
            violation, scheduled_at=naive, location="C", actor=world.manager
        )
    ) == (
        ValidationError,
        "Give the date and time with its offset, such as 2027-03-04T18:00:00-08:00.",
    )


def test_hearing_dates_name_the_first_day_possible(world):
    violation = noticed(world)  # cure by March 15, 2027
    on_cure_day = hearing_time(world, violation.cure_by)
    assert _refusal(
        lambda: hearings.schedule_hearing(
            violation, scheduled_at=on_cure_day, location="C", actor=world.manager
        )
    ) == (
        Conflict,
        "A hearing must fall after the cure deadline of March 15, 2027 and at least 10 days "
        "after its notice, which goes out today (California: Civil Code §§ 5850, 5855); the "
        "cure deadline sets the first possible day. It becomes possible on March 16, 2027.",
    )
    world.a.compliance_profile = "FL"  # 14 days' notice: from March 15
    clock.freeze(START + timedelta(days=5))
    too_soon = hearing_time(world, date(2027, 3, 18))
    assert _refusal(
        lambda: hearings.schedule_hearing(
            violation, scheduled_at=too_soon, location="C", actor=world.manager
        )
    ) == (
        Conflict,
        "A hearing must fall after the cure deadline of March 15, 2027 and at least 14 days "
        "after its notice, which goes out today (Florida: Florida Statutes § 720.305); the "
        "notice period sets the first possible day. It becomes possible on March 20, 2027.",
    )
    just_in_time = hearing_time(world, date(2027, 3, 20))
    assert hearings.schedule_hearing(
        violation, scheduled_at=just_in_time, location="C", actor=world.manager
    )


def test_a_requested_texas_hearing_is_held_within_30_days(world):
    world.a.compliance_profile = "TX"
    violation = noticed(world)
    conversation.add_response(
        violation, user=world.owner, message="I ask for a hearing", request_hearing=True
    )
    last_day = date(2027, 3, 31)  # 30 days after the request of March 1
    assert hearings.schedule_hearing(
        violation, scheduled_at=hearing_time(world, last_day), location="C", actor=world.manager
    )
    assert _refusal(
        lambda: hearings.schedule_hearing(
            violation,
            scheduled_at=hearing_time(world, last_day + timedelta(days=1)),
            location="C",
            actor=world.manager,
        )
    ) == (
        Conflict,
        "Texas: a requested hearing is held within 30 days of the request (Property Code §§ "
        "209.006, 209.007), so by March 31, 2027.",
    )


def test_a_hearing_is_held_only_once_recorded_from_its_date(world):
    violation = noticed(world)
    at = hearing_time(world, violation.cure_by + timedelta(days=1))
    hearings.schedule_hearing(violation, scheduled_at=at, location="C", actor=world.manager)
    clock.freeze(clock.as_utc(at) - timedelta(days=1))
    assert _refusal(lambda: record_held(world, violation)) == (
        Conflict,
        "A hearing is recorded as held from its own date (March 16, 2027, 6:00 PM PDT). "
        "It becomes possible on March 16, 2027.",
    )
    clock.freeze(clock.as_utc(at) + timedelta(hours=3))
    assert not hearings.hearing_held(violation)  # its time passed: still not held
    # The morning of its date already counts (the local date, not the hour).
    clock.freeze(clock.as_utc(at) - timedelta(hours=8))
    hearing = record_held(world, violation, owner_attended=False, summary="  No show.  ")
    assert hearings.hearing_held(violation) and hearing.held_at == clock.now()
    assert (hearing.owner_attended, hearing.summary) == (False, "No show.")
    assert _refusal(lambda: record_held(world, violation)) == (
        Conflict,
        "The hearing was already recorded as held on March 16, 2027.",
    )
    assert not hearings.hearing_held(noticed(world, code="OTHER"))


# --- fines ----------------------------------------------------------------------------------


def test_a_proposed_fine_is_recorded_and_put_to_the_board(world):
    violation = through_hearing(world)
    fine = _propose(violation, world, " 75.50 ", "  Bins left out  ", health=True)
    assert (fine.amount, fine.reason, fine.health_safety_finding) == (
        Decimal("75.50"),
        "Bins left out",
        True,
    )
    assert (fine.status, fine.proposed_at, fine.decided_at) == (
        "pending_approval",
        clock.now(),
        None,
    )
    request = approvals.get_request(fine.approval_id)
    assert (request.subject_type, request.subject_id, request.status) == (
        "fine",
        fine.id,
        "pending",
    )
    (entry,) = _entries("fine.")
    assert (entry.action, entry.actor_id, entry.subject_type, entry.subject_id) == (
        "fine.proposed",
        world.manager.id,
        "violation",
        violation.id,
    )
    assert entry.summary == "Proposed a fine of $75.50 for ARC-1 at unit 12B"
    assert entry.data == {"fine_id": fine.id, "amount": "75.50", "health_safety_finding": True}
    assert _refusal(lambda: _propose(violation, world)) == (
        Conflict,
        "A fine for this violation is already before the board.",
    )


@pytest.mark.parametrize(
    ("amount", "reason", "field", "message"),
    [
        ("0", "r", "amount", "Enter an amount greater than zero."),
        ("-5", "r", "amount", None),
        ("50", "   ", "reason", "Give the reason the owner will read."),
    ],
)
def test_fine_values_are_checked(world, amount, reason, field, message):
    violation = through_hearing(world)
    with pytest.raises(ValidationError) as info:
        _propose(violation, world, amount, reason)
    assert list(info.value.errors) == [field]
    if message:
        assert info.value.errors[field] == [message]
    assert violation.fines == []


def test_the_fine_schedule_proposes_first_repeat_and_daily_amounts(world):
    rule = make_rule(
        world, code="DAY-1", fine_amount="20", daily_fine_amount="5", daily_fine_max_days=3
    )
    violation = open_violation(world, rule)
    assert compliance.proposed_fine(violation) == Decimal("20")
    ladder.issue_letter(violation, "violation", actor=world.manager)
    clock.freeze(START + timedelta(days=16))  # two days past the cure date
    assert compliance.proposed_fine(violation) == Decimal("30")
    clock.freeze(START + timedelta(days=40))  # capped at three days
    assert compliance.proposed_fine(violation) == Decimal("35")


def test_fines_across_a_units_violations(world):
    violation = through_hearing(world)
    fine = _propose(violation, world, "40")
    assert fines.fined_on_unit(world.owner_unit.id) == Decimal("40")
    assert fines.fined_on_unit(world.b_unit.id) == Decimal("0")
    assert fines.withdraw_pending_fines(violation, actor=world.manager) == 1
    assert fine.status == "withdrawn"
    assert fines.fined_on_unit(world.owner_unit.id) == Decimal("0")
    assert fines.withdraw_pending_fines(violation, actor=world.manager) == 0


def test_settling_a_fine(world):
    violation = through_hearing(world)
    fine = _propose(violation, world, "60")
    assert _refusal(lambda: fines.settle_fine(fine, "paid", actor=world.manager)) == (
        InvalidTransition,
        "Only an approved fine can be paid or waived; this one is pending approval.",
    )
    for member in (world.board, world.board2):
        approvals.cast_vote(fine.approval_id, voter=member, choice="approve")
    assert _refusal(lambda: fines.settle_fine(fine, "approved", actor=world.manager)) == (
        ValidationError,
        "Choose paid or waived.",
    )
    assert fines.settle_fine(fine, "waived", actor=world.manager) is fine
    assert fine.status == "waived"
    (entry,) = _entries("fine.waived")
    assert (entry.actor_id, entry.subject_id) == (world.manager.id, violation.id)
    assert entry.summary == "Recorded the fine of $60.00 as waived"
    assert entry.data == {"fine_id": fine.id}


def test_the_written_decision_is_due_15_days_after_the_boards_decision_in_california(world):
    violation = through_hearing(world)
    assert fines.decision_letter_due(violation) is None
    fine = _propose(violation, world, "60")
    assert fines.decision_letter_due(violation) is None  # not decided yet
    # Decided at 11 p.m. in Los Angeles on March 20: already March 21 in UTC.
    clock.freeze(datetime(2027, 3, 21, 6, 0, tzinfo=UTC))
    for member in (world.board, world.board2):
        approvals.cast_vote(fine.approval_id, voter=member, choice="approve")
    assert fines.decision_letter_due(violation) == date(2027, 4, 4)
    world.a.compliance_profile = "TX"
    assert fines.decision_letter_due(violation) is None


def test_a_rejected_fine_also_starts_the_decision_clock(world):
    violation = through_hearing(world)
    fine = _propose(violation, world, "60")
    approvals.cast_vote(fine.approval_id, voter=world.board, choice="reject")
    assert fine.status == "rejected"
    decided = clock.as_utc(fine.decided_at).astimezone(clock.zone(world.a.time_zone)).date()
    assert fines.decision_letter_due(violation) == decided + timedelta(days=15)
    assert isinstance(db.session.get(Fine, fine.id), Fine)


def test_each_association_keeps_its_own_wording(world):
    wording.save_template(world.b, "courtesy", "<p>B's own words</p>", actor=world.outsider)
    wording.save_template(world.a, "courtesy", "<p>A's own words</p>", actor=world.manager)
    assert wording.template_body(world.b.id, "courtesy") == "<p>B's own words</p>"
    wording.save_template(world.a, "courtesy", "", actor=world.manager)
    assert wording.template_body(world.b.id, "courtesy") == "<p>B's own words</p>"
    assert wording.template_body(world.a.id, "courtesy") == DEFAULT_BODIES["courtesy"]
    assert {e.action for e in _entries("letter_template")} == {"letter_template.saved"}


def test_bulk_letters_use_the_associations_wording_and_record_who_issued_them(world):
    wording.save_template(
        world.a, "courtesy", "<p>Bulk words for {{ owner_names }}</p>", actor=world.manager
    )
    (letter,) = ladder.issue_letters_bulk([open_violation(world)], "courtesy", actor=world.manager)
    assert "Bulk words for Olivia Owner" in letter_text(letter)
    assert (letter.issued_by_id, letter.page_count) == (world.manager.id, 1)


def test_refused_values_name_their_field(world):
    violation = noticed(world)
    with pytest.raises(ValidationError) as info:
        hearings.schedule_hearing(
            violation, scheduled_at=datetime(2027, 3, 20, 18), location="C", actor=world.manager
        )
    assert list(info.value.errors) == ["scheduled_at"]
    at = hearing_time(world, violation.cure_by + timedelta(days=1))
    with pytest.raises(ValidationError) as info:
        hearings.schedule_hearing(violation, scheduled_at=at, location="", actor=world.manager)
    assert list(info.value.errors) == ["location"]
    hearings.schedule_hearing(violation, scheduled_at=at, location="C", actor=world.manager)
    clock.freeze(clock.as_utc(at) + timedelta(hours=1))
    with pytest.raises(ValidationError) as info:
        hearings.record_hearing(violation, owner_attended="yes", summary=" ", actor=world.manager)
    assert list(info.value.errors) == ["owner_attended", "summary"]
    with pytest.raises(ValidationError) as info:
        hearings.record_hearing(
            violation, owner_attended=True, summary="x" * 4001, actor=world.manager
        )
    assert list(info.value.errors) == ["summary"]
    record_held(world, violation)
    fine_violation = violation
    with pytest.raises(ValidationError) as info:
        _propose(fine_violation, world, "10", None)
    assert info.value.errors == {"reason": ["Give the reason the owner will read."]}
    fine = _propose(fine_violation, world, "10")
    for member in (world.board, world.board2):
        approvals.cast_vote(fine.approval_id, voter=member, choice="approve")
    with pytest.raises(ValidationError) as info:
        fines.settle_fine(fine, "lost", actor=world.manager)
    assert info.value.errors == {"status": ["Choose paid or waived."]}


@pytest.mark.parametrize("cured_after_deadline_days", [-1, 0])
def test_a_violation_cured_by_its_deadline_is_never_fined(world, cured_after_deadline_days):
    world.a.compliance_profile = "default"  # which would allow a fine after a late cure
    violation = noticed(world)
    clock.freeze(START + timedelta(days=14 + cured_after_deadline_days))
    outcomes.cure_violation(violation, notes="Done", actor=world.manager)
    assert _refusal(lambda: _propose(violation, world)) == (
        Conflict,
        "The violation was cured by its deadline; it cannot be fined.",
    )


def test_no_fine_before_the_hearing_names_its_time(world):
    violation = noticed(world)
    at = hearing_time(world, violation.cure_by + timedelta(days=1))
    hearings.schedule_hearing(violation, scheduled_at=at, location="C", actor=world.manager)
    assert _refusal(lambda: _propose(violation, world)) == (
        Conflict,
        "No fine before the hearing has been held and recorded as held by the manager or the "
        "secretary (it is set for March 16, 2027, 6:00 PM PDT). It becomes possible on March "
        "16, 2027.",
    )
    clock.freeze(clock.as_utc(at) + timedelta(hours=2))  # its time passed, nobody recorded it
    assert _refusal(lambda: _propose(violation, world))[1].startswith(
        "No fine before the hearing has been held and recorded"
    )


def test_no_fine_on_the_cure_date_itself(world):
    violation = through_hearing(world)
    violation.cure_by = clock.today(world.a.time_zone)
    assert _refusal(lambda: _propose(violation, world)) == (
        Conflict,
        "The cure deadline has not passed yet. It becomes possible on March 17, 2027.",
    )


def test_a_rejected_fine_does_not_count_against_the_cap(world):
    violation = through_hearing(world)  # California: $100 per violation
    fine = _propose(violation, world, "80")
    approvals.cast_vote(fine.approval_id, voter=world.board, choice="reject")
    assert fine.status == "rejected" and violation.status == "hearing_scheduled"
    assert _propose(violation, world, "100").amount == Decimal("100")


def test_a_withdrawn_fine_starts_no_decision_clock(world):
    violation = through_hearing(world)
    _propose(violation, world, "60")
    fines.withdraw_pending_fines(violation, actor=world.manager)
    assert violation.fines[0].decided_at is not None
    assert fines.decision_letter_due(violation) is None


def test_an_owner_who_declined_mail_does_not_stop_the_others(world, app):
    from app.delivery import services as delivery

    delivery.set_preferences(world.owner, delivery="mail")  # the unit's first owner
    co_owner = f.UserFactory(name="Carl Coowner")
    f.MembershipFactory(user=co_owner, association=world.a, role="owner", unit=world.owner_unit)
    delivery.set_preferences(co_owner, delivery="email")
    db.session.flush()
    db.session.expire(world.owner_unit, ["memberships"])
    app.extensions["mail_outbox"] = []
    ladder.issue_letter(open_violation(world), "courtesy", actor=world.manager)
    db.session.commit()
    assert [m["To"] for m in app.extensions["mail_outbox"]] == [co_owner.email]


def test_a_long_letter_stores_its_true_page_count(world):
    import io

    from pypdf import PdfReader

    long_text = " ".join(["Containers must be kept behind the fence line at all times."] * 120)
    rule = make_rule(world, code="LONG-1", description=long_text)
    letter = ladder.issue_letter(open_violation(world, rule), "courtesy", actor=world.manager)
    pages = len(PdfReader(io.BytesIO(letter.pdf)).pages)
    assert pages >= 2 and letter.page_count == pages
    other = f.UnitFactory(association=world.a, label="7C", street_address="7 Pine Court")
    inspection = inspections.create_inspection(
        world.a, scheduled_for=clock.today(), actor=world.manager
    )
    second = inspections.record_finding(
        inspection, unit_id=other.id, rule_id=rule.id, notes="x", actor=world.manager
    ).violation
    (bulk,) = ladder.issue_letters_bulk([second], "courtesy", actor=world.manager)
    assert bulk.page_count == len(PdfReader(io.BytesIO(bulk.pdf)).pages) >= 2


def test_an_unknown_letter_kind_names_the_field(world):
    with pytest.raises(ValidationError) as info:
        ladder.issue_letter(open_violation(world), "memo", actor=world.manager)
    assert info.value.errors == {"kind": ["Choose courtesy, violation, hearing, fine or closure."]}


def test_each_letter_kind_keeps_its_own_wording(world):
    wording.save_template(world.a, "courtesy", "<p>Courtesy words</p>", actor=world.manager)
    wording.save_template(world.a, "violation", "<p>Violation words</p>", actor=world.manager)
    assert wording.template_body(world.a.id, "courtesy") == "<p>Courtesy words</p>"
    assert wording.template_body(world.a.id, "violation") == "<p>Violation words</p>"
    assert len(db.session.scalars(select(LetterTemplate)).all()) == 2
