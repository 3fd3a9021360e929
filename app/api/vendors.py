"""Vendors, insurance, contracts and bids."""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy import select

from app.api.budget_schemas import SubmitResultSchema
from app.api.schemas import ListArgsSchema, envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.api.uploads import FILE_UPLOAD
from app.api.vendor_access import contract_for, managed_association_of, rfp_for, vendor_for
from app.api.vendor_schemas import (
    DOCUMENT_UPLOAD,
    ActiveSchema,
    AwardSchema,
    BidCreateSchema,
    BidSchema,
    CertificateCreateSchema,
    CertificateSchema,
    ContractCreateSchema,
    ContractListArgsSchema,
    ContractSchema,
    DeactivateSchema,
    DocumentSchema,
    InterestSchema,
    RequirementsOutSchema,
    RequirementsSchema,
    RfpCreateSchema,
    RfpSchema,
    TerminateSchema,
    VendorCreateSchema,
    VendorSchema,
)
from app.auth import policies
from app.core.errors import NotFound, ValidationError
from app.core.listing import paginate
from app.core.pdf import pdf_response
from app.extensions import db
from app.vendors import bids, contracts, directory, insurance
from app.vendors import policies as vendor_policies
from app.vendors.models import Bid, Contract, Vendor, VendorDocument

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


# --- contracts ------------------------------------------------------------------------------


@blp.route("/associations/<int:aid>/contracts")
class Contracts(MethodView):
    @blp.arguments(ContractListArgsSchema, location="query")
    @blp.response(200, list_schema(ContractSchema, "ContractList"))
    def get(self, args, aid):
        """Contracts; expiring_within_days=N: notice deadline or end date within N days."""
        association = association_for(aid)
        allow(vendor_policies.can_see_vendors(caller(), aid))
        contracts.sync_all(aid)
        db.session.commit()
        within = args.pop("expiring_within_days")
        status = args.pop("status")
        if within is not None:
            items = contracts.expiring(association, within)
            return {"items": items, "total": len(items)}
        statement = select(Contract).where(Contract.association_id == aid)
        if status:
            statement = statement.where(Contract.status == status)
        page = paginate(
            statement,
            search=[Contract.title],
            sortable={"end": Contract.end_date},
            tiebreak=Contract.id,
            **args,
        )
        return envelope(page, lambda c: c)

    @blp.arguments(ContractCreateSchema)
    @blp.response(201, ContractSchema)
    def post(self, body, aid):
        """Draft a contract; end_date before start_date is a 422."""
        association = association_for(aid)
        allow(vendor_policies.can_manage(caller(), aid))
        contract = contracts.create_contract(association, body, actor=caller())
        db.session.commit()
        return contract


@blp.route("/contracts/<int:contract_id>")
class ContractItem(MethodView):
    @blp.response(200, ContractSchema)
    def get(self, contract_id):
        """A contract with its status and notice deadline."""
        return contract_for(contract_id)


@blp.route("/contracts/<int:contract_id>/submit")
class ContractSubmit(MethodView):
    @blp.response(200, SubmitResultSchema)
    def post(self, contract_id):
        """Put a draft to the board."""
        contract = contract_for(contract_id, write=True)
        request_ = contracts.submit_contract(contract, actor=caller())
        db.session.commit()
        return {"status": contract.status, "approval_id": request_.id}


@blp.route("/contracts/<int:contract_id>/terminate")
class ContractTerminate(MethodView):
    @blp.arguments(TerminateSchema)
    @blp.response(200, ContractSchema)
    def post(self, body, contract_id):
        """Terminate an approved or active contract, with a reason."""
        contract = contract_for(contract_id, write=True)
        contracts.terminate_contract(contract, reason=body["reason"], actor=caller())
        db.session.commit()
        return contract


@blp.route("/contracts/<int:contract_id>/revise")
class ContractRevise(MethodView):
    @blp.response(201, ContractSchema)
    def post(self, contract_id):
        """A new draft from a rejected contract."""
        contract = contract_for(contract_id, write=True)
        revision = contracts.revise_contract(contract, actor=caller())
        db.session.commit()
        return revision


@blp.route("/contracts/<int:contract_id>/amend")
class ContractAmend(MethodView):
    @blp.response(201, ContractSchema)
    def post(self, contract_id):
        """Start an amendment of an approved contract (approved again by the board)."""
        contract = contract_for(contract_id, write=True)
        amendment = contracts.amend_contract(contract, actor=caller())
        db.session.commit()
        return amendment


@blp.route("/contracts/<int:contract_id>/signed.pdf")
class ContractPdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    def get(self, contract_id):
        """The signed contract."""
        contract = contract_for(contract_id)
        if contract.signed_pdf is None:
            raise NotFound(_("No signed PDF is attached."))
        return pdf_response(contract.signed_pdf, f"contract-{contract.id}.pdf")

    @blp.response(200, ContractSchema)
    @blp.doc(requestBody=FILE_UPLOAD)
    def put(self, contract_id):
        """Attach the signed PDF."""
        contract = contract_for(contract_id, write=True)
        upload = request.files.get("file")
        if upload is None:
            raise ValidationError("file", _("Attach the PDF as the form field “file”."))
        contracts.attach_signed_pdf(contract, upload.read(), actor=caller())
        db.session.commit()
        return contract


# --- bids -----------------------------------------------------------------------------------


@blp.route("/associations/<int:aid>/rfps")
class Rfps(MethodView):
    @blp.arguments(RfpCreateSchema)
    @blp.response(201, RfpSchema)
    def post(self, body, aid):
        """Request proposals for a scope of work."""
        association = association_for(aid)
        allow(vendor_policies.can_manage(caller(), aid))
        rfp = bids.create_rfp(association, body, actor=caller())
        db.session.commit()
        return rfp


@blp.route("/rfps/<int:rfp_id>")
class RfpItem(MethodView):
    @blp.response(200, RfpSchema)
    def get(self, rfp_id):
        """A request for proposals with its bids side by side."""
        return rfp_for(rfp_id)


@blp.route("/rfps/<int:rfp_id>/bids")
class Bids(MethodView):
    @blp.arguments(BidCreateSchema)
    @blp.response(201, BidSchema)
    def post(self, body, rfp_id):
        """Enter a vendor's bid."""
        rfp = rfp_for(rfp_id, write=True)
        bid = bids.add_bid(rfp, body, actor=caller())
        db.session.commit()
        bid.rfp_association = association_for(rfp.association_id)
        return bid


@blp.route("/bids/<int:bid_id>/award")
class Award(MethodView):
    @blp.response(201, AwardSchema)
    def post(self, bid_id):
        """Choose a bid: it becomes a draft contract (or, while the contract of an earlier
        choice is a draft, rewrites it). The answer lists the warnings the page shows before
        confirming; a deactivated vendor, a decided contract → 409."""
        bid = db.session.get(Bid, bid_id)
        if bid is None:
            raise NotFound(_("No such bid."))
        rfp_for(bid.rfp_id, write=True)
        warnings = bids.award_warnings(bid)
        replaced = bids.award_replaces(bid)
        contract = bids.award_bid(bid, actor=caller())
        db.session.commit()
        contract.warnings, contract.replaced = warnings, replaced
        return contract
