"""Contract pages: the list with the renewal radar, drafting, a contract and its actions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.associations.forms import ConfirmForm
from app.core import clock
from app.core.errors import DomainError, NotFound
from app.core.listing import paginate
from app.core.pages import actor, list_args, record_in, require
from app.core.pdf import pdf_response
from app.extensions import db
from app.vendors import contracts, insurance
from app.vendors import policies as vendor_policies
from app.vendors.blueprint import bp, contract_status_words, manage, private, vendor_choices
from app.vendors.forms import ContractForm, TerminateForm, run
from app.vendors.models import Contract, Vendor


@bp.route("/contracts")
@login_required
def contracts_index(aid: int):
    """Contracts, and the renewal radar: notice deadlines and end dates coming up."""
    association = private(aid)
    contracts.sync_all(aid)
    db.session.commit()
    days = request.args.get("within", "90")
    days = int(days) if days.isdigit() and int(days) <= 3650 else 90
    radar = contracts.expiring(association, days)
    today = clock.today(association.time_zone)
    status = request.args.get("status", "")
    statement = (
        select(Contract)
        .where(Contract.association_id == aid)
        .options(selectinload(Contract.vendor))
    )
    if status:
        statement = statement.where(Contract.status == status)
    page = paginate(
        statement.join(Contract.vendor),
        search=[Contract.title, Vendor.name],
        sortable={
            "end": Contract.end_date,
            "title": Contract.title,
            "vendor": Vendor.name,
            "status": Contract.status,
        },
        default_sort="end",
        tiebreak=Contract.id,
        **list_args(),
    )
    page.extra.update(status=status)
    return render_template(
        "vendors/contracts.html",
        association=association,
        page=page,
        radar=[(c, contracts.decision_hint(c, today)) for c in radar],
        days=days,
        statuses=contract_status_words(),
    )


@bp.route("/contracts/new", methods=["GET", "POST"])
@login_required
def new_contract(aid: int):
    """Draft a contract: every error at once, next to its field, with what was typed kept."""
    association = manage(aid)
    form = ContractForm()
    form.vendor_id.choices = vendor_choices(aid)
    if request.method == "GET" and request.args.get("vendor", "").isdigit():
        form.vendor_id.data = int(request.args["vendor"])
    if request.method == "POST":
        contract = run(
            form, lambda data: contracts.create_contract(association, data, actor=actor())
        )
        if contract is not None:
            db.session.commit()
            flash(_("Drafted “%(title)s”.", title=contract.title), "success")
            return redirect(url_for("vendors.contract", aid=aid, contract_id=contract.id))
    return render_template(
        "vendors/contract_form.html", association=association, form=form, contract=None
    ), (422 if form.errors else 200)


def _contract(aid: int, contract_id: int) -> Contract:
    return record_in(Contract, contract_id, aid, _("No such contract."))


def _render_contract(association, contract: Contract, *, form=None, terminate_form=None):
    user = actor()
    if form is None:
        form = ContractForm(obj=contract, formdata=None)
    form.vendor_id.choices = vendor_choices(association.id, keep=contract.vendor_id)
    return render_template(
        "vendors/contract.html",
        association=association,
        contract=contract,
        form=form,
        terminate_form=terminate_form or TerminateForm(formdata=None),
        confirm=ConfirmForm(),
        can_manage=vendor_policies.can_manage(user, association.id),
        check=insurance.compliance(contract.vendor, association),
        statuses=contract_status_words(),
    ), (422 if form.errors or (terminate_form and terminate_form.errors) else 200)


@bp.route("/contracts/<int:contract_id>", methods=["GET", "POST"])
@login_required
def contract(aid: int, contract_id: int):
    """A contract: its terms (editable as a draft) and the actions its state allows."""
    association = private(aid)
    contract = _contract(aid, contract_id)
    contracts.sync_contract(contract)
    db.session.commit()
    if request.method == "GET":
        return _render_contract(association, contract)
    user = actor()
    require(vendor_policies.can_manage(user, aid))
    form = ContractForm()
    form.vendor_id.choices = vendor_choices(aid, keep=contract.vendor_id)
    if run(form, lambda data: contracts.update_contract(contract, data, actor=user)):
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("vendors.contract", aid=aid, contract_id=contract_id))
    contract = _contract(aid, contract_id)
    return _render_contract(association, contract, form=form)


@bp.route("/contracts/<int:contract_id>/<action>", methods=["POST"])
@login_required
def contract_action(aid: int, contract_id: int, action: str):
    """Submit, revise, amend, terminate or attach the signed PDF."""
    association = manage(aid)
    contract = _contract(aid, contract_id)
    user = actor()
    target = contract
    if action == "terminate":
        form = TerminateForm()
        done = run(
            form,
            lambda data: contracts.terminate_contract(
                contract, reason=data["reason"] or "", actor=user
            ),
        )
        if done is None:
            return _render_contract(association, _contract(aid, contract_id), terminate_form=form)
        db.session.commit()
        flash(_("Terminated."), "success")
        return redirect(url_for("vendors.contract", aid=aid, contract_id=contract_id))
    try:
        if action == "signed":
            upload = request.files.get("file")
            if not ConfirmForm().validate_on_submit() or upload is None:
                raise DomainError(_("Choose the signed PDF."))
            contracts.attach_signed_pdf(contract, upload.read(), actor=user)
            message = _("Signed PDF attached.")
        else:
            if not ConfirmForm().validate_on_submit():
                raise DomainError(_("The form expired; please try again."))
            if action == "submit":
                contracts.submit_contract(contract, actor=user)
                message = _("Submitted to the board.")
            elif action == "revise":
                target = contracts.revise_contract(contract, actor=user)
                message = _("A new draft is ready.")
            elif action == "amend":
                target = contracts.amend_contract(contract, actor=user)
                message = _("Amendment drafted; the board approves it again.")
            else:
                raise NotFound(_("No such action."))
    except NotFound:
        raise
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("vendors.contract", aid=aid, contract_id=contract_id))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("vendors.contract", aid=aid, contract_id=target.id))


@bp.route("/contracts/<int:contract_id>/signed.pdf")
@login_required
def signed_pdf(aid: int, contract_id: int):
    """The signed contract."""
    private(aid)
    contract = _contract(aid, contract_id)
    if contract.signed_pdf is None:
        raise NotFound(_("No signed PDF is attached."))
    return pdf_response(contract.signed_pdf, f"contract-{contract.id}.pdf")
