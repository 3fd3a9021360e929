"""Vendor, contract and bid pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.associations.forms import ConfirmForm
from app.auth import policies
from app.core import clock
from app.core.errors import DomainError, NotFound
from app.core.forms import apply_errors, choices
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, record_in, require
from app.core.pdf import pdf_response
from app.extensions import db
from app.vendors import contracts
from app.vendors import policies as vendor_policies
from app.vendors import services as vendors
from app.vendors.forms import (
    BidForm,
    CertificateForm,
    ContractForm,
    RfpForm,
    TerminateForm,
    VendorForm,
)
from app.vendors.models import (
    KIND_LABELS,
    Bid,
    Contract,
    InsuranceRequirement,
    RequestForProposals,
    Vendor,
    VendorLink,
)

bp = Blueprint("vendors", __name__, url_prefix="/associations/<int:aid>")


def _private(aid: int):
    association = load_association(aid)
    require(vendor_policies.can_see_vendors(actor(), aid))
    return association


def _manage(aid: int):
    association = load_association(aid)
    require(vendor_policies.can_manage(actor(), aid))
    return association


def _vendor(aid: int, vendor_id: int) -> Vendor:
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is None or not any(link.association_id == aid for link in vendor.links):
        raise NotFound(_("No such vendor."))
    return vendor


# --- vendors --------------------------------------------------------------------------------


@bp.route("/vendors", methods=["GET", "POST"])
@login_required
def index(aid: int):
    """The vendor directory: search, category and compliance filters; add or share vendors."""
    association = _private(aid)
    user = actor()
    form = VendorForm()
    if request.method == "POST":
        require(vendor_policies.can_manage(user, aid))
        shared_id = request.form.get("shared_vendor_id", "")
        try:
            if shared_id.isdigit():
                vendor = db.session.get(Vendor, int(shared_id))
                if vendor is None:
                    raise NotFound(_("No such vendor."))
                vendors.link_vendor(association, vendor, actor=user)
            elif form.validate_on_submit():
                vendor = vendors.create_vendor(association, form.data, actor=user)
            else:
                vendor = None
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            if vendor is not None:
                db.session.commit()
                flash(_("%(name)s is in the directory.", name=vendor.name), "success")
                return redirect(url_for("vendors.vendor", aid=aid, vendor_id=vendor.id))
    category = request.args.get("category", "")
    statement = vendors.vendors_of(aid).options(selectinload(Vendor.certificates))
    if category:
        statement = statement.where(Vendor.category == category)
    page = paginate(
        statement,
        search=[Vendor.name, Vendor.category, Vendor.contact_name],
        sortable={"name": Vendor.name, "category": Vendor.category},
        default_sort="name",
        tiebreak=Vendor.id,
        **list_args(),
    )
    checks = {v.id: vendors.compliance(v, association) for v in page.items}
    only = request.args.get("compliance", "")
    if only in ("yes", "no"):
        page.items = [v for v in page.items if checks[v.id].compliant == (only == "yes")]
    categories = sorted(
        set(
            db.session.scalars(
                vendors.vendors_of(aid).with_only_columns(Vendor.category).distinct()
            )
        )
    )
    shareable = []
    if vendor_policies.can_manage(user, aid):
        managed = [
            a
            for (a,) in db.session.execute(select(VendorLink.association_id).distinct())
            if a != aid and policies.is_manager(user, a)
        ]
        if managed:
            shareable = db.session.scalars(
                select(Vendor)
                .join(VendorLink)
                .where(
                    VendorLink.association_id.in_(managed),
                    ~Vendor.id.in_(
                        select(VendorLink.vendor_id).where(VendorLink.association_id == aid)
                    ),
                )
                .distinct()
                .order_by(Vendor.name)
            ).all()
    page.extra.update(category=category, compliance=only, categories=categories)
    return render_template(
        "vendors/index.html",
        association=association,
        page=page,
        checks=checks,
        form=form,
        shareable=shareable,
    )


@bp.route("/vendors/<int:vendor_id>", methods=["GET", "POST"])
@login_required
def vendor(aid: int, vendor_id: int):
    """A vendor: details, insurance with compliance, interests, contracts."""
    association = _private(aid)
    vendor = _vendor(aid, vendor_id)
    user = actor()
    form = VendorForm(obj=vendor)
    certificate_form = CertificateForm(prefix="cert")
    if request.method == "POST":
        require(vendor_policies.can_manage(user, aid))
        if "cert-submit" in request.form and certificate_form.validate_on_submit():
            upload = certificate_form.file.data
            pdf = upload.read() if upload and upload.filename else None
            try:
                vendors.add_certificate(
                    vendor, certificate_form.data, association=association, actor=user, pdf=pdf
                )
            except DomainError as error:
                db.session.rollback()
                apply_errors(certificate_form, error)
            else:
                db.session.commit()
                flash(_("Certificate recorded."), "success")
                return redirect(url_for("vendors.vendor", aid=aid, vendor_id=vendor_id))
        elif "submit" in request.form and form.validate_on_submit():
            try:
                vendors.update_vendor(vendor, association, form.data, actor=user)
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error)
            else:
                db.session.commit()
                flash(_("Saved %(name)s.", name=vendor.name), "success")
                return redirect(url_for("vendors.vendor", aid=aid, vendor_id=vendor_id))
    vendor_contracts = db.session.scalars(
        select(Contract)
        .where(Contract.association_id == aid, Contract.vendor_id == vendor.id)
        .order_by(Contract.start_date.desc())
    ).all()
    return render_template(
        "vendors/vendor.html",
        association=association,
        vendor=vendor,
        form=form,
        certificate_form=certificate_form,
        check=vendors.compliance(vendor, association),
        requirements=vendors.requirements_for(aid, vendor.category),
        kinds=KIND_LABELS,
        contracts=vendor_contracts,
        confirm=ConfirmForm(),
        can_manage=vendor_policies.can_manage(user, aid),
        declared=user.id in vendors.interested_user_ids(aid, vendor.id),
        today=clock.today(association.time_zone),
    )


@bp.route("/vendors/<int:vendor_id>/interest", methods=["POST"])
@login_required
def interest(aid: int, vendor_id: int):
    """A board member declares an interest in the vendor."""
    association = _private(aid)
    vendor = _vendor(aid, vendor_id)
    if ConfirmForm().validate_on_submit():
        try:
            vendors.declare_interest(
                association, vendor, user=actor(), note=request.form.get("note", "")
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(
                _(
                    "Interest declared: you will not vote on contracts with %(name)s.",
                    name=vendor.name,
                ),
                "success",
            )
    return redirect(url_for("vendors.vendor", aid=aid, vendor_id=vendor_id))


@bp.route("/vendors/<int:vendor_id>/documents", methods=["POST"])
@login_required
def add_document(aid: int, vendor_id: int):
    """Upload a vendor document."""
    association = _manage(aid)
    vendor = _vendor(aid, vendor_id)
    upload = request.files.get("file")
    if not ConfirmForm().validate_on_submit() or upload is None or not upload.filename:
        flash(_("Choose a file to upload."), "danger")
    else:
        try:
            vendors.add_document(
                vendor,
                title=request.form.get("title", ""),
                data=upload.read(),
                association=association,
                actor=actor(),
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Document added."), "success")
    return redirect(url_for("vendors.vendor", aid=aid, vendor_id=vendor_id))


@bp.route("/vendors/<int:vendor_id>/documents/<int:document_id>")
@login_required
def document(aid: int, vendor_id: int, document_id: int):
    """Download a vendor document."""
    from flask import Response

    from app.vendors.models import VendorDocument

    _private(aid)
    vendor = _vendor(aid, vendor_id)
    record = db.session.get(VendorDocument, document_id)
    if record is None or record.vendor_id != vendor.id:
        raise NotFound(_("No such document."))
    return Response(
        record.data,
        mimetype=record.content_type,
        headers={"Content-Disposition": f'inline; filename="document-{record.id}"'},
    )


@bp.route("/vendors/certificates/<int:certificate_id>.pdf")
@login_required
def certificate_pdf(aid: int, certificate_id: int):
    """An insurance certificate's PDF."""
    _private(aid)
    from app.vendors.models import Certificate

    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.pdf is None:
        raise NotFound(_("No such certificate."))
    _vendor(aid, certificate.vendor_id)
    return pdf_response(certificate.pdf, f"certificate-{certificate.id}.pdf")


