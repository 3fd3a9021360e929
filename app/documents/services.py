"""Uploading documents (checked by core.uploads) and their versions."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.associations.models import Association
from app.auth.models import User
from app.core import audit, clock, storage
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.parsing import as_id
from app.core.uploads import PDF, accept, check_size
from app.documents import policies
from app.documents.models import Category, Document, Visibility
from app.extensions import db

CATEGORY_LABELS = {
    "ccrs": _l("CC&Rs"),
    "bylaws": _l("Bylaws"),
    "rules": _l("Rules"),
    "policy": _l("Policies"),
    "financial": _l("Financial"),
    "insurance": _l("Insurance"),
    "other": _l("Other"),
}


def upload_document(
    association: Association,
    *,
    title,
    category,
    visibility,
    data: bytes | None,
    filename: str = "",
    replaces_id=None,
    actor: User,
) -> Document:
    """Store a PDF as a new document, or as the next version of one (``replaces_id``)."""
    errors: dict[str, list[str]] = {}
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        errors["title"] = [_("Give the document a title.")]
    elif len(title) > 200:
        errors["title"] = [
            _("Use at most %(max)d characters (this has %(n)d).", max=200, n=len(title))
        ]
    if category not in {c.value for c in Category}:
        errors["category"] = [
            _("Choose ccrs, bylaws, rules, policy, financial, insurance or other.")
        ]
    if visibility not in {v.value for v in Visibility}:
        errors["visibility"] = [_("Choose owners or board.")]
    previous = None
    if replaces_id not in (None, ""):
        previous_id = as_id(replaces_id)
        previous = db.session.get(Document, previous_id) if previous_id else None
        if previous is None or previous.association_id != association.id:
            errors["replaces_id"] = [_("There is no such document of this association.")]
    if not data:
        errors["file"] = [_("Choose the PDF to upload.")]
    if errors:
        raise ValidationError(errors)
    if previous is not None and not previous.current:
        raise Conflict(_("A newer version of this document exists; replace the current version."))
    check_size(
        data, current_app.config.get("MAX_DOCUMENT_BYTES", 25 * 1024 * 1024), _("A document")
    )
    accept(data, (PDF,), what=_("A document"))
    stored = storage.save_document(data)
    document = Document(
        association_id=association.id,
        title=title,
        category=category,
        visibility=visibility,
        version=previous.version + 1 if previous else 1,
        replaces_id=previous.id if previous else None,
        current=True,
        filename=(filename or "document.pdf")[-200:],
        stored_name=stored.stored_name,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=actor.id,
        uploaded_at=clock.now(),
    )
    if previous is not None:
        previous.current = False
    db.session.add(document)
    db.session.flush()
    audit.record(
        "document.uploaded",
        actor=actor,
        association_id=association.id,
        subject_type="document",
        subject_id=document.id,
        summary=_(
            "Uploaded “%(title)s” (version %(version)d)", title=title, version=document.version
        ),
        data={"sha256": stored.sha256, "replaces_id": document.replaces_id},
    )
    return document


def visible_query(user: User, association_id: int):
    """Return a query of the current documents the user may see."""
    statement = select(Document).where(
        Document.association_id == association_id, Document.current.is_(True)
    )
    if not policies.sees_board_documents(user, association_id):
        statement = statement.where(Document.visibility == Visibility.OWNERS)
    return statement


def get_visible(user: User, document_id: int) -> Document:
    """Return a document the user may see, or NotFound."""
    document = db.session.get(Document, document_id)
    if document is None or not policies.can_see(user, document):
        raise NotFound(_("No such document."))
    if not document.current and not policies.sees_board_documents(user, document.association_id):
        raise NotFound(_("No such document."))  # owners see the current version only
    return document


def versions(document: Document) -> list[Document]:
    """Return every version of a document, newest first."""
    chain = [document]
    newer = document
    while True:
        following = db.session.scalar(select(Document).where(Document.replaces_id == newer.id))
        if following is None:
            break
        chain.insert(0, following)
        newer = following
    older = document
    while older.replaces_id:
        older = db.session.get(Document, older.replaces_id)
        if older is None:
            break
        chain.append(older)
    return chain
