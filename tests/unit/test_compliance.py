"""Compliance services: findings, the ladder, due process per profile, fines, batches."""

import hashlib
import io
import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.approvals import services as approvals
from app.compliance import (
    batch_build,
    batch_mailing,
    batches,
    conversation,
    fines,
    hearings,
    inspections,
    ladder,
    outcomes,
    wording,
)
from app.compliance import services as compliance
from app.compliance.letter_models import IssuedLetterChanged, Letter
from app.compliance.models import Fine, Violation
from app.compliance.profiles import AGGREGATE, PER_VIOLATION, profile_of
from app.core import clock, jobs
from app.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationError
from app.core.storage import TooLarge, UnsupportedMedia
from app.extensions import db
from tests import factories as f
from tests.unit.compliance_helpers import (
    days,
    hearing_time,
    make_rule,
    noticed,
    open_violation,
    through_hearing,
)


def jpeg(width=40, height=30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- rules and findings ----------------------------------------------------------------


def test_rule_values_are_checked(world):
    with pytest.raises(ValidationError) as info:
        make_rule(world, code="", cure_days="soon", fine_amount="-1", repeat_window_days=None)
    assert {"code", "cure_days", "fine_amount", "repeat_window_days"} <= set(info.value.errors)
    make_rule(world)
    with pytest.raises(Conflict):
        make_rule(world)


def test_a_finding_opens_a_violation_then_reinspects_it(world):
    violation = open_violation(world, photos=[jpeg()])
    assert violation.status == "open" and violation.cure_by is None
    assert len(violation.findings) == 1 and len(violation.findings[0].photos) == 1
    inspection = inspections.create_inspection(
        world.a, scheduled_for=clock.today(), actor=world.manager
    )
    again = inspections.record_finding(
        inspection,
        unit_id=world.owner_unit.id,
        rule_id=violation.rule_id,
        notes="Still there",
        actor=world.manager,
    )
    assert again.violation_id == violation.id and again.reinspection


def test_photos_are_checked_by_content(world, app, monkeypatch):
    rule = make_rule(world)
    with pytest.raises(UnsupportedMedia):
        open_violation(world, rule, photos=[b"GIF89a not a photo"])
    with pytest.raises(UnsupportedMedia):
        open_violation(world, rule, photos=[b"\xff\xd8\xff but not really a jpeg"])
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", 100)
    with pytest.raises(TooLarge):
        open_violation(world, rule, photos=[jpeg(400, 400)])


def test_repeat_offence_within_the_window(world):
    rule = make_rule(world)
    first = open_violation(world, rule)
    outcomes.cure_violation(first, notes="Moved", actor=world.manager)
    outcomes.close_violation(first, notes="", actor=world.manager)
    days(30)
    second = open_violation(world, rule)
    assert second.id != first.id and second.is_repeat
    assert compliance.proposed_fine(second) == Decimal("100.00")


# --- letters ------------------------------------------------------------------------------


def test_violation_letter_sets_the_cure_date_and_is_immutable(world):
    violation = open_violation(world, photos=[jpeg()])
    letter = ladder.issue_letter(violation, "violation", actor=world.manager)
    assert violation.status == "noticed"
    assert violation.cure_by == letter.issued_on + timedelta(days=14)
    assert letter.sha256 == hashlib.sha256(letter.pdf).hexdigest()
    text = pdf_text(letter.pdf)
    for words in (
        "Notice of violation",
        "Olivia Owner",
        "12 Oak Lane",
        "ARC-1",
        "Trash containers",
        "Two bins visible",
        "March 15, 2027",
        "Civil Code § 5855",
    ):
        assert words in text, words
    with pytest.raises(Conflict, match="already issued"):
        ladder.issue_letter(violation, "violation", actor=world.manager)


@pytest.mark.parametrize(
    ("column", "value"), [("pdf", b"%PDF-1.7 other"), ("sha256", "0" * 64), ("page_count", 9)]
)
def test_the_orm_refuses_to_change_an_issued_letters_bytes(world, column, value):
    letter = ladder.issue_letter(open_violation(world), "courtesy", actor=world.manager)
    db.session.commit()
    setattr(letter, column, value)
    with pytest.raises(IssuedLetterChanged, match=f"its {column} never change"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("column", "value"), [("pdf", b"%PDF-1.7 other"), ("sha256", "0" * 64), ("page_count", 9)]
)
def test_the_database_refuses_to_change_an_issued_letters_bytes(world, column, value):
    letter = ladder.issue_letter(open_violation(world), "courtesy", actor=world.manager)
    db.session.commit()
    statement = update(Letter.__table__).where(Letter.__table__.c.id == letter.id)
    with pytest.raises(IntegrityError, match="issued letters keep their pdf, sha256"):
        db.session.execute(statement.values({column: value}))
    db.session.rollback()
    db.session.execute(statement.values(pdf=letter.pdf, sha256=letter.sha256))  # no change
    db.session.rollback()


def test_what_follows_issue_may_still_be_recorded_on_a_letter(world):
    letter = ladder.issue_letter(open_violation(world), "courtesy", actor=world.manager)
    db.session.commit()
    issued = (letter.pdf, letter.sha256, letter.page_count)
    letter.tracking_number = "9400 1000 0000 0000 0000 00"
    db.session.commit()
    db.session.execute(
        update(Letter.__table__)
        .where(Letter.__table__.c.id == letter.id)
        .values(tracking_number="9400 2")
    )
    db.session.commit()
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert letter.tracking_number == "9400 2"
    assert (letter.pdf, letter.sha256, letter.page_count) == issued


def test_owner_text_is_printed_as_written(world):
    world.owner.name = "Olivia <b>Owner</b>"
    violation = open_violation(world, notes="<script>alert(1)</script> bins")
    letter = ladder.issue_letter(violation, "courtesy", actor=world.manager)
    text = pdf_text(letter.pdf)
    assert "Olivia <b>Owner</b>" in text
    assert "<script>alert(1)</script> bins" in text


def test_courtesy_then_violation_waits_for_the_cure_date(world):
    violation = open_violation(world)
    courtesy = ladder.issue_letter(violation, "courtesy", actor=world.manager)
    assert violation.cure_by == courtesy.issued_on + timedelta(days=14)
    with pytest.raises(Conflict, match=r"It becomes possible on March 16, 2027\."):
        ladder.issue_letter(violation, "violation", actor=world.manager)
    days(15)
    ladder.issue_letter(violation, "violation", actor=world.manager)
    with pytest.raises(Conflict, match="already issued on March 1, 2027"):
        ladder.issue_letter(violation, "courtesy", actor=world.manager)
    skipped = open_violation(world, make_rule(world, code="ARC-9"))
    ladder.issue_letter(skipped, "violation", actor=world.manager)  # courtesy is optional
    with pytest.raises(Conflict, match="cannot follow"):
        ladder.issue_letter(skipped, "courtesy", actor=world.manager)


def test_hearing_letter_only_through_scheduling(world):
    violation = noticed(world)
    with pytest.raises(Conflict, match="scheduling the hearing"):
        ladder.issue_letter(violation, "hearing", actor=world.manager)


@pytest.mark.parametrize("kind", ["fine", "closure"])
def test_fine_and_closure_letters_need_their_step(world, kind):
    violation = noticed(world)
    with pytest.raises(Conflict):
        ladder.issue_letter(violation, kind, actor=world.manager)


def test_letter_templates_are_editable_and_audited(world):
    wording.save_template(
        world.a,
        "courtesy",
        "<p>Hi {{ owner_names }}, fix it by {{ cure_by }}.</p>",
        actor=world.manager,
    )
    letter = ladder.issue_letter(open_violation(world), "courtesy", actor=world.manager)
    assert "Hi Olivia Owner, fix it by March 15, 2027." in pdf_text(letter.pdf)
    with pytest.raises(ValidationError, match="Unknown placeholders: password"):
        wording.save_template(world.a, "courtesy", "{{ password }}", actor=world.manager)
    with pytest.raises(ValidationError, match="error"):
        wording.save_template(world.a, "courtesy", "{% if %}", actor=world.manager)


# --- hearings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "notice_days"), [("default", 10), ("CA", 10), ("TX", 10), ("FL", 14)]
)
def test_hearing_notice_per_profile(world, profile, notice_days):
    world.a.compliance_profile = profile
    violation = noticed(world, cure_days=1)  # cure_by March 2
    too_soon = clock.today(world.a.time_zone) + timedelta(days=notice_days - 1)
    with pytest.raises(Conflict) as info:
        hearings.schedule_hearing(
            violation,
            scheduled_at=hearing_time(world, too_soon),
            location="Clubhouse",
            actor=world.manager,
        )
    earliest = clock.today(world.a.time_zone) + timedelta(days=notice_days)
    assert f"at least {notice_days} days after its notice" in info.value.message
    assert f"It becomes possible on March {earliest.day}, 2027." in info.value.message
    hearing = hearings.schedule_hearing(
        violation,
        scheduled_at=hearing_time(world, earliest),
        location="Clubhouse",
        actor=world.manager,
    )
    assert violation.status == "hearing_scheduled" and hearing.location == "Clubhouse"
    assert [le.kind for le in violation.letters] == ["violation", "hearing"]


