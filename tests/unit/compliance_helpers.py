"""Rules, inspections and violations built through the real services, on a frozen clock."""

from datetime import UTC, date, datetime, timedelta

from app.compliance import hearings, inspections, ladder, rules
from app.core import clock

START = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)  # 9 a.m. in Los Angeles, March 1


def make_rule(world, **values):
    defaults = {
        "code": "ARC-1",
        "title": "Trash containers",
        "description": "Trash containers must be stored out of view except on collection day.",
        "ccr_section": "CC&R 7.4",
        "cure_days": 14,
        "fine_amount": "50.00",
        "repeat_fine_amount": "100.00",
        "repeat_window_days": 180,
    }
    return rules.create_rule(world.a, {**defaults, **values}, actor=world.manager)


def open_violation(world, rule=None, notes="Two bins visible from the street.", photos=()):
    clock.freeze(clock.now() if clock._frozen else START)
    rule = rule or make_rule(world)
    inspection = inspections.create_inspection(
        world.a, scheduled_for=clock.today(world.a.time_zone), actor=world.manager
    )
    finding = inspections.record_finding(
        inspection,
        unit_id=world.owner_unit.id,
        rule_id=rule.id,
        notes=notes,
        photos=list(photos),
        actor=world.manager,
    )
    return finding.violation


def days(n: int) -> None:
    clock.advance(timedelta(days=n))


def hearing_time(world, on: date, hour: int = 18) -> datetime:
    """Return a hearing time on a local date (association time zone)."""
    local = datetime(on.year, on.month, on.day, hour, 0, tzinfo=clock.zone(world.a.time_zone))
    return local


def noticed(world, **rule_values):
    violation = open_violation(world, make_rule(world, **rule_values) if rule_values else None)
    ladder.issue_letter(violation, "violation", actor=world.manager)
    return violation


def record_held(world, violation, *, owner_attended=True, summary="The owner spoke."):
    """Record the hearing as held, as the manager does at the meeting."""
    return hearings.record_hearing(
        violation, owner_attended=owner_attended, summary=summary, actor=world.manager
    )


def through_hearing(world):
    """A violation noticed, past its cure deadline, with a hearing held at its executive
    session and recorded as held by the manager (the clock alone holds no hearing)."""
    violation = noticed(world)
    hearing_day = violation.cure_by + timedelta(days=1)
    hearings.schedule_hearing(
        violation,
        scheduled_at=hearing_time(world, hearing_day),
        location="Clubhouse",
        actor=world.manager,
    )
    clock.freeze(hearing_time(world, hearing_day, hour=20))
    record_held(world, violation)
    return violation
