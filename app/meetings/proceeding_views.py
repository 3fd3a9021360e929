"""The meeting page's record, kept by the secretary on a tablet while the meeting runs:
attendance, motions, each member's vote, adjourning."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.core.errors import DomainError, NotFound
from app.core.pages import actor, load_association, require
from app.extensions import db
from app.meetings import policies, proceedings
from app.meetings.blueprint import bp, meeting_in


def _run(aid: int, meeting_id: int, action) -> Response:
    """Do one recorded step at the meeting, then come back to its page."""
    meeting = meeting_in(aid, meeting_id)
    require(policies.can_run(actor(), meeting))
    try:
        message = action(meeting)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        if message:
            flash(message, "success")
    return redirect(url_for("meetings.show", aid=aid, meeting_id=meeting_id) + "#record")


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@login_required
def attendance(aid: int, meeting_id: int):
    """Mark a board member present or absent."""
    load_association(aid)
    user = actor()
    return _run(
        aid,
        meeting_id,
        lambda m: (
            proceedings.record_attendance(
                m,
                user_id=request.form.get("user_id"),
                present=request.form.get("present") == "1",
                actor=user,
            )
            and None
        ),
    )


@bp.route("/meetings/<int:meeting_id>/motions", methods=["POST"])
@login_required
def motion(aid: int, meeting_id: int):
    """Record a motion with its mover and seconder."""
    load_association(aid)
    user = actor()
    form = request.form
    return _run(
        aid,
        meeting_id,
        lambda m: (
            proceedings.move_motion(
                m,
                text=form.get("text", ""),
                agenda_item_id=form.get("agenda_item_id") or None,
                moved_by=form.get("moved_by"),
                seconded_by=form.get("seconded_by"),
                actor=user,
            )
            and _("Motion recorded; record each member's vote.")
        ),
    )


@bp.route("/meetings/<int:meeting_id>/motions/<int:motion_id>/votes", methods=["POST"])
@login_required
def vote(aid: int, meeting_id: int, motion_id: int):
    """Record one member's vote on a motion."""
    load_association(aid)
    user = actor()

    def _vote(meeting):
        motion = proceedings.get_motion(motion_id)
        if motion.meeting_id != meeting.id:
            raise NotFound(_("No such motion."))
        proceedings.vote_on_motion(
            motion,
            user_id=request.form.get("user_id"),
            choice=request.form.get("choice"),
            actor=user,
        )
        return None

    return _run(aid, meeting_id, _vote)


@bp.route("/meetings/<int:meeting_id>/adjourn", methods=["POST"])
@login_required
def adjourn(aid: int, meeting_id: int):
    """Adjourn the meeting."""
    load_association(aid)
    user = actor()
    return _run(
        aid,
        meeting_id,
        lambda m: proceedings.adjourn_meeting(m, actor=user) and _("The meeting is adjourned."),
    )
