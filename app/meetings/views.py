"""Meeting pages: the list, scheduling, and the meeting page the secretary runs on a tablet
(its agenda, attendance with quorum, motions with each vote); calendars; putting a board
decision on a meeting's agenda ("Submit to the board"). The steps recorded while the meeting
runs (attendance, motions, votes, adjourning) are in ``proceeding_views``; the minutes, the
report and the packet in ``paper_views``."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.approvals.models import ApprovalRequest
from app.auth import policies as auth_policies
from app.auth.models import User
from app.core import clock
from app.core.errors import DomainError, NotFound
from app.core.formatting import long_datetime
from app.core.forms import apply_errors
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, require
from app.extensions import db
from app.meetings import agenda, calendar, feeds, listing, policies, scheduling
from app.meetings import minutes as minutes_service
from app.meetings import packet as packets
from app.meetings.blueprint import bp, meeting_in
from app.meetings.board import board_offices, quorum_needed, quorum_present
from app.meetings.forms import (
    AgendaItemForm,
    CancelForm,
    MeetingForm,
    SubmitToBoardForm,
)
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.profiles import EXECUTIVE_TOPICS, meeting_rules


def _board(aid: int) -> list[tuple[int, str, str]]:
    """Return (user id, name, office) of the seated board, by name."""
    offices = board_offices(aid)
    people = db.session.scalars(select(User).where(User.id.in_(offices)).order_by(User.name))
    from app.associations.forms import OFFICES

    labels = {code: str(label) for code, label in OFFICES if code}
    return [(p.id, p.name, labels.get(offices[p.id], offices[p.id]).lower()) for p in people]


@bp.route("/meetings")
@login_required
def index(aid: int):
    """The association's meetings, soonest upcoming first by default."""
    association = load_association(aid)
    user = actor()
    args = list_args()
    args["direction"] = args["direction"] or "desc"
    page = paginate(
        listing.meetings_query(user, aid),
        search=[Meeting.location, Meeting.purpose, Meeting.kind],
        sortable={"starts": Meeting.starts_at, "kind": Meeting.kind},
        default_sort="starts",
        tiebreak=Meeting.id,
        **args,
    )
    return render_template(
        "meetings/index.html",
        association=association,
        page=page,
        can_schedule=policies.can_schedule(user, aid),
        kinds=scheduling.KIND_WORDS,
        subscribe_url=feeds.feed_url(user, aid),
    )


def _schedule_form(aid: int) -> MeetingForm:
    form = MeetingForm()
    people = [("", _("— nobody —"))] + [
        (str(uid), f"{name} ({office})") for uid, name, office in _board(aid)
    ]
    form.called_by.choices = people
    form.called_by_second.choices = people
    return form


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new(aid: int):
    """Schedule a meeting; the notice goes to owners and board at once."""
    association = load_association(aid)
    user = actor()
    require(policies.can_schedule(user, aid))
    form = _schedule_form(aid)
    if request.method == "POST" and form.validate():
        called = [v for v in (form.called_by.data, form.called_by_second.data) if v]
        try:
            meeting = scheduling.schedule_meeting(
                association,
                kind=form.kind.data,
                starts_at=form.starts_at.data.replace(tzinfo=clock.zone(association.time_zone)),
                location=form.location.data or "",
                video_url=form.video_url.data or "",
                purpose=form.purpose.data or "",
                emergency=form.emergency.data,
                emergency_reason=form.emergency_reason.data or "",
                called_by=[int(v) for v in called],
                actor=user,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error, {409: "starts_at"})
        else:
            db.session.commit()
            flash(_("The meeting is scheduled and its notice sent."), "success")
            return redirect(url_for("meetings.show", aid=aid, meeting_id=meeting.id))
    rules = meeting_rules(association.compliance_profile)
    return render_template("meetings/form.html", association=association, form=form, rules=rules), (
        422 if form.errors else 200
    )


def _item_form(association, meeting) -> AgendaItemForm:
    form = AgendaItemForm(prefix="item")
    topics = meeting_rules(association.compliance_profile).executive_topics
    form.executive_topic.choices = [("", _("— open session —"))] + [
        (t, _(EXECUTIVE_TOPICS[t])) for t in topics
    ]
    return form


@bp.route("/meetings/<int:meeting_id>", methods=["GET"])
@login_required
def show(aid: int, meeting_id: int, item_form=None, cancel_form=None):
    """The meeting: agenda, attendance with quorum, motions with each vote."""
    association = load_association(aid)
    meeting = meeting_in(aid, meeting_id)
    user = actor()
    board = _board(aid)
    names = {uid: name for uid, name, _office in board}
    present = meeting.present_ids
    return render_template(
        "meetings/show.html",
        association=association,
        meeting=meeting,
        kinds=scheduling.KIND_WORDS,
        board=board,
        names=names,
        present=present,
        attendance={a.user_id: a.present for a in meeting.attendance},
        quorum=quorum_present(meeting),
        quorum_needed=quorum_needed(aid),
        can_run=policies.can_run(user, meeting) and meeting.status == MeetingStatus.SCHEDULED,
        can_cancel=policies.can_cancel(user, meeting)
        and meeting.status == MeetingStatus.SCHEDULED
        and clock.now() < meeting.starts_at,
        item_form=item_form or _item_form(association, meeting),
        cancel_form=cancel_form or CancelForm(prefix="cancel"),
        topics=EXECUTIVE_TOPICS,
        minutes=minutes_service.for_reader(user, meeting),
        may_read_minutes=minutes_service.may_read(user, meeting),
        writes_minutes=policies.can_run(user, meeting) and meeting.status != "cancelled",
        insider=policies.sees_executive(user, aid),
        **_packet_context(user, meeting),
    )


