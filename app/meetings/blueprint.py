"""The meeting pages' blueprint and the lookup every meeting page starts with."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from app.core.errors import NotFound
from app.core.pages import actor
from app.extensions import db
from app.meetings import policies
from app.meetings.models import Meeting

bp = Blueprint("meetings", __name__, url_prefix="/associations/<int:aid>")


def meeting_in(aid: int, meeting_id: int) -> Meeting:
    """Return a meeting of the association the signed-in person may see, else 404."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.association_id != aid or not policies.can_view(actor(), meeting):
        raise NotFound(_("No such meeting."))
    return meeting
