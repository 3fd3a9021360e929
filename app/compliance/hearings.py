"""The hearing of a violation on the ladder: scheduling or moving it (with its notice), the
evidence packet's deadline, and recording it as held."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from app.auth.models import User
from app.compliance import hooks
from app.compliance import policies as compliance_policies
from app.compliance.conversation import hearing_requested_on
from app.compliance.ladder import issue_unchecked
from app.compliance.letter_models import LetterKind
from app.compliance.models import Hearing, Violation, ViolationStatus
from app.compliance.profiles import (
    profile_of,
    refuse,
)
from app.compliance.services import record, today
from app.core import clock, formatting
from app.core.errors import NotAllowed, ValidationError
from app.extensions import db


def check_hearing(violation: Violation) -> None:
    """Refuse scheduling or moving the hearing when the ladder does not allow it now (409)."""
    if violation.status in (ViolationStatus.CURED, ViolationStatus.CLOSED, ViolationStatus.FINED):
        raise refuse(_("The violation is %(status)s; no hearing is held.", status=violation.status))
    if violation.letter(LetterKind.VIOLATION) is None:
        raise refuse(_("A hearing follows the notice of violation; issue that first."))
    if hearing_held(violation):
        raise refuse(_("The hearing was held; it cannot be moved."))


def schedule_hearing(
    violation: Violation,
    *,
    scheduled_at: datetime,
    location: str,
    actor: User,
    meeting_id: int | None = None,
) -> Hearing:
    """Schedule (or move) the hearing and issue its notice, within the profile's rules.

    The hearing is held at a board meeting: ``meeting_id``'s, else an executive session
    created for it (placed by the venue the meetings package registers, ``hooks``)."""
    check_hearing(violation)
    association = violation.association
    profile = profile_of(association.compliance_profile)
    if not isinstance(scheduled_at, datetime) or scheduled_at.tzinfo is None:
        raise ValidationError(
            "scheduled_at",
            _("Give the date and time with its offset, such as 2027-03-04T18:00:00-08:00."),
        )
    location = (location or "").strip()
    local_day = clock.as_utc(scheduled_at).astimezone(clock.zone(association.time_zone)).date()
    now = today(association)
    earliest = max(
        violation.cure_by + timedelta(days=1), now + timedelta(days=profile.hearing_notice_days)
    )
    if local_day <= violation.cure_by or local_day < now + timedelta(
        days=profile.hearing_notice_days
    ):
        # Say both limits and which one sets the first possible day.
        raise refuse(
            _(
                "A hearing must fall after the cure deadline of %(cure)s and at least "
                "%(days)d days after its notice, which goes out today (%(name)s: "
                "%(citation)s); %(by)s sets the first possible day.",
                cure=formatting.long_date(violation.cure_by),
                days=profile.hearing_notice_days,
                name=profile.name,
                citation=profile.citation,
                by=_("the notice period")
                if earliest > violation.cure_by + timedelta(days=1)
                else _("the cure deadline"),
            ),
            earliest,
        )
    requested = hearing_requested_on(violation)
    if profile.requested_hearing_within_days and requested is not None:
        latest = requested + timedelta(days=profile.requested_hearing_within_days)
        if local_day > latest:
            raise refuse(
                _(
                    "%(name)s: a requested hearing is held within %(days)d days of the "
                    "request (%(citation)s), so by %(date)s.",
                    name=profile.name,
                    days=profile.requested_hearing_within_days,
                    citation=profile.citation,
                    date=formatting.long_date(latest),
                )
            )
    if not location or len(location) > 300:
        raise ValidationError("location", _("Say where the hearing is held (or the video link)."))
    hearing = violation.hearing
    moved = hearing is not None
    if hearing is None:
        hearing = Hearing(scheduled_at=scheduled_at, location=location)
        violation.hearing = hearing
    else:
        hearing.scheduled_at, hearing.location = scheduled_at, location
    hearing.packet_sent_at = None  # a moved hearing needs its evidence again (TX 209.007)
    violation.status = ViolationStatus.HEARING_SCHEDULED.value
    db.session.flush()
    hooks.place_hearing(violation, hearing, meeting_id, actor)
    record(
        violation,
        "hearing.rescheduled" if moved else "hearing.scheduled",
        _(
            "%(verb)s the hearing for %(when)s at %(where)s",
            verb=_("Moved") if moved else _("Scheduled"),
            when=formatting.long_datetime(scheduled_at, association.time_zone),
            where=location,
        ),
        actor=actor,
        data={
            "scheduled_at": clock.as_utc(scheduled_at).isoformat(),
            "location": location,
            "meeting_id": hearing.meeting_id,
        },
    )
    issue_unchecked(violation, LetterKind.HEARING, actor=actor, hearing=hearing)
    return hearing


def hearing_held(violation: Violation) -> bool:
    """A hearing is held once recorded as held (see Hearing.held), never by the clock."""
    return violation.hearing is not None and violation.hearing.held


def hearing_day(violation: Violation) -> date:
    """Return the hearing's local date (association time zone)."""
    return (
        clock.as_utc(violation.hearing.scheduled_at)
        .astimezone(clock.zone(violation.association.time_zone))
        .date()
    )