@bp.route("/vendors/requirements", methods=["GET", "POST"])
@login_required
def requirements(aid: int):
    """Insurance each service category must carry, with minimum coverage."""
    association = _private(aid)
    if request.method == "POST":
        require(vendor_policies.can_manage(actor(), aid))
        if not ConfirmForm().validate_on_submit():
            flash(_("The form expired; please try again."), "danger")
            return redirect(url_for("vendors.requirements", aid=aid))
        category = request.form.get("category", "")
        rows = [
            {"kind": kind, "min_coverage": request.form.get(f"min-{kind}")}
            for kind in KIND_LABELS
            if request.form.get(f"need-{kind}")
        ]
        try:
            vendors.set_requirements(association, category, rows, actor=actor())
        except DomainError as error:
            db.session.rollback()
            flash(
                " ".join(m for ms in getattr(error, "errors", {}).values() for m in ms)
                or error.message,
                "danger",
            )
        else:
            db.session.commit()
            flash(
                _("Saved the requirements for %(category)s.", category=category.lower()), "success"
            )
        return redirect(url_for("vendors.requirements", aid=aid))
    rows = db.session.scalars(
        select(InsuranceRequirement)
        .where(InsuranceRequirement.association_id == aid)
        .order_by(InsuranceRequirement.category, InsuranceRequirement.kind)
    ).all()
    by_category: dict[str, dict] = {}
    for row in rows:
        by_category.setdefault(row.category, {})[row.kind] = row.min_coverage
    categories = sorted(
        set(by_category)
        | set(
            db.session.scalars(
                vendors.vendors_of(aid).with_only_columns(Vendor.category).distinct()
            )
        )
    )
    return render_template(
        "vendors/requirements.html",
        association=association,
        by_category=by_category,
        categories=categories,
        kinds=KIND_LABELS,
        confirm=ConfirmForm(),
    )


