"""Vendors and their insurance, documents and interests. Contracts are in vendor_contracts,
bids in vendor_bids, the schemas in vendor_schemas: their routes are on this module's
blueprint."""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app.api.schemas import ListArgsSchema, envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.api.vendor_access import managed_association_of, vendor_for
from app.api.vendor_schemas import (
    DOCUMENT_UPLOAD,
    ActiveSchema,
    CertificateCreateSchema,
    CertificateSchema,
    DeactivateSchema,
    DocumentSchema,
    InterestSchema,
    RequirementsOutSchema,
    RequirementsSchema,
    VendorCreateSchema,
    VendorSchema,
)
from app.auth import policies
from app.core.errors import NotFound, ValidationError
from app.core.listing import paginate
from app.extensions import db
from app.vendors import directory, insurance
from app.vendors import policies as vendor_policies
from app.vendors.models import Vendor, VendorDocument

blp = Blueprint("api_vendors", __name__, description="Vendors and contracts")


# --- vendors and insurance ----------------------------------------------------------------


@blp.route("/associations/<int:aid>/vendors")
class Vendors(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(VendorSchema, "VendorList"))
    def get(self, args, aid):
        """The association's vendor directory (managers and board)."""
        association_for(aid)
        allow(vendor_policies.can_see_vendors(caller(), aid))
        page = paginate(
            directory.vendors_of(aid),
            search=[Vendor.name, Vendor.category],
            sortable={"name": Vendor.name},
            tiebreak=Vendor.id,
            **args,
        )
        return envelope(page, lambda v: v)

    @blp.arguments(VendorCreateSchema)
    @blp.response(201, VendorSchema)
    def post(self, body, aid):
        """Add a vendor (or, with vendor_id, one your other associations already use)."""
        association = association_for(aid)
        allow(vendor_policies.can_manage(caller(), aid))
        if body.get("vendor_id"):
            vendor = db.session.get(Vendor, body["vendor_id"])
            if vendor is None:
                raise NotFound(_("No such vendor."))
            directory.link_vendor(association, vendor, actor=caller())
        else:
            vendor = directory.create_vendor(association, body, actor=caller())
        db.session.commit()
        return vendor


@blp.route("/vendors/<int:vendor_id>")
class VendorItem(MethodView):
    @blp.response(200, VendorSchema)
    def get(self, vendor_id):
        """A vendor with its insurance and whether it is compliant."""
        return vendor_for(vendor_id)


@blp.route("/vendors/<int:vendor_id>/insurance")
class Insurance(MethodView):
    @blp.arguments(CertificateCreateSchema)
    @blp.response(201, CertificateSchema)
    def post(self, body, vendor_id):
        """Record an insurance certificate."""
        vendor = vendor_for(vendor_id)
        association = managed_association_of(vendor)
        certificate = insurance.add_certificate(
            vendor, body, association=association, actor=caller()
        )
        db.session.commit()
        return certificate


@blp.route("/vendors/<int:vendor_id>/insurance/<int:certificate_id>")
class InsuranceItem(MethodView):
    @blp.arguments(CertificateCreateSchema)
    @blp.response(200, CertificateSchema)
    def put(self, body, vendor_id, certificate_id):
        """Replace a certificate (a renewed policy, a correction); audited with what it said."""
        vendor = vendor_for(vendor_id)
        association = managed_association_of(vendor)
        certificate = insurance.certificate_of(vendor, certificate_id)
        insurance.replace_certificate(certificate, body, association=association, actor=caller())
        db.session.commit()
        return certificate

    @blp.response(204)
    def delete(self, vendor_id, certificate_id):
        """Remove a certificate; audited with what it said."""
        vendor = vendor_for(vendor_id)
        association = managed_association_of(vendor)
        certificate = insurance.certificate_of(vendor, certificate_id)
        insurance.remove_certificate(certificate, association=association, actor=caller())
        db.session.commit()


