"""One violation's page and its inline steps: letters, hearing, fine, cure, close."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import (
    flash,
    g,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.associations.forms import ConfirmForm
from app.compliance import conversation, fines, hearings, ladder, letters, outcomes, voids, wording
from app.compliance import packet as evidence
from app.compliance import policies as compliance_policies
from app.compliance import services as compliance
from app.compliance.forms import (
    FineForm,
    HearingForm,
    HearingRecordForm,
    NotesForm,
    ReasonForm,
    ReplyForm,
)
from app.compliance.letter_models import Letter
from app.compliance.models import Violation
from app.compliance.profiles import profile_of
from app.compliance.views.base import STATUS_LABELS, _fail, _manage, _violation, bp
from app.core import clock
from app.core.audit import AuditEntry
from app.core.errors import DomainError, NotFound
from app.core.forms import apply_errors
from app.core.pages import actor, load_association, record_in, require
from app.core.pdf import pdf_response
from app.extensions import db


def _refusal(check, *args) -> str | None:
    """Return why the ladder refuses a step now, or None when it allows it."""
    try:
        check(*args)
    except DomainError as error:
        return error.message
    return None


@bp.route("/violations/<int:violation_id>")
@login_required
def violation(aid: int, violation_id: int):
    """A violation's whole history, and the next steps the ladder allows."""
    violation = _violation(aid, violation_id)
    if not compliance_policies.can_see_all(actor(), aid):
        return redirect(url_for("portal.violation", aid=aid, violation_id=violation_id))
    return _render_violation(violation)


def _render_violation(violation, forms: dict | None = None, status: int = 200):
    """Render a violation's page; ``forms`` replaces an inline form by the one just posted
    (its input kept, its errors beside the fields)."""
    user = actor()
    aid = violation.association_id
    association = g.association
    profile = profile_of(association.compliance_profile)
    allowed_letters = {
        kind: _refusal(ladder.check_letter, violation, kind)
        for kind in ("courtesy", "violation", "fine", "closure")
    }
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.association_id == aid,
            AuditEntry.subject_type == "violation",
            AuditEntry.subject_id == violation.id,
        )
        .order_by(AuditEntry.id)
    ).all()
    hearing_form = HearingForm()
    if violation.hearing is not None:
        local = clock.as_utc(violation.hearing.scheduled_at).astimezone(
            clock.zone(association.time_zone)
        )
        hearing_form.scheduled_at.data = local.replace(tzinfo=None)
        hearing_form.location.data = violation.hearing.location
    elif violation.cure_by:
        earliest = max(
            violation.cure_by + timedelta(days=1),
            compliance.today(association) + timedelta(days=profile.hearing_notice_days),
        )
        hearing_form.scheduled_at.data = datetime(
            earliest.year, earliest.month, earliest.day, 18, 0
        )
    fine_form = FineForm(data={"amount": f"{compliance.proposed_fine(violation):.2f}"})
    forms = {
        "hearing_form": hearing_form,
        "fine_form": fine_form,
        "record_form": HearingRecordForm(formdata=None),
        "cure_form": NotesForm(formdata=None),
        "close_form": NotesForm(formdata=None),
        "reopen_form": ReasonForm(formdata=None),
        "reply_form": ReplyForm(formdata=None),
        "void_form": ReasonForm(formdata=None),
        "void_letter_id": None,
        **(forms or {}),
    }
    language = letters.letter_language(violation)
    return render_template(
        "compliance/violation.html",
        association=association,
        v=violation,
        letter_language=letters.LANGUAGE_NAMES[language],
        wording_flags={
            kind: wording.status(aid, kind, language).warning
            for kind, refusal in allowed_letters.items()
            if refusal is None
        },
        profile=profile,
        allowed_letters=allowed_letters,
        entries=entries,
        fine_refusal=_refusal(fines.check_fine, violation),
        hearing_refusal=_refusal(hearings.check_hearing, violation),
        confirm=ConfirmForm(),
        can_manage=compliance_policies.can_manage(user, aid),
        hearing_held=hearings.hearing_held(violation),
        can_record_hearing=compliance_policies.can_record_hearing(user, aid),
        record_refusal=_refusal(hearings.check_record_hearing, violation),
        packet_deadline=hearings.packet_deadline(violation) if violation.hearing else None,
        decision_due=fines.decision_letter_due(violation),
        cap_note=fines.cap_note,
        statuses=STATUS_LABELS,
        **forms,
    ), status


