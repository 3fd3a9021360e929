"""Approval pages: awaiting my vote, the association's requests, one request, thresholds."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.approvals import policies as approval_policies
from app.approvals import venues
from app.approvals.forms import ThresholdsForm
from app.approvals.listing import associations_of, awaiting_vote, briefs_of
from app.approvals.models import SUBJECT_TYPES, ApprovalRequest
from app.approvals.subjects import kind_of
from app.approvals.submission import withdraw_request
from app.approvals.thresholds import set_threshold, threshold_for
from app.approvals.voting import cast_vote
from app.associations.forms import ConfirmForm
from app.auth import policies
from app.core.errors import DomainError, NotFound, ValidationError
from app.core.forms import apply_errors
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, require
from app.extensions import db

bp = Blueprint("approvals", __name__)


@bp.route("/approvals/awaiting")
@login_required
def awaiting():
    """Every request, across the user's associations, that waits for their vote."""
    requests = awaiting_vote(actor())
    return render_template(
        "approvals/awaiting.html",
        requests=requests,
        associations=associations_of(requests),
        briefs=briefs_of(requests),
    )


@bp.route("/associations/<int:aid>/approvals")
@login_required
def index(aid: int):
    """The association's pending requests and the history of decided ones."""
    association = load_association(aid)
    user = actor()
    require(approval_policies.can_see_all_requests(user, aid))
    state = request.args.get("state", "pending")
    statement = (
        select(ApprovalRequest)
        .where(ApprovalRequest.association_id == aid)
        .options(selectinload(ApprovalRequest.votes), selectinload(ApprovalRequest.voters))
    )
    if state == "pending":
        statement = statement.where(ApprovalRequest.status == "pending")
    else:
        state = "decided"
        statement = statement.where(ApprovalRequest.status != "pending")
    kind = request.args.get("kind") or ""
    if kind in SUBJECT_TYPES:
        statement = statement.where(ApprovalRequest.subject_type == kind)
    args = list_args()
    args["direction"] = args["direction"] or "desc"
    page = paginate(
        statement,
        search=[ApprovalRequest.title],
        sortable={
            "submitted": ApprovalRequest.submitted_at,
            "title": ApprovalRequest.title,
            "decided": ApprovalRequest.decided_at,
            "status": ApprovalRequest.status,
        },
        default_sort="submitted",
        tiebreak=ApprovalRequest.id,
        **args,
    )
    page.extra.update(state=state, kind=kind, kinds=SUBJECT_TYPES)
    return render_template("approvals/index.html", association=association, page=page)


def _load_request(aid: int, request_id: int) -> ApprovalRequest:
    association = load_association(aid)
    approval = db.session.get(ApprovalRequest, request_id)
    if approval is None or approval.association_id != association.id:
        raise NotFound(_("No such approval request."))
    if not approval_policies.can_view(actor(), approval):
        raise NotFound(_("No such approval request."))
    return approval


@bp.route("/associations/<int:aid>/approvals/<int:request_id>")
@login_required
def detail(aid: int, request_id: int):
    """One request: what is decided, the votes so far and, for voters, the vote buttons."""
    approval = _load_request(aid, request_id)
    user = actor()
    kind = kind_of(approval.subject_type)
    subject = kind.load(approval.subject_id)
    mine = approval.vote_of(user.id)
    not_voted = [
        v.user
        for v in approval.voters
        if v.user_id not in {vote.voter_id for vote in approval.votes}
    ]
    return render_template(
        "approvals/detail.html",
        association=g.association,
        approval=approval,
        summary=kind.summary(subject) if subject else [],
        subject_url=kind.url(subject) if subject else None,
        evidence_template=kind.evidence_template if subject else None,
        evidence=kind.evidence(subject) if subject and kind.evidence_template else {},
        mine=mine,
        not_voted=not_voted,
        can_vote=approval_policies.can_vote(user, approval),
        can_withdraw=approval_policies.can_withdraw(user, approval),
        can_see_all=approval_policies.can_see_all_requests(user, approval.association_id),
        confirm=ConfirmForm(),
        actions=venues.actions(approval, user),
    )