def test_hearing_must_follow_the_cure_date(world):
    violation = noticed(world)  # cure_by March 15
    with pytest.raises(Conflict, match="after the cure deadline of March 15, 2027"):
        hearings.schedule_hearing(
            violation,
            scheduled_at=hearing_time(world, violation.cure_by),
            location="Clubhouse",
            actor=world.manager,
        )


def test_hearing_needs_the_notice_of_violation(world):
    violation = open_violation(world)
    with pytest.raises(Conflict, match="follows the notice of violation"):
        hearings.schedule_hearing(
            violation,
            scheduled_at=hearing_time(world, clock.today() + timedelta(days=30)),
            location="x",
            actor=world.manager,
        )


def test_rescheduling_issues_a_new_notice(world):
    violation = noticed(world)
    day = violation.cure_by + timedelta(days=1)
    hearings.schedule_hearing(
        violation, scheduled_at=hearing_time(world, day), location="A", actor=world.manager
    )
    hearings.schedule_hearing(
        violation,
        scheduled_at=hearing_time(world, day + timedelta(days=7)),
        location="B",
        actor=world.manager,
    )
    assert [le.kind for le in violation.letters] == ["violation", "hearing", "hearing"]
    assert violation.hearing.location == "B"


def test_texas_requested_hearing_within_30_days(world):
    world.a.compliance_profile = "TX"
    violation = noticed(world)
    conversation.add_response(
        violation, user=world.owner, message="I want a hearing", request_hearing=True
    )
    late = clock.today(world.a.time_zone) + timedelta(days=31)
    with pytest.raises(Conflict, match="within 30 days of the request"):
        hearings.schedule_hearing(
            violation,
            scheduled_at=hearing_time(world, late),
            location="Clubhouse",
            actor=world.manager,
        )