def _back(aid: int, violation_id: int) -> str:
    return url_for("compliance.violation", aid=aid, violation_id=violation_id)


def _act(
    aid: int,
    violation_id: int,
    form_class,
    action,
    success: str,
    form_key=None,
    extra=None,
    allowed=None,
):
    """Run an inline form's action. With ``form_key`` a refused form is shown again on the
    violation's page with what was typed and the error beside its field. ``allowed``: who
    may (default: the managers)."""
    if allowed is None:
        _manage(aid)
    else:
        load_association(aid)
        require(allowed(actor(), aid))
    violation = _violation(aid, violation_id)
    form = form_class()
    if not form.validate_on_submit():
        if form_key is not None and "csrf_token" not in form.errors:
            messages = " ".join(m for ms in form.errors.values() for m in ms)
            flash(_("Please correct the marked field: %(messages)s", messages=messages), "danger")
            return _render_violation(violation, {form_key: form, **(extra or {})}, 422)
        for messages in form.errors.values():
            flash(" ".join(messages), "danger")
        return redirect(_back(aid, violation_id))
    try:
        action(violation, form)
    except DomainError as error:
        if form_key is None:
            return _fail(error, _back(aid, violation_id))
        db.session.rollback()
        violation = _violation(aid, violation_id)
        apply_errors(form, error)
        return _render_violation(violation, {form_key: form, **(extra or {})}, error.status)
    db.session.commit()
    flash(success, "success")
    return redirect(_back(aid, violation_id))


@bp.route("/violations/<int:violation_id>/letters/<kind>", methods=["POST"])
@login_required
def issue_letter(aid: int, violation_id: int, kind: str):
    """Issue a letter of the ladder."""
    return _act(
        aid,
        violation_id,
        ConfirmForm,
        lambda v, f: ladder.issue_letter(v, kind, actor=actor()),
        _("Letter issued. It waits for the next mailing batch and is in the owner's portal now."),
    )


@bp.route("/violations/<int:violation_id>/letters/<kind>/preview")
@login_required
def letter_preview(aid: int, violation_id: int, kind: str):
    """The letter issuing ``kind`` now would produce, watermarked PREVIEW (nothing stored)."""
    _manage(aid)
    violation = record_in(Violation, violation_id, aid, _("No such violation."))
    pdf = ladder.preview_letter(violation, kind)
    db.session.rollback()
    return pdf_response(pdf, f"preview-V{violation.id}-{kind}.pdf")


@bp.route("/violations/<int:violation_id>/hearing", methods=["POST"])
@login_required
def hearing(aid: int, violation_id: int):
    """Schedule or move the hearing (issues its notice)."""

    def schedule(violation, form):
        local = form.scheduled_at.data.replace(tzinfo=clock.zone(g.association.time_zone))
        hearings.schedule_hearing(
            violation, scheduled_at=local, location=form.location.data, actor=actor()
        )

    return _act(
        aid,
        violation_id,
        HearingForm,
        schedule,
        _("Hearing scheduled; the notice of hearing is issued."),
        form_key="hearing_form",
    )


@bp.route("/violations/<int:violation_id>/hearing/record", methods=["POST"])
@login_required
def record_hearing(aid: int, violation_id: int):
    """Record the hearing as held (manager or secretary)."""
    return _act(
        aid,
        violation_id,
        HearingRecordForm,
        lambda v, f: hearings.record_hearing(
            v, owner_attended=bool(f.owner_attended.data), summary=f.summary.data, actor=actor()
        ),
        _("The hearing is recorded as held."),
        form_key="record_form",
        allowed=compliance_policies.can_record_hearing,
    )


