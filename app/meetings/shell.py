"""What meetings add to the application shell: the navigation link, audit actions in words
and links to meetings."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.core import audit, navigation
from app.meetings.models import motion_choice_words


def register(app) -> None:
    """Register meetings with the navigation and the audit log."""
    app.add_template_global(motion_choice_words)  # templates/labels.html's macros
    navigation.section("meetings.index", _l("Meetings"), order=15)
    audit.describe_actions(
        {
            "meeting.scheduled": _l("Meeting scheduled"),
            "meeting.agenda_item": _l("Agenda item added"),
            "meeting.attendance": _l("Attendance recorded"),
            "meeting.motion": _l("Motion moved"),
            "meeting.motion_vote": _l("Vote on a motion"),
            "meeting.motion_carried": _l("Motion carried"),
            "meeting.motion_failed": _l("Motion failed"),
            "meeting.adjourned": _l("Meeting adjourned"),
            "meeting.cancelled": _l("Meeting cancelled"),
            "association.board_decisions": _l("Where the board decides changed"),
        }
    )
    audit.link_records(
        "meeting",
        lambda aid, id_: url_for("meetings.show", aid=aid, meeting_id=id_),
        _l("Meeting"),
    )
