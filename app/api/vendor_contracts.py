"""Contracts: drafting, putting to the board, terminating, revising, amending, the signed PDF."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select

from app.api.budget_schemas import SubmitResultSchema
from app.api.schemas import envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.api.uploads import FILE_UPLOAD
from app.api.vendor_access import contract_for
from app.api.vendor_schemas import (
    ContractCreateSchema,
    ContractListArgsSchema,
    ContractSchema,
    TerminateSchema,
)
from app.api.vendors import blp
from app.core.errors import NotFound, ValidationError
from app.core.listing import paginate
from app.core.pdf import pdf_response
from app.extensions import db
from app.vendors import contracts
from app.vendors import policies as vendor_policies
from app.vendors.models import Contract


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
