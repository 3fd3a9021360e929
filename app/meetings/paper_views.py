"""Meeting pages on paper: the minutes editor (drafted from the record, edited, sent for
approval), the meeting report PDF and the board packet (built as a job, opened by the board)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.core import markdown
from app.core.errors import DomainError, NotFound
from app.core.forms import apply_errors
from app.core.pages import actor, load_association, require
from app.core.pdf import pdf_response
from app.extensions import db
from app.meetings import minutes as minutes_service
from app.meetings import minutes_draft, policies, report, scheduling
from app.meetings import packet as packets
from app.meetings.blueprint import bp, meeting_in
from app.meetings.forms import MinutesForm

# --- minutes and the report -------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes_editor(aid: int, meeting_id: int):
    """Write the minutes: prefilled with what was written, else the record's draft; a
    preview renders them as owners will read them."""
    association = load_association(aid)
    meeting = meeting_in(aid, meeting_id)
    user = actor()
    require(policies.can_run(user, meeting))
    current = minutes_service.for_reader(user, meeting)
    form = MinutesForm()
    preview = None
    if request.method == "GET":
        form.body.data = current["body"] or minutes_draft.draft_from_record(meeting, association)
    elif form.validate():
        if form.preview.data:
            preview = markdown.to_html(form.body.data)
        else:
            try:
                minutes_service.save_minutes(meeting, body=form.body.data, actor=user)
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error, {409: "body"})
            else:
                db.session.commit()
                flash(_("The minutes are saved as a draft."), "success")
                return redirect(
                    url_for("meetings.show", aid=aid, meeting_id=meeting_id) + "#minutes"
                )
    return render_template(
        "meetings/minutes.html",
        association=association,
        meeting=meeting,
        kinds=scheduling.KIND_WORDS,
        form=form,
        preview=preview,
        minutes=current,
    ), (422 if form.errors else 200)


@bp.route("/meetings/<int:meeting_id>/minutes/submit", methods=["POST"])
@login_required
def submit_minutes(aid: int, meeting_id: int):
    """Put the minutes to the board through the approval engine."""
    meeting = meeting_in(aid, meeting_id)
    user = actor()
    require(policies.can_run(user, meeting))
    try:
        request_row = minutes_service.submit_minutes(meeting, actor=user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(
            _("The minutes are before the board; a motion at a later meeting approves them.")
            if request_row.venue == "meeting"
            else _("The minutes are before the board for its online vote."),
            "success",
        )
    return redirect(url_for("meetings.show", aid=aid, meeting_id=meeting_id) + "#minutes")


@bp.route("/meetings/<int:meeting_id>/report.pdf")
@login_required
def report_pdf(aid: int, meeting_id: int):
    """The meeting report; owners only once they may read the minutes."""
    association = load_association(aid)
    meeting = meeting_in(aid, meeting_id)
    if not minutes_service.may_read(actor(), meeting):
        raise NotFound(_("No such meeting report."))
    return pdf_response(report.report_pdf(meeting, association), f"meeting-{meeting.id}.pdf")


# --- the board packet ---------------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/packet", methods=["POST"])
@login_required
def build_packet(aid: int, meeting_id: int):
    """Build the board packet in the background."""
    meeting = meeting_in(aid, meeting_id)
    user = actor()
    require(policies.can_run(user, meeting))
    try:
        packets.request_packet(meeting, actor=user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("The board packet is being built from today's data."), "success")
    return redirect(url_for("meetings.show", aid=aid, meeting_id=meeting_id) + "#packet")


@bp.route("/meetings/<int:meeting_id>/packet.pdf")
@login_required
def packet_pdf(aid: int, meeting_id: int):
    """Open the latest board packet (managers and the board); the open is recorded."""
    meeting = meeting_in(aid, meeting_id)
    data = packets.open_packet(meeting, actor())
    db.session.commit()
    return pdf_response(data, f"board-packet-{meeting.id}.pdf")
