"""Architectural review's pages: the list, a new request, a request with its conversation,
decision and appeal, and the letters and files."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import selectinload

from app.arc import appeals, decisions, policies, services
from app.arc.forms import (
    AppealForm,
    DecisionForm,
    MessageForm,
    RequestForm,
    SettingsForm,
    WithdrawForm,
)
from app.arc.models import ArcLetter, ArcRequest, ArcStatus
from app.arc.profiles import arc_profile
from app.associations.models import Unit
from app.auth import policies as auth_policies
from app.core import formatting
from app.core.errors import DomainError, NotFound
from app.core.forms import apply_errors
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, require
from app.core.pdf import pdf_response
from app.extensions import db

bp = Blueprint("arc", __name__, url_prefix="/associations/<int:aid>/arc")


def _request(aid: int, request_id: int) -> ArcRequest:
    found = services.get_visible(actor(), request_id)
    if found.association_id != aid:
        raise NotFound(_("No such architectural request."))
    return found


@bp.route("/", methods=["GET", "POST"])
@login_required
def requests(aid: int):
    """The association's requests (staff) or the owner's own, with the review settings."""
    association = load_association(aid)
    user = actor()
    require(policies.can_see_all(user, aid) or policies.can_submit(user, aid))
    settings = services.settings_of(aid)
    form = None
    status = 200
    if request.method == "POST":
        require(auth_policies.is_manager(user, aid))  # only the manager sets the period
    if auth_policies.is_manager(user, aid):
        form = SettingsForm(
            review_days=settings.review_days, deemed_approved=settings.deemed_approved
        )
        if form.validate_on_submit():
            try:
                services.set_settings(
                    association,
                    review_days=form.review_days.data,
                    deemed_approved=bool(form.deemed_approved.data),
                    actor=user,
                )
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error, {422: "review_days"})
                status = error.status
            else:
                db.session.commit()
                flash(_("Saved the review settings."), "success")
                return redirect(url_for("arc.requests", aid=aid))
        elif request.method == "POST":
            status = 422
    # The page shows each request's unit: loaded for the whole page at once.
    statement = services.visible_query(user, aid).options(selectinload(ArcRequest.unit))
    due = request.args.get("due") == "1"
    if due:
        statement = statement.where(decisions.due_soon_condition(services.today(association)))
    args = list_args()
    page = paginate(
        statement,
        search=[ArcRequest.title],
        sortable={"decide_by": ArcRequest.decide_by, "id": ArcRequest.id},
        default_sort="id",
        tiebreak=ArcRequest.id,
        **{**args, "direction": args["direction"] or "desc"},
    )
    return render_template(
        "arc/requests.html",
        association=association,
        page=page,
        due=due,
        today=services.today(association),
        settings=settings,
        form=form,
        can_submit=policies.can_submit(user, aid),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(aid: int):
    """An owner asks for approval of a change to their home."""
    association = load_association(aid)
    user = actor()
    require(policies.can_submit(user, aid))
    if auth_policies.is_manager(user, aid):
        units = db.session.scalars(select_units(aid)).all()
    else:
        owned = auth_policies.owned_unit_ids(user, aid)
        units = [u for u in db.session.scalars(select_units(aid)) if u.id in owned]
    form = RequestForm()
    form.unit_id.choices = [(str(u.id), f"{u.label} — {u.street_address}") for u in units]
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        files = [(f.filename, f.read()) for f in (form.files.data or []) if f and f.filename]
        try:
            created = services.submit_request(
                association,
                unit_id=form.unit_id.data,
                title=form.title.data,
                description=form.description.data,
                files=files,
                actor=user,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error, {413: "files", 415: "files", 403: "unit_id"})
            status = error.status
        else:
            db.session.commit()
            flash(
                _(
                    "Your request is submitted. A decision is due by %(date)s.",
                    date=formatting.long_date(created.decide_by),
                ),
                "success",
            )
            return redirect(url_for("arc.request", aid=aid, request_id=created.id))
    return render_template("arc/new.html", association=association, form=form), status


def select_units(aid: int):
    """Return the association's units, by label."""
    from sqlalchemy import select

    return select(Unit).where(Unit.association_id == aid).order_by(Unit.label)