# --- fines --------------------------------------------------------------------------------


def test_no_fine_without_notice_hearing_and_missed_cure(world):
    violation = open_violation(world)
    with pytest.raises(Conflict, match="notice of violation"):
        fines.propose_fine(
            violation, amount="50", reason="x", health_safety_finding=False, actor=world.manager
        )
    ladder.issue_letter(violation, "violation", actor=world.manager)
    with pytest.raises(Conflict, match="schedule the hearing"):
        fines.propose_fine(
            violation, amount="50", reason="x", health_safety_finding=False, actor=world.manager
        )
    day = violation.cure_by + timedelta(days=1)
    hearings.schedule_hearing(
        violation, scheduled_at=hearing_time(world, day), location="C", actor=world.manager
    )
    with pytest.raises(Conflict, match="has been held") as info:
        fines.propose_fine(
            violation, amount="50", reason="x", health_safety_finding=False, actor=world.manager
        )
    assert "It becomes possible on March 16, 2027." in info.value.message


def test_fine_goes_to_the_board_and_the_owner_is_recused(world):
    from tests import factories as f

    # The owner of the fined unit also sits on the board.
    f.MembershipFactory(user=world.owner, association=world.a, role="board", office="director")
    db.session.flush()
    violation = through_hearing(world)
    fine = fines.propose_fine(
        violation,
        amount="50",
        reason="Bins left out",
        health_safety_finding=False,
        actor=world.manager,
    )
    request = approvals.get_request(fine.approval_id)
    assert world.owner.id not in request.eligible_voter_ids
    assert request.subject_type == "fine" and request.required == 2
    from app.auth import policies

    policies.forget_memberships()
    with pytest.raises(NotAllowed):
        approvals.cast_vote(request.id, voter=world.owner, choice="approve")
    approvals.cast_vote(request.id, voter=world.board, choice="approve")
    approvals.cast_vote(request.id, voter=world.board2, choice="approve")
    assert fine.status == "approved" and violation.status == "fined"
    letter = ladder.issue_letter(violation, "fine", actor=world.manager)
    text = pdf_text(letter.pdf)
    assert "Notice of fine" in text and "$50.00" in text and "Bins left out" in text


@pytest.mark.parametrize(
    ("profile", "amount", "health", "ok"),
    [
        ("CA", "100.00", False, True),
        ("CA", "150.00", False, False),
        ("CA", "150.00", True, True),
        ("FL", "150.00", True, False),
        ("default", "500.00", False, True),
    ],
)
def test_fine_caps(world, profile, amount, health, ok):
    world.a.compliance_profile = profile
    violation = through_hearing(world)
    if ok:
        fines.propose_fine(
            violation, amount=amount, reason="r", health_safety_finding=health, actor=world.manager
        )
    else:
        with pytest.raises(ValidationError, match="caps"):
            fines.propose_fine(
                violation,
                amount=amount,
                reason="r",
                health_safety_finding=health,
                actor=world.manager,
            )


_codes = itertools.count()


def _fined_elsewhere(world, amounts, *, status="approved", unit=None):
    """Other violations of the unit (another rule each), each already fined an amount."""
    unit = unit or world.owner_unit
    for amount in amounts:
        rule = make_rule(world, code=f"OTHER-{next(_codes)}")
        other = Violation(
            association_id=world.a.id,
            unit_id=unit.id,
            rule_id=rule.id,
            status="fined",
            opened_on=clock.today(),
        )
        other.fines.append(
            Fine(amount=Decimal(amount), reason="r", status=status, proposed_at=clock.now())
        )
        db.session.add(other)
    db.session.flush()


