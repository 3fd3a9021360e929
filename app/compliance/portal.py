"""The owner's side of compliance: their violations, letters and answers."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.compliance import conversation, hearings
from app.compliance import policies as compliance_policies
from app.compliance import services as compliance
from app.compliance.forms import ResponseForm
from app.compliance.models import Violation
from app.core.errors import DomainError, NotFound
from app.core.forms import apply_errors
from app.core.pages import actor, load_association
from app.extensions import db

bp = Blueprint("portal", __name__, url_prefix="/associations/<int:aid>/my")


@bp.route("/violations/<int:violation_id>", methods=["GET", "POST"])
@login_required
def violation(aid: int, violation_id: int):
    """An owner's violation: what was seen, the letters, the deadlines, and the answer form."""
    load_association(aid)
    user = actor()
    violation = db.session.get(Violation, violation_id)
    if (
        violation is None
        or violation.association_id != aid
        or not compliance_policies.owns_unit_of(user, violation)
    ):
        raise NotFound(_("No such violation."))
    form = ResponseForm()
    if form.validate_on_submit():
        photos = [f.read() for f in (form.photos.data or []) if f and f.filename]
        try:
            conversation.add_response(
                violation,
                user=user,
                message=form.message.data,
                request_hearing=form.request_hearing.data,
                photos=photos,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error, {413: "photos", 415: "photos"})
        else:
            db.session.commit()
            flash(_("Thank you. The management office has your answer."), "success")
            return redirect(url_for("portal.violation", aid=aid, violation_id=violation_id))
    conversation.mark_replies_read(violation, user)
    db.session.commit()
    return render_template(
        "compliance/portal_violation.html",
        association=g.association,
        v=violation,
        form=form,
        can_respond=compliance_policies.can_respond(user, violation),
        hearing_held=hearings.hearing_held(violation),
        hearing_offered=conversation.hearing_request_offered(violation),
        today=compliance.today(g.association),
    )