@login_required
def request_page(aid: int, request_id: int):
    """A request: its files, the conversation, the decision, the letter and the appeal."""
    association = load_association(aid)
    user = actor()
    found = _request(aid, request_id)
    message_form = MessageForm(prefix="m")
    decision_form = DecisionForm(prefix="d")
    appeal_form = AppealForm(prefix="a")
    withdraw_form = WithdrawForm(prefix="w")
    action = request.form.get("action") if request.method == "POST" else None
    forms = {
        "message": message_form,
        "decision": decision_form,
        "appeal": appeal_form,
        "withdraw": withdraw_form,
    }
    status = 200
    shown = _shown_forms(user, aid, found) if action in forms else {}
    if action in forms and shown[action] and not forms[action].validate_on_submit():
        status = 422  # shown again with what was typed and the error beside its field
    elif action in forms:
        # A form this page does not show (an appeal by someone who may not appeal, a
        # message on a decided request) goes to the service all the same: it refuses with
        # the rule, said in an alert since no field of the page can hold it.
        form = forms[action]
        try:
            if action == "message":
                services.add_message(found, message=form.message.data, actor=user)
                done = _("Message sent.")
            elif action == "decision":
                require(policies.can_review(user, aid))
                approval = decisions.propose_decision(
                    found,
                    decision=form.decision.data,
                    reasons=form.reasons.data,
                    conditions=form.conditions.data,
                    actor=user,
                )
                done = _(
                    "The proposed decision is before the reviewing body (approval %(id)d).",
                    id=approval.id,
                )
            elif action == "appeal":
                appeals.appeal(found, message=form.message.data, actor=user)
                done = _("Your appeal is before the board.")
            else:
                services.withdraw(found, actor=user)
                done = _("The request is withdrawn.")
        except DomainError as error:
            db.session.rollback()
            if shown[action]:
                apply_errors(form, error)
            else:
                flash(_refusal(error), "danger")
            status = error.status
            found = _request(aid, request_id)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("arc.request", aid=aid, request_id=request_id))
    elif action is not None and action not in forms:
        return redirect(url_for("arc.request", aid=aid, request_id=request_id))
    profile = arc_profile(association.compliance_profile)
    time = appeals.window(found)  # read once: the appeal form and its note both show it
    shown = _shown_forms(user, aid, found, time)
    return render_template(
        "arc/request.html",
        association=association,
        r=found,
        today=services.today(association),
        message_form=message_form,
        decision_form=decision_form,
        appeal_form=appeal_form,
        withdraw_form=withdraw_form,
        can_message=shown["message"],
        can_decide=shown["decision"],
        can_appeal=shown["appeal"],
        appeal_window=time,
        can_withdraw=shown["withdraw"],
        profile=profile,
    ), status


def _shown_forms(user, aid: int, found: ArcRequest, time=None) -> dict[str, bool]:
    """Which of the request's forms the page shows this person, by action."""
    return {
        "message": found.status == ArcStatus.SUBMITTED
        and (policies.can_review(user, aid) or policies.owns(user, found)),
        "decision": policies.can_review(user, aid)
        and found.status == ArcStatus.SUBMITTED
        and found.proposed is None,
        "appeal": appeals.can_appeal(user, found, time),
        "withdraw": policies.can_withdraw(user, found),
    }


def _refusal(error: DomainError) -> str:
    """What a refused form that the page does not show says: the service's rule, or each
    field's message where the refusal was of what was typed."""
    fields = getattr(error, "errors", None) or {}
    messages = [m for found in fields.values() for m in found if m] or [error.message]
    return " ".join(dict.fromkeys(messages))


bp.add_url_rule(
    "/<int:request_id>", endpoint="request", view_func=request_page, methods=["GET", "POST"]
)


@bp.route("/<int:request_id>/letters/<int:letter_id>.pdf")
@login_required
def letter_pdf(aid: int, request_id: int, letter_id: int):
    """A decision letter, the same bytes every time."""
    load_association(aid)
    found = _request(aid, request_id)
    letter = db.session.get(ArcLetter, letter_id)
    if letter is None or letter.request_id != found.id:
        raise NotFound(_("No such letter."))
    return pdf_response(*letter.download(english=request.args.get("lang") == "en"))


@bp.route("/<int:request_id>/files/<int:file_id>")
@login_required
def file(aid: int, request_id: int, file_id: int):
    """A plan or photo of the request."""
    load_association(aid)
    found = _request(aid, request_id)
    row = next((f for f in found.files if f.id == file_id), None)
    if row is None:
        raise NotFound(_("No such file."))
    return Response(services.file_bytes(row), mimetype=row.content_type)