def _packet_context(user, meeting: Meeting) -> dict:
    """The packet on the meeting page: managers and the board open it; while it builds a
    progress bar (the page refreshes itself); the manager sees who opened it."""
    if not policies.sees_executive(user, meeting.association_id):
        return {"packet": None}
    latest = packets.latest(meeting)
    building = latest is not None and latest.status in ("queued", "running")
    return {
        "packet": {
            "latest": latest,
            "built": packets.latest_built(meeting),
            "building": building,
            "percent": (100 * latest.progress // latest.total) // 10 * 10
            if building and latest.total
            else 0,
            "can_build": policies.can_run(user, meeting) and meeting.status != "cancelled",
            "opened_by": packets.opened_by(meeting)
            if auth_policies.is_manager(user, meeting.association_id)
            else None,
        },
        "refresh": building,
    }


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@login_required
def add_item(aid: int, meeting_id: int):
    """Add an agenda item; errors stand next to the fields, keeping what was typed."""
    association = load_association(aid)
    meeting = meeting_in(aid, meeting_id)
    user = actor()
    require(policies.can_run(user, meeting))
    form = _item_form(association, meeting)
    if form.validate():
        try:
            agenda.add_agenda_item(
                meeting,
                title=form.title.data,
                kind=form.kind.data,
                executive_topic=form.executive_topic.data or None,
                added_under=form.added_under.data or None,
                approval_id=int(form.approval_id.data) if form.approval_id.data else None,
                actor=user,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error, {409: "added_under"})
        else:
            db.session.commit()
            flash(_("Added to the agenda and to its notice."), "success")
            return redirect(url_for("meetings.show", aid=aid, meeting_id=meeting_id))
    return show(aid, meeting_id, item_form=form), 422


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@login_required
def cancel(aid: int, meeting_id: int):
    """Cancel a meeting before it starts (manager), telling the owners."""
    load_association(aid)
    meeting = meeting_in(aid, meeting_id)
    user = actor()
    require(policies.can_cancel(user, meeting))
    form = CancelForm(prefix="cancel")
    if form.validate():
        try:
            scheduling.cancel_meeting(meeting, reason=form.reason.data, actor=user)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error, {409: "reason"})
        else:
            db.session.commit()
            flash(_("The meeting is cancelled; owners get a notice."), "success")
            return redirect(url_for("meetings.show", aid=aid, meeting_id=meeting_id))
    return show(aid, meeting_id, cancel_form=form), 422


@bp.route("/meetings/<int:meeting_id>/calendar.ics")
@login_required
def meeting_ics(aid: int, meeting_id: int):
    """Download the meeting for a calendar."""
    association = load_association(aid)
    meeting = meeting_in(aid, meeting_id)
    return Response(
        calendar.meeting_ics(meeting, association, request.host),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'},
    )


@bp.route("/meetings/calendar.ics")
@login_required
def feed_ics(aid: int):
    """Download the association's meetings for a calendar."""
    association = load_association(aid)
    rows = list(
        db.session.scalars(
            listing.meetings_query(actor(), aid).order_by(Meeting.starts_at).limit(500)
        )
    )
    return Response(
        calendar.feed_ics(rows, association, request.host),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="meetings.ics"'},
    )


@bp.route("/approvals/<int:request_id>/meeting", methods=["GET", "POST"])
@login_required
def submit_to_board(aid: int, request_id: int):
    """ "Submit to the board": choose the meeting whose agenda takes a request decided at a
    meeting, the next one whose notice period still allows it offered first."""
    association = load_association(aid)
    user = actor()
    approval = db.session.get(ApprovalRequest, request_id)
    if approval is None or approval.association_id != aid:
        raise NotFound(_("No such approval request."))
    require(policies.can_schedule(user, aid))
    offered = listing.next_meetings_for(approval)
    form = SubmitToBoardForm()
    form.meeting_id.choices = [
        (
            str(m.id),
            f"{_(scheduling.KIND_WORDS[m.kind])} — "
            f"{long_datetime(m.starts_at, association.time_zone)}",
        )
        for m in offered
    ]
    if request.method == "POST" and form.validate():
        meeting = next((m for m in offered if str(m.id) == form.meeting_id.data), None)
        try:
            if meeting is None:
                raise NotFound(_("Choose one of the meetings offered."))
            agenda.add_agenda_item(
                meeting, title=approval.title[:200], approval_id=approval.id, actor=user
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error, {409: "meeting_id", 404: "meeting_id"})
        else:
            db.session.commit()
            flash(_("It is on the agenda; the motion on it will decide it."), "success")
            return redirect(url_for("meetings.show", aid=aid, meeting_id=meeting.id))
    return render_template(
        "meetings/submit.html",
        association=association,
        approval=approval,
        form=form,
        offered=offered,
        can_schedule=policies.can_schedule(user, aid),
    ), (422 if form.errors else 200)