# --- contracts ------------------------------------------------------------------------------


def _vendor_choices(aid: int):
    return choices(
        (v.id, v.name) for v in db.session.scalars(vendors.vendors_of(aid).order_by(Vendor.name))
    )


@bp.route("/contracts")
@login_required
def contracts_index(aid: int):
    """Contracts, and the renewal radar: notice deadlines and end dates coming up."""
    association = _private(aid)
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
    )


@bp.route("/contracts/new", methods=["GET", "POST"])
@login_required
def new_contract(aid: int):
    """Draft a contract."""
    association = _manage(aid)
    form = ContractForm()
    form.vendor_id.choices = _vendor_choices(aid)
    if request.method == "GET" and request.args.get("vendor", "").isdigit():
        form.vendor_id.data = int(request.args["vendor"])
    if form.validate_on_submit():
        try:
            contract = contracts.create_contract(association, form.data, actor=actor())
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Drafted “%(title)s”.", title=contract.title), "success")
            return redirect(url_for("vendors.contract", aid=aid, contract_id=contract.id))
    return render_template(
        "vendors/contract_form.html", association=association, form=form, contract=None
    )


def _contract(aid: int, contract_id: int) -> Contract:
    return record_in(Contract, contract_id, aid, _("No such contract."))


@bp.route("/contracts/<int:contract_id>", methods=["GET", "POST"])
@login_required
def contract(aid: int, contract_id: int):
    """A contract: its terms (editable as a draft) and the actions its state allows."""
    association = _private(aid)
    contract = _contract(aid, contract_id)
    contracts.sync_contract(contract)
    db.session.commit()
    user = actor()
    form = ContractForm(obj=contract)
    form.vendor_id.choices = _vendor_choices(aid)
    if request.method == "POST":
        require(vendor_policies.can_manage(user, aid))
        if form.validate_on_submit():
            try:
                contracts.update_contract(contract, form.data, actor=user)
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error)
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("vendors.contract", aid=aid, contract_id=contract_id))
    return render_template(
        "vendors/contract.html",
        association=association,
        contract=contract,
        form=form,
        terminate_form=TerminateForm(),
        confirm=ConfirmForm(),
        can_manage=vendor_policies.can_manage(user, aid),
        check=vendors.compliance(contract.vendor, association),
    )