def _propose(violation, world, amount):
    return fines.propose_fine(
        violation, amount=amount, reason="r", health_safety_finding=False, actor=world.manager
    )


def test_florida_caps_each_violation_at_100(world):
    world.a.compliance_profile = "FL"
    violation = through_hearing(world)
    with pytest.raises(ValidationError) as info:
        _propose(violation, world, "100.01")
    assert info.value.errors["amount"] == [
        "Florida (Florida Statutes § 720.305(2)) caps fines at $100.00 per violation; this "
        "violation is already fined $0.00."
    ]
    assert _propose(violation, world, "100.00").amount == Decimal("100.00")


def test_florida_caps_a_units_fines_at_1000_in_the_aggregate(world):
    world.a.compliance_profile = "FL"
    violation = through_hearing(world)
    _fined_elsewhere(world, ["100"] * 9 + ["99.99"])
    _fined_elsewhere(world, ["100"], status="waived")  # not levied: does not count
    _fined_elsewhere(world, ["100"] * 3, unit=f.UnitFactory(association=world.a))
    with pytest.raises(ValidationError) as info:
        _propose(violation, world, "0.02")
    assert info.value.errors["amount"] == [
        "Florida (Florida Statutes § 720.305(2)) caps fines at $1,000.00 in the aggregate; the "
        "violations of this unit are already fined $999.99 (approved, paid or before the board)."
    ]
    assert _propose(violation, world, "0.01").status == "pending_approval"


def test_a_pending_fine_counts_against_the_aggregate(world):
    world.a.compliance_profile = "FL"
    violation = through_hearing(world)
    _fined_elsewhere(world, ["100"] * 9, status="paid")
    _fined_elsewhere(world, ["100"], status="pending_approval")
    with pytest.raises(ValidationError, match="in the aggregate"):
        _propose(violation, world, "1")


def test_california_has_no_aggregate_cap(world):
    world.a.compliance_profile = "CA"
    violation = through_hearing(world)
    _fined_elsewhere(world, ["100"] * 12)
    assert _propose(violation, world, "100").amount == Decimal("100")


def test_an_unknown_profile_code_is_the_default_profile():
    assert profile_of("ZZ") is profile_of(None) is profile_of("") is profile_of("default")
    assert profile_of("ZZ").code == "default"


def test_california_names_the_health_or_safety_exception_when_refusing(world):
    violation = through_hearing(world)
    with pytest.raises(ValidationError) as info:
        _propose(violation, world, "150")
    assert info.value.errors["amount"] == [
        "California (Civil Code § 5850(c), (d)) caps fines at $100.00 per violation unless the "
        "board records a health or safety finding; this violation is already fined $0.00."
    ]


def test_a_health_or_safety_finding_lifts_only_the_cap_it_belongs_to():
    from app.compliance.profiles import FineCap, Profile, check_fine_amount

    profile = Profile(
        "XX",
        "Testland",
        "Test Code § 1",
        10,
        fine_caps=(
            FineCap(Decimal("100"), PER_VIOLATION, "w", "§ 1(a)", health_safety_lifts=True),
            FineCap(Decimal("500"), AGGREGATE, "w", "§ 1(b)"),
        ),
    )
    check = dict(health_safety=True, fined_on_violation=Decimal("0"))
    check_fine_amount(profile, Decimal("400"), fined_on_unit=Decimal("100"), **check)
    with pytest.raises(ValidationError) as info:
        check_fine_amount(profile, Decimal("401"), fined_on_unit=Decimal("100"), **check)
    assert "caps fines at $500.00 in the aggregate" in info.value.errors["amount"][0]
    assert "(§ 1(b))" in info.value.errors["amount"][0]


def test_the_caps_are_data_with_the_statutes_words():
    florida = profile_of("FL")
    per_violation, aggregate = florida.cap(PER_VIOLATION), florida.cap(AGGREGATE)
    assert per_violation.amount == Decimal("100.00") and aggregate.amount == Decimal("1000.00")
    assert per_violation.words.startswith("A fine may not exceed $100 per violation")
    assert "may not exceed $1,000 in the aggregate" in aggregate.words
    assert {cap.citation for cap in florida.fine_caps} == {"Florida Statutes § 720.305(2)"}
    assert profile_of("CA").cap(AGGREGATE) is None and profile_of("TX").fine_caps == ()


def test_california_cure_withdraws_pending_fines_and_forbids_new_ones(world):
    world.a.compliance_profile = "CA"
    violation = through_hearing(world)
    fine = fines.propose_fine(
        violation, amount="50", reason="r", health_safety_finding=False, actor=world.manager
    )
    outcomes.cure_violation(violation, notes="Bins stored", actor=world.manager)
    assert fine.status == "withdrawn" and violation.status == "cured"
    with pytest.raises(Conflict, match="forbids fining"):
        fines.propose_fine(
            violation, amount="50", reason="r", health_safety_finding=False, actor=world.manager
        )