def packet_deadline(violation: Violation) -> date | None:
    """Return the last day the evidence packet may go out (TX: 10 days before the hearing),
    or None where the profile asks for none."""
    profile = profile_of(violation.association.compliance_profile)
    if not profile.evidence_packet_days or violation.hearing is None:
        return None
    return hearing_day(violation) - timedelta(days=profile.evidence_packet_days)


def check_record_hearing(violation: Violation) -> None:
    """Refuse recording the hearing as held when it cannot be yet (409 naming the rule)."""
    association = violation.association
    profile = profile_of(association.compliance_profile)
    hearing = violation.hearing
    if hearing is None:
        raise refuse(_("No hearing is scheduled for this violation."))
    if hearing.held:
        raise refuse(
            _(
                "The hearing was already recorded as held on %(date)s.",
                date=formatting.long_date(hearing.held_at, association.time_zone),
            )
        )
    day = hearing_day(violation)
    if today(association) < day:
        raise refuse(
            _(
                "A hearing is recorded as held from its own date (%(when)s).",
                when=formatting.long_datetime(hearing.scheduled_at, association.time_zone),
            ),
            day,
        )
    deadline = packet_deadline(violation)
    if deadline is not None:
        sent = (
            clock.as_utc(hearing.packet_sent_at)
            .astimezone(clock.zone(association.time_zone))
            .date()
            if hearing.packet_sent_at
            else None
        )
        if sent is None or sent > deadline:
            raise refuse(
                _(
                    "%(rule)s The evidence packet %(state)s (due by %(due)s); the hearing "
                    "cannot be recorded as held. Move the hearing and send the packet at "
                    "least %(n)d days before its new date.",
                    rule=profile.evidence_packet_rule,
                    state=_("went out on %(d)s", d=formatting.long_date(sent))
                    if sent
                    else _("was not sent"),
                    due=formatting.long_date(deadline),
                    n=profile.evidence_packet_days,
                )
            )


def record_hearing(violation: Violation, *, owner_attended, summary, actor: User) -> Hearing:
    """Record the hearing as held (the manager or the secretary): whether the owner attended
    and what was said. Only this makes the hearing held."""
    if not compliance_policies.can_record_hearing(actor, violation.association_id):
        raise NotAllowed(_("Only the manager or the secretary records the hearing."))
    check_record_hearing(violation)
    errors: dict[str, list[str]] = {}
    if not isinstance(owner_attended, bool):
        errors["owner_attended"] = [_("Say whether the owner attended (true or false).")]
    summary = summary.strip() if isinstance(summary, str) else ""
    if not summary:
        errors["summary"] = [_("Summarize the hearing: what the owner and the board said.")]
    elif len(summary) > 4000:
        errors["summary"] = [
            _("Use at most %(max)d characters (this has %(n)d).", max=4000, n=len(summary))
        ]
    if errors:
        raise ValidationError(errors)
    hearing = violation.hearing
    hearing.held_at, hearing.owner_attended, hearing.summary = clock.now(), owner_attended, summary
    db.session.flush()
    record(
        violation,
        "hearing.held",
        _(
            "Recorded the hearing of %(when)s as held (the owner %(attended)s)",
            when=formatting.long_datetime(hearing.scheduled_at, violation.association.time_zone),
            attended=_("attended") if owner_attended else _("did not attend"),
        ),
        actor=actor,
        data={
            "owner_attended": owner_attended,
            "summary": summary,
            "meeting_id": hearing.meeting_id,
        },
    )
    return hearing
