"""The mail page of an association (managers: what went out, what failed, send again) and
the background jobs page (administrators)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.auth import policies
from app.core import jobs, outbox
from app.core.forms import ConfirmForm
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, require
from app.extensions import db

bp = Blueprint("outbox", __name__)

STATUSES = ("failed", "queued", "sent")


@bp.route("/associations/<int:aid>/mail")
@login_required
def mail(aid: int):
    """Every message the association sent or tried to send, failed ones first to act on."""
    association = load_association(aid)
    require(policies.is_manager(actor(), association))
    status = request.args.get("status") or ""
    if status not in STATUSES:
        status = ""
    message = outbox.OutgoingMessage
    args = list_args()
    args["direction"] = args["direction"] or "desc"
    page = paginate(
        outbox.messages_of(aid, status or None),
        search=[message.to_address, message.subject],
        sortable={"queued": message.id, "to": message.to_address, "status": message.status},
        default_sort="queued",
        tiebreak=message.id,
        **args,
    )
    page.extra["status"] = status
    return render_template(
        "mail/index.html",
        association=association,
        page=page,
        failed=outbox.failed_count(aid),
        confirm=ConfirmForm(),
    )


@bp.route("/associations/<int:aid>/mail/<int:message_id>/retry", methods=["POST"])
@login_required
def retry(aid: int, message_id: int):
    """Send a failed message again."""
    association = load_association(aid)
    user = actor()
    require(policies.is_manager(user, association))
    form = ConfirmForm()
    if form.validate_on_submit():
        message = outbox.get_message(aid, message_id)
        outbox.retry_message(message, actor=user)
        db.session.commit()
        flash(_("The message to %(to)s is queued again.", to=message.to_address), "success")
    return redirect(url_for("outbox.mail", aid=aid, status=request.args.get("status", "")))


@bp.route("/associations/<int:aid>/mail/retry-failed", methods=["POST"])
@login_required
def retry_all(aid: int):
    """Send again every failed message (after the mail server is back)."""
    association = load_association(aid)
    user = actor()
    require(policies.is_manager(user, association))
    form = ConfirmForm()
    if form.validate_on_submit():
        count = outbox.retry_failed(aid, actor=user)
        db.session.commit()
        flash(_("%(n)d messages are queued again.", n=count), "success")
    return redirect(url_for("outbox.mail", aid=aid))


@bp.route("/jobs")
@login_required
def job_list():
    """Background jobs that are waiting, running or failed (administrators)."""
    require(policies.is_admin(actor()))
    status = request.args.get("status") or "failed"
    statement = select(jobs.Job)
    if status != "all":
        statement = statement.where(jobs.Job.status == status)
    args = list_args()
    args["direction"] = args["direction"] or "desc"
    page = paginate(
        statement,
        search=[jobs.Job.name, jobs.Job.last_error],
        sortable={"id": jobs.Job.id, "name": jobs.Job.name},
        default_sort="id",
        tiebreak=jobs.Job.id,
        **args,
    )
    page.extra["status"] = status
    return render_template("mail/jobs.html", page=page, confirm=ConfirmForm())


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
@login_required
def retry_job(job_id: int):
    """Run a failed job again from its first attempt."""
    require(policies.is_admin(actor()))
    form = ConfirmForm()
    if form.validate_on_submit():
        from app.core.errors import NotFound

        row = db.session.get(jobs.Job, job_id)
        if row is None:
            raise NotFound(_("No such job."))
        jobs.retry(row)
        db.session.commit()
        flash(_("Job %(id)d is queued again.", id=job_id), "success")
    return redirect(url_for("outbox.job_list"))