def test_florida_cure_withdraws_pending_fines_and_forbids_new_ones(world):
    world.a.compliance_profile = "FL"
    violation = through_hearing(world)
    fine = _propose(violation, world, "50")
    outcomes.cure_violation(violation, notes="Bins stored", actor=world.manager)
    assert fine.status == "withdrawn" and violation.status == "cured"
    assert approvals.get_request(fine.approval_id).status == "withdrawn"
    with pytest.raises(Conflict) as info:
        _propose(violation, world, "50")
    assert info.value.message == (
        "Florida forbids fining a violation cured before the hearing (Florida Statutes § 720.305)."
    )
    assert [f.status for f in violation.fines] == ["withdrawn"]


def test_no_fine_before_the_cure_deadline_has_passed(world):
    # A held hearing falls after the cure date, so only a cure date moved later (a record
    # corrected by hand) reaches this rule; it still refuses and names the day it allows.
    violation = through_hearing(world)
    violation.cure_by = clock.today(world.a.time_zone) + timedelta(days=3)
    with pytest.raises(Conflict) as info:
        _propose(violation, world, "50")
    day = violation.cure_by + timedelta(days=1)
    assert info.value.message == (
        "The cure deadline has not passed yet. It becomes possible on "
        f"{day:%B} {day.day}, {day.year}."
    )
    assert violation.fines == []


def test_default_profile_keeps_pending_fines_on_cure(world):
    world.a.compliance_profile = "default"
    violation = through_hearing(world)
    fine = fines.propose_fine(
        violation, amount="50", reason="r", health_safety_finding=False, actor=world.manager
    )
    outcomes.cure_violation(violation, notes="Late cure", actor=world.manager)
    assert fine.status == "pending_approval"


# --- (status, action) pairs --------------------------------------------------------------

STATUSES = ["open", "noticed", "hearing_scheduled", "fined", "cured", "closed"]


def _in_status(world, status):
    if status == "open":
        return open_violation(world)
    if status == "noticed":
        return noticed(world)
    violation = through_hearing(world)
    if status == "hearing_scheduled":
        return violation
    if status == "fined":
        fine = fines.propose_fine(
            violation, amount="50", reason="r", health_safety_finding=False, actor=world.manager
        )
        approvals.cast_vote(fine.approval_id, voter=world.board, choice="approve")
        approvals.cast_vote(fine.approval_id, voter=world.board2, choice="approve")
        return violation
    outcomes.cure_violation(violation, notes="done", actor=world.manager)
    if status == "closed":
        outcomes.close_violation(violation, notes="", actor=world.manager)
    return violation


