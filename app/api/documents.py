"""Documents: CC&Rs, bylaws, rules, policies, financial and insurance PDFs, with versions."""

from __future__ import annotations

from flask import request, send_file
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields

from app.api.schemas import BaseSchema, Enum, ListArgsSchema, envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.core import storage
from app.core.errors import NotFound
from app.core.listing import paginate
from app.documents import policies, services
from app.documents.models import Document
from app.extensions import db

blp = Blueprint("api_documents", __name__, description="Documents")

CATEGORIES = ["ccrs", "bylaws", "rules", "policy", "financial", "insurance", "other"]
UPLOAD = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "title": {"type": "string", "maxLength": 200},
                    "category": {"type": "string", "enum": CATEGORIES},
                    "visibility": {"type": "string", "enum": ["owners", "board"]},
                    "file": {"type": "string", "format": "binary"},
                    "replaces_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                },
                "required": ["title", "category", "visibility", "file"],
            }
        }
    }
}


class AssociationDocumentSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    category = fields.String(metadata={"enum": CATEGORIES})
    visibility = fields.String(metadata={"enum": ["owners", "board"]})
    version = fields.Integer()
    replaces_id = fields.Integer(allow_none=True)
    current = fields.Boolean()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.AwareDateTime(format="iso")
    file_url = fields.Function(lambda d: f"/api/v1/documents/{d.id}/file")


class DocumentArgsSchema(ListArgsSchema):
    category = Enum(CATEGORIES, load_default=None)


@blp.route("/associations/<int:aid>/documents")
class Documents(MethodView):
    @blp.arguments(DocumentArgsSchema, location="query")
    @blp.response(200, list_schema(AssociationDocumentSchema, "AssociationDocumentList"))
    def get(self, args, aid):
        """The current versions of the documents the caller may see."""
        association_for(aid)
        statement = services.visible_query(caller(), aid)
        category = args.pop("category")
        if category:
            statement = statement.where(Document.category == category)
        page = paginate(
            statement,
            search=[Document.title],
            sortable={"title": Document.title},
            tiebreak=Document.id,
            **args,
        )
        return envelope(page, lambda d: d)

    @blp.doc(requestBody=UPLOAD)
    @blp.response(201, AssociationDocumentSchema)
    @blp.alt_response(413, description="The file is too large")
    @blp.alt_response(415, description="Not a clean PDF, with the reason")
    @blp.alt_response(409, description="A newer version exists")
    def post(self, aid):
        """Upload a PDF (managers); ``replaces_id`` makes it the next version of that one."""
        association = association_for(aid)
        allow(policies.can_upload(caller(), aid))
        upload = request.files.get("file")
        document = services.upload_document(
            association,
            title=request.form.get("title"),
            category=request.form.get("category"),
            visibility=request.form.get("visibility"),
            data=upload.read() if upload else None,
            filename=upload.filename if upload else "",
            replaces_id=request.form.get("replaces_id"),
            actor=caller(),
        )
        db.session.commit()
        return document


@blp.route("/documents/<int:document_id>/file")
class DocumentFile(MethodView):
    @blp.response(200, content_type="application/pdf")
    def get(self, document_id):
        """The PDF; 404 for a caller who may not see it."""
        document = db.session.get(Document, document_id)
        if document is None:
            raise NotFound(_("No such document."))
        association_for(document.association_id)
        document = services.get_visible(caller(), document_id)
        return send_file(
            storage.document_path(document.stored_name),
            mimetype="application/pdf",
            download_name=document.filename,
        )
