"""Issued letters and photos, letter wording, and mailing batches."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select

from app.associations.forms import ConfirmForm
from app.compliance import batch_mailing, batches, letter_bodies, letters, wording
from app.compliance import letter_pdf as compliance_letter_pdf
from app.compliance import policies as compliance_policies
from app.compliance import services as compliance
from app.compliance.forms import (
    TemplateForm,
)
from app.compliance.letter_models import Letter, LetterBatch
from app.compliance.models import Photo
from app.compliance.profiles import profile_of
from app.compliance.views.base import _fail, _manage, _see_all, _violation, bp
from app.core import storage
from app.core.errors import DomainError, NotFound
from app.core.forms import apply_errors
from app.core.listing import paginate
from app.core.pages import actor, record_in, require
from app.core.pdf import pdf_response
from app.extensions import db

# --- files ----------------------------------------------------------------------------------


@bp.route("/letters/<int:letter_id>.pdf")
@login_required
def letter_pdf(aid: int, letter_id: int):
    """An issued letter: the stored bytes, every time."""
    letter = record_in(Letter, letter_id, aid, _("No such letter."))
    _violation(aid, letter.violation_id)
    if letter.void and not compliance_policies.can_see_all(actor(), aid):
        raise NotFound(_("No such letter."))  # a voided letter leaves the owner's portal
    return pdf_response(*letter.download(english=request.args.get("lang") == "en"))


@bp.route("/photos/<int:photo_id>")
@login_required
def photo(aid: int, photo_id: int):
    """A finding's or a response's photo, for those who may see the violation."""
    record = record_in(Photo, photo_id, aid, _("No such photo."))
    from app.compliance.models import Finding, OwnerResponse

    owner = (
        db.session.get(Finding, record.finding_id)
        if record.finding_id
        else db.session.get(OwnerResponse, record.response_id)
    )
    _violation(aid, owner.violation_id)
    return Response(
        storage.read_photo(record.stored_name),
        mimetype=record.content_type,
        headers={"Cache-Control": "private, max-age=3600"},
    )


# --- templates ------------------------------------------------------------------------------


@bp.route("/templates")
@login_required
def templates(aid: int):
    """The association's letter wording, per kind and language, with the languages its
    owners read and where a wording is the association's own, the shipped one or missing."""
    association = _see_all(aid)
    used = wording.owner_languages(aid)
    languages = list(dict.fromkeys(["en", *used, *wording.LANGUAGES]))
    grid = {
        kind: {lang: wording.status(aid, kind, lang) for lang in languages}
        for kind in letters.KIND_TITLES
    }
    return render_template(
        "compliance/templates.html",
        association=association,
        kinds=letters.KIND_TITLES,
        languages=languages,
        names=letters.LANGUAGE_NAMES,
        used=used,
        grid=grid,
    )


@bp.route("/templates/<kind>", methods=["GET", "POST"])
@login_required
def template(aid: int, kind: str):
    """Edit a letter's wording in a language, with a PDF preview on sample values."""
    association = _manage(aid)
    language = request.args.get("lang", "en")
    if kind not in letter_bodies.DEFAULT_BODIES or language not in wording.LANGUAGES:
        raise NotFound(_("No such letter kind."))
    form = TemplateForm(data={"body": wording.template_body(aid, kind, language)})
    if form.validate_on_submit():
        if form.preview.data:
            try:
                letter_bodies.validate_body(form.body.data)
            except DomainError as error:
                apply_errors(form, error)
            else:
                return pdf_response(
                    _preview(association, kind, form.body.data, language),
                    f"preview-{kind}-{language}.pdf",
                )
        else:
            try:
                wording.save_template(
                    association, kind, form.body.data, actor=actor(), language=language
                )
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error)
            else:
                db.session.commit()
                flash(
                    _(
                        "Saved the %(language)s wording of the %(kind)s letter.",
                        language=letters.LANGUAGE_NAMES[language],
                        kind=kind,
                    ),
                    "success",
                )
                return redirect(url_for("compliance.templates", aid=aid))
    return render_template(
        "compliance/template_form.html",
        association=association,
        form=form,
        kind=kind,
        language=language,
        language_name=letters.LANGUAGE_NAMES[language],
        title=letters.KIND_TITLES[kind],
        placeholders=letter_bodies.PLACEHOLDERS,
        default=letter_bodies.default_body(kind, language) or letter_bodies.DEFAULT_BODIES[kind],
    )


def _preview(association, kind: str, body: str, language: str = "en") -> bytes:
    """Render a letter of this kind in a language with sample values."""
    with force_locale(language):
        context = letters.sample_context(association, kind, compliance.today(association))
        context["language"] = language
        html = letters.letter_html(context, body)
    pdf, _pages = compliance_letter_pdf.render_letter(html)
    return pdf