ACTIONS = {
    "courtesy": lambda w, v: ladder.issue_letter(v, "courtesy", actor=w.manager),
    "violation": lambda w, v: ladder.issue_letter(v, "violation", actor=w.manager),
    "fine_letter": lambda w, v: ladder.issue_letter(v, "fine", actor=w.manager),
    "closure": lambda w, v: ladder.issue_letter(v, "closure", actor=w.manager),
    "hearing": lambda w, v: hearings.schedule_hearing(
        v,
        scheduled_at=hearing_time(w, clock.today(w.a.time_zone) + timedelta(days=40)),
        location="Hall",
        actor=w.manager,
    ),
    "fine": lambda w, v: fines.propose_fine(
        v, amount="25", reason="r", health_safety_finding=False, actor=w.manager
    ),
    "cure": lambda w, v: outcomes.cure_violation(v, notes="ok", actor=w.manager),
    "close": lambda w, v: outcomes.close_violation(v, notes="dismissed", actor=w.manager),
}
NOTICE_ISSUED = (
    "The notice of violation was already issued on March 1, 2027; each letter is issued once."
)
NO_COURTESY = "The notice of violation was already issued; a courtesy notice cannot follow it."
NO_FINE_LETTER = "A fine notice needs a fine the board has approved."
NO_CLOSURE = "A closure letter follows a cure or the closing of the violation."
# Allowed: (status afterwards, letters added, (amount, status) of the fines afterwards).
# Refused: (the exception, its exact message).
OUTCOMES = {
    ("open", "courtesy"): ("open", 1, []),
    ("open", "violation"): ("noticed", 1, []),
    ("open", "fine_letter"): (Conflict, NO_FINE_LETTER),
    ("open", "closure"): (Conflict, NO_CLOSURE),
    ("open", "hearing"): (Conflict, "A hearing follows the notice of violation; issue that first."),
    ("open", "fine"): (Conflict, "No fine before a notice of violation has been issued."),
    ("open", "cure"): ("cured", 0, []),
    ("open", "close"): ("closed", 0, []),
    ("noticed", "courtesy"): (Conflict, NO_COURTESY),
    ("noticed", "violation"): (Conflict, NOTICE_ISSUED),
    ("noticed", "fine_letter"): (Conflict, NO_FINE_LETTER),
    ("noticed", "closure"): (Conflict, NO_CLOSURE),
    ("noticed", "hearing"): ("hearing_scheduled", 1, []),
    ("noticed", "fine"): (Conflict, "No fine before a hearing: schedule the hearing first."),
    ("noticed", "cure"): ("cured", 0, []),
    ("noticed", "close"): ("closed", 0, []),
    ("hearing_scheduled", "courtesy"): (Conflict, NO_COURTESY),
    ("hearing_scheduled", "violation"): (Conflict, NOTICE_ISSUED),
    ("hearing_scheduled", "fine_letter"): (Conflict, NO_FINE_LETTER),
    ("hearing_scheduled", "closure"): (Conflict, NO_CLOSURE),
    ("hearing_scheduled", "hearing"): (Conflict, "The hearing was held; it cannot be moved."),
    ("hearing_scheduled", "fine"): ("hearing_scheduled", 0, [("25.00", "pending_approval")]),
    ("hearing_scheduled", "cure"): ("cured", 0, []),
    ("hearing_scheduled", "close"): ("closed", 0, []),
    ("fined", "courtesy"): (Conflict, NO_COURTESY),
    ("fined", "violation"): (Conflict, NOTICE_ISSUED),
    ("fined", "fine_letter"): ("fined", 1, [("50.00", "approved")]),
    ("fined", "closure"): (Conflict, NO_CLOSURE),
    ("fined", "hearing"): (Conflict, "The violation is fined; no hearing is held."),
    ("fined", "fine"): (Conflict, "The board already fined this violation after its hearing."),
    ("fined", "cure"): ("cured", 0, [("50.00", "approved")]),
    ("fined", "close"): (
        InvalidTransition,
        "A fine of this violation is neither paid nor waived yet; record that first.",
    ),
    ("cured", "courtesy"): (Conflict, "The violation is cured; only a closure letter may follow."),
    ("cured", "violation"): (
        Conflict,
        "The violation is cured; only a closure letter may follow.",
    ),
    ("cured", "fine_letter"): (
        Conflict,
        "The violation is cured; only a closure letter may follow.",
    ),
    ("cured", "closure"): ("cured", 1, []),
    ("cured", "hearing"): (Conflict, "The violation is cured; no hearing is held."),
    # Association A is Californian: no fine after a cure.
    ("cured", "fine"): (
        Conflict,
        "California forbids fining a violation cured before the hearing "
        "(Civil Code §§ 5850, 5855).",
    ),
    ("cured", "cure"): (InvalidTransition, "This violation is already cured."),
    ("cured", "close"): ("closed", 0, []),
    ("closed", "courtesy"): (
        Conflict,
        "The violation is closed; only a closure letter may follow.",
    ),
    ("closed", "violation"): (
        Conflict,
        "The violation is closed; only a closure letter may follow.",
    ),
    ("closed", "fine_letter"): (
        Conflict,
        "The violation is closed; only a closure letter may follow.",
    ),
    ("closed", "closure"): ("closed", 1, []),
    ("closed", "hearing"): (Conflict, "The violation is closed; no hearing is held."),
    ("closed", "fine"): (Conflict, "The violation is closed; it cannot be fined."),
    ("closed", "cure"): (InvalidTransition, "This violation is already closed."),
    ("closed", "close"): (InvalidTransition, "This violation is already closed."),
}
KIND_OF_ACTION = {"fine_letter": "fine", "courtesy": "courtesy", "violation": "violation"}


def test_the_matrix_covers_every_status_and_action():
    assert set(OUTCOMES) == {(s, a) for s in STATUSES for a in ACTIONS}


@pytest.mark.parametrize(("status", "action"), list(OUTCOMES))
def test_every_violation_status_and_action(world, status, action):
    violation = _in_status(world, status)
    assert violation.status == status
    letters_before = [le.kind for le in violation.letters]
    fines_before = [(str(f.amount), f.status) for f in violation.fines]
    expected = OUTCOMES[(status, action)]
    if isinstance(expected[0], str):
        after, added, fines = expected
        ACTIONS[action](world, violation)
        db.session.flush()
        db.session.expire(violation)
        assert violation.status == after
        kinds = [le.kind for le in violation.letters]
        assert kinds[: len(letters_before)] == letters_before
        assert len(kinds) == len(letters_before) + added
        if action in ("courtesy", "violation", "fine_letter", "closure"):
            assert kinds[-1] == KIND_OF_ACTION.get(action, action)
        if action == "hearing":
            assert kinds[-1] == "hearing" and violation.hearing.location == "Hall"
        assert [(str(f.amount), f.status) for f in violation.fines] == fines
        if action == "cure":
            assert violation.cured_on == clock.today(world.a.time_zone)
        if action == "close":
            assert violation.closed_at is not None
    else:
        error, message = expected
        with pytest.raises(error) as info:
            ACTIONS[action](world, violation)
        assert type(info.value) is error
        assert info.value.message == message
        db.session.expire(violation)
        assert violation.status == status
        assert [le.kind for le in violation.letters] == letters_before
        assert [(str(f.amount), f.status) for f in violation.fines] == fines_before


