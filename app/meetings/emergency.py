"""The page of a California emergency: a request that waits for a board meeting is decided
online by the written consent of every director instead (Civil Code 4910(b)(2), 4923),
called by the president or two other directors, with the reason recorded."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.approvals import policies as approval_policies
from app.approvals import venues
from app.approvals.models import ApprovalRequest
from app.associations.forms import OFFICES
from app.associations.models import Association
from app.auth import policies as auth_policies
from app.auth.models import User
from app.core.errors import DomainError, NotFound
from app.core.forms import apply_errors
from app.core.pages import actor, load_association, require
from app.extensions import db
from app.meetings import consent
from app.meetings.board import board_offices
from app.meetings.forms import EmergencyForm
from app.meetings.profiles import meeting_rules

bp = Blueprint("meetings_emergency", __name__, url_prefix="/associations/<int:aid>")


def may_declare(approval: ApprovalRequest, user: User | None) -> bool:
    """The manager or a director may ask for consent on a pending meeting request of an
    association whose profile has the emergency rule."""
    if user is None or not approval.is_pending or approval.emergency:
        return False
    if venues.venue_of(approval) != venues.MEETING:
        return False
    aid = approval.association_id
    if not (auth_policies.is_manager(user, aid) or auth_policies.is_board(user, aid)):
        return False
    association = db.session.get(Association, aid)
    return bool(meeting_rules(association.compliance_profile).emergency_consent_rule)


@venues.register_action
def _offer(approval: ApprovalRequest, user: User | None) -> tuple[str, str] | None:
    if not may_declare(approval, user):
        return None
    return (
        _("Emergency: decide by written consent"),
        url_for("meetings_emergency.declare", aid=approval.association_id, request_id=approval.id),
    )


@bp.route("/approvals/<int:request_id>/emergency", methods=["GET", "POST"])
@login_required
def declare(aid: int, request_id: int):
    """Declare the emergency: the reason and who called it, then every director consents."""
    association = load_association(aid)
    user = actor()
    approval = db.session.get(ApprovalRequest, request_id)
    if approval is None or approval.association_id != aid:
        raise NotFound(_("No such approval request."))
    if not approval_policies.can_view(user, approval):
        raise NotFound(_("No such approval request."))
    require(auth_policies.is_manager(user, aid) or auth_policies.is_board(user, aid))
    offices = board_offices(aid)
    directors = db.session.scalars(
        select(User).where(User.id.in_(offices)).order_by(User.name)
    ).all()
    form = EmergencyForm()
    words = dict(OFFICES)
    form.called_by.choices = [
        (str(d.id), f"{d.name} ({words[offices[d.id]]})" if offices[d.id] else d.name)
        for d in directors
    ]
    rules = meeting_rules(association.compliance_profile)
    if request.method == "POST" and form.validate():
        try:
            consent.declare_emergency(
                approval,
                reason=form.reason.data or "",
                called_by=[int(v) for v in form.called_by.data if v.isdigit()],
                actor=user,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error, {409: "reason"})
        else:
            db.session.commit()
            flash(
                _("Every director is asked to consent online; one refusal decides against it."),
                "success",
            )
            return redirect(url_for("approvals.detail", aid=aid, request_id=approval.id))
    return render_template(
        "meetings/emergency.html",
        association=association,
        approval=approval,
        form=form,
        rule=rules.emergency_consent_rule,
        calling_rule=rules.emergency_rule,
        allowed=may_declare(approval, user),
    ), (422 if form.errors else 200)
