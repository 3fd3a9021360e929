"""The owner's home: the association's documents."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from app.documents import services
from app.documents.models import Document
from app.extensions import db
from app.home.registry import Item, Section, section


@section("documents")
def documents(user, association) -> Section | None:
    """The current documents the person may read."""
    rows = db.session.scalars(
        services.visible_query(user, association.id)
        .order_by(Document.category, Document.title)
        .limit(12)
    ).all()
    if not rows:
        return None
    return Section(
        items=[
            Item(
                d.title,
                url=url_for("documents.file", aid=association.id, document_id=d.id),
                detail=services.CATEGORY_LABELS.get(d.category, d.category),
            )
            for d in rows
        ],
        more_url=url_for("documents.index", aid=association.id),
        more_label=_("All documents"),
    )