@bp.route("/violations/<int:violation_id>/hearing/packet", methods=["POST"])
@login_required
def send_packet(aid: int, violation_id: int):
    """Send the evidence packet to the unit's owners (TX Property Code 209.007)."""
    return _act(
        aid,
        violation_id,
        ConfirmForm,
        lambda v, f: evidence.send_packet(v, actor=actor()),
        _("The evidence packet is on its way to the owners."),
    )


@bp.route("/violations/<int:violation_id>/fine", methods=["POST"])
@login_required
def fine(aid: int, violation_id: int):
    """Propose a fine to the board."""
    return _act(
        aid,
        violation_id,
        FineForm,
        lambda v, f: fines.propose_fine(
            v,
            amount=f.amount.data,
            reason=f.reason.data,
            health_safety_finding=f.health_safety_finding.data,
            actor=actor(),
        ),
        _("The fine is before the board."),
        form_key="fine_form",
    )


@bp.route("/violations/<int:violation_id>/cure", methods=["POST"])
@login_required
def cure(aid: int, violation_id: int):
    """Record the cure."""
    return _act(
        aid,
        violation_id,
        NotesForm,
        lambda v, f: outcomes.cure_violation(v, notes=f.notes.data, actor=actor()),
        _("Cure recorded."),
        form_key="cure_form",
    )


@bp.route("/violations/<int:violation_id>/close", methods=["POST"])
@login_required
def close(aid: int, violation_id: int):
    """Close the violation."""
    return _act(
        aid,
        violation_id,
        NotesForm,
        lambda v, f: outcomes.close_violation(v, notes=f.notes.data, actor=actor()),
        _("Violation closed."),
        form_key="close_form",
    )


@bp.route("/violations/<int:violation_id>/reopen", methods=["POST"])
@login_required
def reopen(aid: int, violation_id: int):
    """Reopen a cured or closed violation, with the reason."""
    return _act(
        aid,
        violation_id,
        ReasonForm,
        lambda v, f: outcomes.reopen_violation(v, reason=f.reason.data, actor=actor()),
        _("Violation reopened; the ladder continues where it stood."),
        form_key="reopen_form",
    )


@bp.route("/violations/<int:violation_id>/replies", methods=["POST"])
@login_required
def reply(aid: int, violation_id: int):
    """Reply to the owner on the violation."""
    return _act(
        aid,
        violation_id,
        ReplyForm,
        lambda v, f: conversation.reply(v, message=f.message.data, actor=actor()),
        _("Reply sent: the owner sees it in the portal and gets an e-mail."),
        form_key="reply_form",
    )


@bp.route("/letters/<int:letter_id>/void", methods=["POST"])
@login_required
def void_letter(aid: int, letter_id: int):
    """Void a mistaken letter, with the reason."""
    _manage(aid)
    letter = record_in(Letter, letter_id, aid, _("No such letter."))

    def void(violation, form):
        voids.void_letter(letter, reason=form.reason.data, actor=actor())

    return _act(
        aid,
        letter.violation_id,
        ReasonForm,
        void,
        _(
            "Letter voided. It stays on file, is gone from the owner's portal and from any "
            "open batch; its step can be issued again."
        ),
        form_key="void_form",
        extra={"void_letter_id": letter.id},  # a refused form opens again beside its letter
    )


@bp.route("/fines/<int:fine_id>/<status>", methods=["POST"])
@login_required
def settle(aid: int, fine_id: int, status: str):
    """Record an approved fine as paid or waived."""
    from app.compliance.models import Fine

    _manage(aid)
    fine = db.session.get(Fine, fine_id)
    if fine is None or fine.violation.association_id != aid:
        raise NotFound(_("No such fine."))
    return _act(
        aid,
        fine.violation_id,
        ConfirmForm,
        lambda v, f: fines.settle_fine(fine, status, actor=actor()),
        _("Fine recorded as %(status)s.", status=status),
    )