@bp.route("/contracts/<int:contract_id>/<action>", methods=["POST"])
@login_required
def contract_action(aid: int, contract_id: int, action: str):
    """Submit, revise, amend, terminate or attach the signed PDF."""
    _manage(aid)
    contract = _contract(aid, contract_id)
    user = actor()
    target = contract
    try:
        if action == "terminate":
            form = TerminateForm()
            if not form.validate_on_submit():
                raise DomainError(_("Give the reason for terminating."))
            contracts.terminate_contract(contract, reason=form.reason.data, actor=user)
            message = _("Terminated.")
        elif action == "signed":
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
    _private(aid)
    contract = _contract(aid, contract_id)
    if contract.signed_pdf is None:
        raise NotFound(_("No signed PDF is attached."))
    return pdf_response(contract.signed_pdf, f"contract-{contract.id}.pdf")


# --- bids -----------------------------------------------------------------------------------


@bp.route("/rfps", methods=["GET", "POST"])
@login_required
def rfps(aid: int):
    """Requests for proposals."""
    association = _private(aid)
    form = RfpForm()
    if request.method == "POST":
        require(vendor_policies.can_manage(actor(), aid))
        if form.validate_on_submit():
            rfp = contracts.create_rfp(association, form.data, actor=actor())
            db.session.commit()
            return redirect(url_for("vendors.rfp", aid=aid, rfp_id=rfp.id))
    items = db.session.scalars(
        select(RequestForProposals)
        .where(RequestForProposals.association_id == aid)
        .order_by(RequestForProposals.due_on.desc())
    ).all()
    return render_template("vendors/rfps.html", association=association, items=items, form=form)


@bp.route("/rfps/<int:rfp_id>", methods=["GET", "POST"])
@login_required
def rfp(aid: int, rfp_id: int):
    """Bids side by side: price, term, insurance, notes; choose one to draft the contract."""
    association = _private(aid)
    rfp = record_in(RequestForProposals, rfp_id, aid, _("No such request for proposals."))
    form = BidForm()
    form.vendor_id.choices = _vendor_choices(aid)
    if request.method == "POST":
        require(vendor_policies.can_manage(actor(), aid))
        if form.validate_on_submit():
            try:
                contracts.add_bid(rfp, form.data, actor=actor())
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error)
            else:
                db.session.commit()
                flash(_("Bid added."), "success")
                return redirect(url_for("vendors.rfp", aid=aid, rfp_id=rfp_id))
    rows = [(bid, vendors.compliance(bid.vendor, association)) for bid in rfp.bids]
    return render_template(
        "vendors/rfp.html",
        association=association,
        rfp=rfp,
        rows=rows,
        form=form,
        confirm=ConfirmForm(),
        can_manage=vendor_policies.can_manage(actor(), aid),
    )


@bp.route("/bids/<int:bid_id>/award", methods=["POST"])
@login_required
def award(aid: int, bid_id: int):
    """Choose a bid; it becomes a draft contract."""
    _manage(aid)
    bid = db.session.get(Bid, bid_id)
    if bid is None or bid.rfp.association_id != aid:
        raise NotFound(_("No such bid."))
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("vendors.rfp", aid=aid, rfp_id=bid.rfp_id))
    try:
        contract = contracts.award_bid(bid, actor=actor())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("vendors.rfp", aid=aid, rfp_id=bid.rfp_id))
    db.session.commit()
    flash(
        _(
            "Drafted the contract from the bid of %(vendor)s; check its dates.",
            vendor=bid.vendor.name,
        ),
        "success",
    )
    return redirect(url_for("vendors.contract", aid=aid, contract_id=contract.id))