@bp.route("/associations/<int:aid>/approvals/<int:request_id>/vote", methods=["POST"])
@login_required
def vote(aid: int, request_id: int):
    """Cast or change a vote."""
    approval = _load_request(aid, request_id)
    choice = request.form.get("choice", "")
    comment = request.form.get("comment", "")
    try:
        result = cast_vote(approval.id, voter=actor(), choice=choice, comment=comment)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("approvals.detail", aid=aid, request_id=request_id)), 303
    db.session.commit()
    if result.is_pending:
        flash(_("Your vote (%(choice)s) is recorded.", choice=_choice_label(choice)), "success")
    else:
        flash(
            _(
                "Your vote decided it: the board %(outcome)s “%(title)s”.",
                outcome=result.status,
                title=result.title,
            ),
            "success",
        )
    return redirect(url_for("approvals.detail", aid=aid, request_id=request_id)), 303


def _choice_label(choice: str) -> str:
    return {"approve": _("approve"), "reject": _("reject"), "abstain": _("abstain")}[choice]


@bp.route("/associations/<int:aid>/approvals/<int:request_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(aid: int, request_id: int):
    """Take a request back from the board, after confirmation."""
    approval = _load_request(aid, request_id)
    require(approval_policies.can_withdraw(actor(), approval))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            withdraw_request(approval.id, actor=actor())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Withdrawn. The subject can be changed again."), "success")
        return redirect(url_for("approvals.detail", aid=aid, request_id=request_id))
    form.submit.label.text = _("Yes, withdraw")
    return render_template(
        "associations/confirm.html",
        association=g.association,
        form=form,
        title=_("Withdraw “%(title)s” from the board?", title=approval.title),
        message=_(
            "Votes cast so far (%(n)d) stay on record, but the request is closed and the "
            "subject becomes editable again.",
            n=len(approval.votes),
        ),
        cancel_url=url_for("approvals.detail", aid=aid, request_id=request_id),
    )


@bp.route("/associations/<int:aid>/approvals/thresholds", methods=["GET", "POST"])
@login_required
def thresholds(aid: int):
    """Record the thresholds the governing documents set per subject kind."""
    association = load_association(aid)
    user = actor()
    require(approval_policies.can_set_thresholds(user, aid))
    current = {kind: threshold_for(aid, kind) for kind in SUBJECT_TYPES}
    form = ThresholdsForm(
        data={
            kind: f"{row.numerator}/{row.denominator}" if row else ""
            for kind, row in current.items()
        }
    )
    if form.validate_on_submit():
        try:
            for kind in SUBJECT_TYPES:
                fraction = form.fraction(kind)
                row = current[kind]
                if fraction != ((row.numerator, row.denominator) if row else (None, None)):
                    try:
                        set_threshold(association, kind, *fraction, actor=user)
                    except ValidationError as error:
                        raise ValidationError(kind, error.message) from error
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Thresholds saved."), "success")
            return redirect(url_for("approvals.thresholds", aid=aid))
    return render_template(
        "approvals/thresholds.html", association=association, form=form, kinds=SUBJECT_TYPES
    )


VENUE_WORDS = {
    "online": _l("Online votes"),
    "meeting": _l("At a board meeting"),
    "committee": _l("By the fining committee"),
}


@bp.route("/associations/<int:aid>/approvals/venues", methods=["GET", "POST"])
@login_required
def venues_page(aid: int):
    """Where the board decides each kind, with the rule behind it; an admin may require a
    meeting where the profile allows online."""
    association = load_association(aid)
    user = actor()
    require(approval_policies.can_see_all_requests(user, aid))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        require(policies.is_admin(user))
        current = venues.board_decisions(association)
        changes = {
            kind: request.form.get(kind)
            for kind in venues.SETTABLE
            if request.form.get(kind) and request.form.get(kind) != current[kind]
        }
        try:
            venues.set_board_decisions(association, changes, actor=user)
        except DomainError as error:
            db.session.rollback()
            errors = getattr(error, "errors", None) or {"board_decisions": [error.message]}
        else:
            db.session.commit()
            flash(_("Saved where the board decides."), "success")
            return redirect(url_for("approvals.venues_page", aid=aid))
    return render_template(
        "approvals/venues.html",
        association=association,
        rows=venues.venue_table(association),
        words=VENUE_WORDS,
        can_change=policies.is_admin(user),
        errors=errors,
    ), (422 if errors else 200)