@blp.route("/associations/<int:aid>/vendors/<int:vendor_id>/<any(deactivate, reactivate):change>")
class VendorActive(MethodView):
    @blp.arguments(DeactivateSchema)
    @blp.response(200, ActiveSchema)
    def post(self, body, aid, vendor_id, change):
        """Deactivate a vendor in the association (kept on file, offered for no new bid or
        contract) or reactivate it; audited. Already so → 409."""
        association = association_for(aid)
        allow(vendor_policies.can_manage(caller(), aid))
        vendor = db.session.get(Vendor, vendor_id)
        if vendor is None or directory.link_of(vendor, aid) is None:
            raise NotFound(_("No such vendor."))
        link = directory.set_active(
            association, vendor, change == "reactivate", actor=caller(), reason=body["reason"]
        )
        db.session.commit()
        return {"vendor_id": vendor.id, "association_id": aid, "active": link.active}


@blp.route("/vendors/<int:vendor_id>/documents")
class Documents(MethodView):
    @blp.response(200, list_schema(DocumentSchema, "DocumentList"))
    def get(self, vendor_id):
        """A vendor's documents (managers and board)."""
        vendor = vendor_for(vendor_id)
        return {"items": vendor.documents, "total": len(vendor.documents)}

    @blp.doc(requestBody=DOCUMENT_UPLOAD)
    @blp.response(201, DocumentSchema)
    @blp.alt_response(413, description="Too large")
    @blp.alt_response(415, description="Not PDF, JPEG or PNG")
    def post(self, vendor_id):
        """Upload a vendor document (W-9, licence…), checked by content."""
        vendor = vendor_for(vendor_id)
        association = managed_association_of(vendor)
        upload = request.files.get("file")
        if upload is None:
            raise ValidationError("file", _("Attach the document as the form field “file”."))
        document = directory.add_document(
            vendor,
            title=request.form.get("title", ""),
            data=upload.read(),
            association=association,
            actor=caller(),
        )
        db.session.commit()
        return document


@blp.route("/vendors/<int:vendor_id>/documents/<int:document_id>")
class DocumentItem(MethodView):
    @blp.response(200, content_type="application/octet-stream")
    def get(self, vendor_id, document_id):
        """Download a vendor document."""
        vendor = vendor_for(vendor_id)
        record = db.session.get(VendorDocument, document_id)
        if record is None or record.vendor_id != vendor.id:
            raise NotFound(_("No such document."))
        return Response(record.data, mimetype=record.content_type)


@blp.route("/vendors/<int:vendor_id>/interests")
class Interests(MethodView):
    @blp.arguments(InterestSchema)
    @blp.response(201, InterestSchema)
    def post(self, body, vendor_id):
        """Declare an interest in a vendor (board member): recused from its contracts."""
        vendor = vendor_for(vendor_id)
        boards = [
            link.association
            for link in vendor.links
            if policies.is_board(caller(), link.association_id)
        ]
        allow(bool(boards))
        interest = directory.declare_interest(boards[0], vendor, user=caller(), note=body["note"])
        db.session.commit()
        return interest


@blp.route("/associations/<int:aid>/insurance-requirements/<category>")
class Requirements(MethodView):
    @blp.response(200, RequirementsOutSchema)
    def get(self, aid, category):
        """What the association requires of vendors in a category (managers and board)."""
        association_for(aid)
        allow(vendor_policies.can_see_vendors(caller(), aid))
        return {
            "category": category.lower(),
            "requirements": insurance.requirements_for(aid, category.lower()),
        }

    @blp.arguments(RequirementsSchema)
    @blp.response(200, RequirementsOutSchema)
    def put(self, body, aid, category):
        """Replace the whole list of requirements for a category."""
        association = association_for(aid)
        allow(vendor_policies.can_manage(caller(), aid))
        rows = insurance.set_requirements(
            association, category, body["requirements"], actor=caller()
        )
        db.session.commit()
        return {"category": category.lower(), "requirements": rows}
