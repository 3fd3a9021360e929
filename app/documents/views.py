"""Document pages: the current documents one may see, upload and versions (managers)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.core import storage
from app.core.errors import DomainError, NotFound
from app.core.forms import apply_errors
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, require
from app.documents import policies, services
from app.documents.forms import CATEGORIES, DocumentForm
from app.documents.models import Document
from app.extensions import db

bp = Blueprint("documents", __name__, url_prefix="/associations/<int:aid>/documents")


def _upload(form: DocumentForm, association, user):
    upload = form.file.data
    data = upload.read() if upload and getattr(upload, "filename", "") else None
    return services.upload_document(
        association,
        title=form.title.data,
        category=form.category.data,
        visibility=form.visibility.data,
        data=data,
        filename=getattr(upload, "filename", "") or "",
        replaces_id=form.replaces_id.data or None,
        actor=user,
    )


@bp.route("/", methods=["GET", "POST"])
@login_required
def index(aid: int):
    """The association's current documents; managers upload here."""
    association = load_association(aid)
    user = actor()
    form = DocumentForm()
    can_upload = policies.can_upload(user, aid)
    if request.method == "POST":
        require(can_upload)
        if form.validate_on_submit():
            try:
                document = _upload(form, association, user)
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error, {413: "file", 415: "file", 409: "file"})
            else:
                db.session.commit()
                flash(_("Uploaded “%(title)s”.", title=document.title), "success")
                return redirect(url_for("documents.index", aid=aid))
    category = request.args.get("category") or ""
    statement = services.visible_query(user, aid)
    if category in dict(CATEGORIES):
        statement = statement.where(Document.category == category)
    page = paginate(
        statement,
        search=[Document.title],
        sortable={
            "title": Document.title,
            "category": Document.category,
            "uploaded": Document.uploaded_at,
        },
        default_sort="category",
        tiebreak=Document.id,
        **list_args(),
    )
    page.extra["category"] = category
    return render_template(
        "documents/index.html",
        association=association,
        page=page,
        form=form,
        can_upload=can_upload,
        categories=dict(CATEGORIES),
        labels=services.CATEGORY_LABELS,
    )


@bp.route("/<int:document_id>", methods=["GET", "POST"])
@login_required
def show(aid: int, document_id: int):
    """A document's versions; managers upload a new version here."""
    association = load_association(aid)
    user = actor()
    document = services.get_visible(user, document_id)
    if document.association_id != aid:
        raise NotFound(_("No such document."))
    can_upload = policies.can_upload(user, aid)
    form = DocumentForm(obj=document if request.method == "GET" else None)
    form.replaces_id.data = str(document.id)
    if request.method == "POST":
        require(can_upload)
        if form.validate_on_submit():
            try:
                new = _upload(form, association, user)
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error, {413: "file", 415: "file", 409: "file"})
            else:
                db.session.commit()
                flash(_("Version %(n)d is now the current one.", n=new.version), "success")
                return redirect(url_for("documents.show", aid=aid, document_id=new.id))
    return render_template(
        "documents/show.html",
        association=association,
        document=document,
        versions=services.versions(document)
        if can_upload or policies.sees_board_documents(user, aid)
        else [document],
        form=form,
        can_upload=can_upload,
        categories=dict(CATEGORIES),
    )


@bp.route("/<int:document_id>/file")
@login_required
def file(aid: int, document_id: int):
    """Download a document's PDF."""
    load_association(aid)
    document = services.get_visible(actor(), document_id)
    if document.association_id != aid:
        raise NotFound(_("No such document."))
    return send_file(
        storage.document_path(document.stored_name),
        mimetype="application/pdf",
        download_name=document.filename,
        as_attachment=False,
    )
