"""What every step of the meetings workflow shares: the limits and checks of its text
fields, the check that a meeting is still scheduled, and its entry in the audit log."""

from __future__ import annotations

from flask_babel import gettext as _

from app.auth.models import User
from app.core import audit
from app.core.errors import InvalidTransition, ValidationError
from app.meetings.models import Meeting, MeetingStatus

TITLE_MAX = 200
TEXT_MAX = 2000


def _record(meeting: Meeting, action: str, summary: str, *, actor: User | None, data=None):
    audit.record(
        action,
        actor=actor,
        association_id=meeting.association_id,
        subject_type="meeting",
        subject_id=meeting.id,
        summary=summary,
        data=data,
    )


def _text(value, field: str, maximum: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, _("Enter text."))
    value = value.strip()
    if required and not value:
        raise ValidationError(field, _("This field is required."))
    if len(value) > maximum:
        raise ValidationError(
            field, _("Use at most %(max)d characters (this has %(n)d).", max=maximum, n=len(value))
        )
    return value


def _scheduled(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise InvalidTransition(
            _("This meeting is %(status)s; nothing more is recorded.", status=meeting.status)
        )