# --- mailing batches ----------------------------------------------------------------------


@bp.route("/batches", methods=["GET", "POST"])
@login_required
def batches_page(aid: int):
    """Mailing batches and the letters waiting for one."""
    association = _see_all(aid)
    if request.method == "POST":
        require(compliance_policies.can_manage(actor(), aid))
        if ConfirmForm().validate_on_submit():
            batch = batches.create_batch(association, actor=actor())
            db.session.commit()
            if batch.letter_count:
                flash(_("Building a batch of %(n)d letters.", n=batch.letter_count), "success")
                return redirect(url_for("compliance.batch", aid=aid, batch_id=batch.id))
            flash(_("No letters are waiting to be mailed."), "info")
        return redirect(url_for("compliance.batches_page", aid=aid))
    waiting = db.session.scalar(
        select(func.count(Letter.id)).where(
            Letter.association_id == aid,
            Letter.mailed_at.is_(None),
            Letter.batch_id.is_(None),
            Letter.voided_at.is_(None),
        )
    )
    page = paginate(
        select(LetterBatch).where(LetterBatch.association_id == aid, LetterBatch.letter_count > 0),
        sortable={"created": LetterBatch.id},
        default_sort="created",
        direction="desc",
        page=request.args.get("page", 1),
        per_page=request.args.get("per_page"),
    )
    return render_template(
        "compliance/batches.html",
        association=association,
        page=page,
        waiting=waiting,
        confirm=ConfirmForm(),
    )


def _batch(aid: int, batch_id: int) -> LetterBatch:
    return record_in(LetterBatch, batch_id, aid, _("No such mailing batch."))


@bp.route("/batches/<int:batch_id>", methods=["GET", "POST"])
@login_required
def batch(aid: int, batch_id: int):
    """A batch: progress while it builds, the PDF, confirmation with tracking numbers."""
    association = _see_all(aid)
    batch = _batch(aid, batch_id)
    profile = profile_of(association.compliance_profile)
    if request.method == "POST":
        require(compliance_policies.can_manage(actor(), aid))
        if not ConfirmForm().validate_on_submit():
            abort(400)
        tracking = {
            key.split("-", 1)[1]: value
            for key, value in request.form.items()
            if key.startswith("tracking-")
        }
        try:
            batch_mailing.confirm_batch(batch, tracking_numbers=tracking, actor=actor())
        except DomainError as error:
            db.session.rollback()
            batch = _batch(aid, batch_id)
            flash(error.message, "danger")
            return render_template(
                "compliance/batch.html",
                association=association,
                batch=batch,
                certified=profile.certified_mail,
                confirm=ConfirmForm(),
                refresh=False,
                typed=tracking,
                missing={le.id for le in batch_mailing.missing_tracking(batch, tracking)}
                | {c.id for c in batch_mailing.missing_copies(batch, tracking)},
                copies=batch_mailing.certified_copies(batch),
            ), error.status
        db.session.commit()
        flash(_("Marked %(n)d letters mailed.", n=batch.letter_count), "success")
        return redirect(url_for("compliance.batch", aid=aid, batch_id=batch_id))
    return render_template(
        "compliance/batch.html",
        association=association,
        batch=batch,
        certified=profile.certified_mail,
        confirm=ConfirmForm(),
        refresh=batch.status in ("queued", "running"),
        typed={},
        missing=set(),
        copies=batch_mailing.certified_copies(batch),
    )


@bp.route("/batches/<int:batch_id>/cancel", methods=["POST"])
@login_required
def cancel_batch(aid: int, batch_id: int):
    """Cancel a batch; its letters wait for the next one."""
    _manage(aid)
    batch = _batch(aid, batch_id)
    if ConfirmForm().validate_on_submit():
        try:
            batches.cancel_batch(batch, actor=actor())
        except DomainError as error:
            return _fail(error, url_for("compliance.batch", aid=aid, batch_id=batch_id))
        db.session.commit()
        flash(_("Batch cancelled; its letters wait for the next one."), "success")
    return redirect(url_for("compliance.batches_page", aid=aid))


@bp.route("/batches/<int:batch_id>.pdf")
@login_required
def batch_pdf(aid: int, batch_id: int):
    """The merged PDF for the print house."""
    _see_all(aid)
    batch = _batch(aid, batch_id)
    if not batch.pdf_path:
        raise NotFound(_("This batch has no PDF yet."))
    return send_file(
        storage.batch_path(batch.id),
        mimetype="application/pdf",
        download_name=f"letters-batch-{batch.id}.pdf",
    )