# --- batches ------------------------------------------------------------------------------


def test_batch_merges_letters_once_and_confirms(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_MODE", "eager")
    violation = open_violation(world)
    first = ladder.issue_letter(violation, "violation", actor=world.manager)
    other_unit = f.UnitFactory(association=world.a, label="7C", street_address="7 Pine Court")
    inspection = inspections.create_inspection(
        world.a, scheduled_for=clock.today(), actor=world.manager
    )
    second = ladder.issue_letter(
        inspections.record_finding(
            inspection,
            unit_id=other_unit.id,
            rule_id=violation.rule_id,
            notes="Bins by the garage",
            actor=world.manager,
        ).violation,
        "courtesy",
        actor=world.manager,
    )
    db.session.commit()
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    db.session.refresh(batch)
    assert batch.status == "done" and batch.letter_count == 2
    from app.core.storage import batch_path

    merged = PdfReader(io.BytesIO(batch_path(batch.id).read_bytes()))
    assert len(merged.pages) == first.page_count + second.page_count
    # The letters' own pages, in issue order, not re-rendered.
    first_text = "\n".join(p.extract_text() for p in merged.pages[: first.page_count])
    second_text = "\n".join(p.extract_text() for p in merged.pages[first.page_count :])
    assert first_text == pdf_text(first.pdf) and "12 Oak Lane" in first_text
    assert second_text == pdf_text(second.pdf) and "7 Pine Court" in second_text
    assert "Notice of violation" in first_text and "Courtesy notice" in second_text
    # Nothing left: a new batch takes no letter.
    empty = batches.create_batch(world.a, actor=world.manager)
    assert empty.letter_count == 0 and empty.status == "done"
    batch_mailing.confirm_batch(batch, tracking_numbers=None, actor=world.manager)
    assert batch.status == "mailed" and first.mailed_at is not None
    with pytest.raises(InvalidTransition):
        batches.cancel_batch(batch, actor=world.manager)


def test_texas_certified_letters_need_tracking_numbers(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_MODE", "eager")
    world.a.compliance_profile = "TX"
    violation = open_violation(world)
    letter = ladder.issue_letter(violation, "violation", actor=world.manager)
    assert "CERTIFIED MAIL" in pdf_text(letter.pdf)
    db.session.commit()
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    db.session.refresh(batch)
    with pytest.raises(ValidationError, match="certified mail"):
        batch_mailing.confirm_batch(batch, tracking_numbers={}, actor=world.manager)
    batch_mailing.confirm_batch(
        batch, tracking_numbers={str(letter.id): "9400 1000 0000 0000 0001"}, actor=world.manager
    )
    assert letter.tracking_number == "9400 1000 0000 0000 0001"


def test_a_crashed_build_is_finished_once_by_running_it_again(world, app, monkeypatch):
    violation_a = open_violation(world)
    ladder.issue_letter(violation_a, "violation", actor=world.manager)
    ladder.issue_letter(
        open_violation(world, make_rule(world, code="ARC-2")), "courtesy", actor=world.manager
    )
    monkeypatch.setattr(batches.jobs, "dispatch", lambda *args: None)
    batch = batches.create_batch(world.a, actor=world.manager)
    db.session.commit()
    # A worker dies mid-batch: the batch stays "running" with part of the work done.
    import pypdf

    real_add = pypdf.PdfWriter.add_page
    calls = {"n": 0}

    def dying_add(self, page, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        return real_add(self, page, *args, **kwargs)

    monkeypatch.setattr(pypdf.PdfWriter, "add_page", dying_add)
    with pytest.raises(SystemExit):
        batch_build.build_batch(batch.id)
    db.session.rollback()
    db.session.refresh(batch)
    assert batch.status == "running"
    (waiting,) = [db.session.get(jobs.Job, i) for i in jobs.due_jobs(app, everything=True)]
    assert (waiting.name, waiting.args) == ("compliance.build_batch", [batch.id])
    monkeypatch.setattr(pypdf.PdfWriter, "add_page", real_add)
    batch_build.build_batch(batch.id)  # the restarted worker
    batch_build.build_batch(batch.id)  # and a duplicate delivery does nothing more
    db.session.refresh(batch)
    assert batch.status == "done"
    from app.core.storage import batch_path

    pages = len(PdfReader(io.BytesIO(batch_path(batch.id).read_bytes())).pages)
    letters = db.session.scalars(select(Letter).where(Letter.batch_id == batch.id)).all()
    assert len(letters) == 2 and pages == sum(le.page_count for le in letters)


def test_cancelled_batch_releases_its_letters(world, app, monkeypatch):
    monkeypatch.setattr(batches.jobs, "dispatch", lambda *args: None)
    ladder.issue_letter(open_violation(world), "violation", actor=world.manager)
    batch = batches.create_batch(world.a, actor=world.manager)
    batches.cancel_batch(batch, actor=world.manager)
    again = batches.create_batch(world.a, actor=world.manager)
    assert again.letter_count == 1 and batch.status == "cancelled"


def test_owner_response_only_from_the_units_owner(world):
    violation = open_violation(world)
    with pytest.raises(NotAllowed):
        conversation.add_response(violation, user=world.board, message="hi", request_hearing=False)
    response = conversation.add_response(
        violation, user=world.owner, message="Fixed it", request_hearing=False, photos=[jpeg()]
    )
    assert len(response.photos) == 1
    assert db.session.get(Violation, violation.id).responses[0].message == "Fixed it"


def test_bulk_issue_renders_each_letter_separately(world):
    rule = make_rule(world)
    from tests import factories as f

    violations = [open_violation(world, rule)]
    for n in range(3):
        unit = f.UnitFactory(association=world.a, label=f"B{n}", street_address=f"{n} Bay St")
        owner = f.UserFactory(name=f"Bay Owner {n}")
        f.MembershipFactory(user=owner, association=world.a, role="owner", unit=unit)
        db.session.flush()
        inspection = inspections.create_inspection(
            world.a, scheduled_for=clock.today(), actor=world.manager
        )
        violations.append(
            inspections.record_finding(
                inspection, unit_id=unit.id, rule_id=rule.id, notes="bins", actor=world.manager
            ).violation
        )
    letters = ladder.issue_letters_bulk(violations, "courtesy", actor=world.manager)
    assert len(letters) == 4
    for n, letter in enumerate(letters[1:]):
        text = pdf_text(letter.pdf)
        assert f"Bay Owner {n}" in text and f"{n} Bay St" in text
        assert "Olivia Owner" not in text
        assert letter.sha256 == hashlib.sha256(letter.pdf).hexdigest()


def test_every_letter_kind_reads_right(world):
    """Courtesy, violation, hearing, fine and closure letters, as the owner reads them."""
    world.a.compliance_profile = "CA"
    courtesy_case = open_violation(world, make_rule(world, code="C-1", title="Courtesy rule"))
    texts = {
        "courtesy": pdf_text(
            ladder.issue_letter(courtesy_case, "courtesy", actor=world.manager).pdf
        )
    }
    violation = through_hearing(world)
    texts["violation"] = pdf_text(violation.letter("violation").pdf)
    texts["hearing"] = pdf_text(violation.letter("hearing").pdf)
    fine = fines.propose_fine(
        violation,
        amount="80",
        reason="Bins out for two weeks",
        health_safety_finding=False,
        actor=world.manager,
    )
    approvals.cast_vote(fine.approval_id, voter=world.board, choice="approve")
    approvals.cast_vote(fine.approval_id, voter=world.board2, choice="approve")
    texts["fine"] = pdf_text(ladder.issue_letter(violation, "fine", actor=world.manager).pdf)
    fines.settle_fine(fine, "paid", actor=world.manager)
    outcomes.close_violation(violation, notes="Paid", actor=world.manager)
    texts["closure"] = pdf_text(ladder.issue_letter(violation, "closure", actor=world.manager).pdf)
    expected = {
        "courtesy": ["Courtesy notice", "friendly reminder", "Courtesy rule"],
        "violation": [
            "Notice of violation",
            "right to be heard",
            "Cure deadline",
            "Civil Code § 5855",
        ],
        "hearing": ["Notice of hearing", "March 16, 2027", "Clubhouse", "at least 10 days"],
        "fine": ["Notice of fine", "$80.00", "Bins out for two weeks", "within 15 days"],
        "closure": ["Notice of closure", "now closed"],
    }
    for kind, words in expected.items():
        for word in words:
            assert word in texts[kind], (kind, word)
        assert "Olivia Owner" in texts[kind] and "12 Oak Lane" in texts[kind]
        assert "Alpha Grove HOA" in texts[kind]


def test_letters_reach_owners_who_agreed_by_email(world, app):
    app.extensions["mail_outbox"] = []
    violation = open_violation(world)
    ladder.issue_letter(violation, "courtesy", actor=world.manager)
    db.session.commit()
    assert [m for m in app.extensions["mail_outbox"] if m["To"] == world.owner.email] == []
    from app.delivery import services as delivery

    delivery.set_preferences(world.owner, delivery="email")
    days(15)
    letter = ladder.issue_letter(violation, "violation", actor=world.manager)
    db.session.commit()
    (message,) = [m for m in app.extensions["mail_outbox"] if m["To"] == world.owner.email]
    assert message["Subject"] == "Notice of violation from Alpha Grove HOA"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content() == letter.pdf
