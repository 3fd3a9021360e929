"""Vendor directory pages: the list, a vendor's page, documents, interests, deactivation."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.associations.forms import ConfirmForm
from app.auth import policies
from app.core import clock
from app.core.errors import DomainError, NotFound, ValidationError
from app.core.listing import paginate
from app.core.pages import actor, list_args, require
from app.extensions import db
from app.vendors import directory, insurance
from app.vendors import policies as vendor_policies
from app.vendors.blueprint import bp, contract_status_words, private, vendor_in
from app.vendors.forms import (
    CertificateForm,
    DocumentForm,
    InterestForm,
    ReasonForm,
    VendorForm,
    run,
)
from app.vendors.models import KIND_LABELS, Contract, Vendor, VendorDocument, VendorLink


@bp.route("/vendors", methods=["GET", "POST"])
@login_required
def index(aid: int):
    """The vendor directory: search, category, status and insurance filters; add or share."""
    association = private(aid)
    user = actor()
    form = VendorForm()
    if request.method == "POST":
        require(vendor_policies.can_manage(user, aid))
        shared_id = request.form.get("shared_vendor_id", "")
        if shared_id.isdigit():
            vendor = db.session.get(Vendor, int(shared_id))
            try:
                if vendor is None:
                    raise NotFound(_("No such vendor."))
                directory.link_vendor(association, vendor, actor=user)
            except DomainError as error:
                db.session.rollback()
                flash(error.message, "danger")
                vendor = None
        else:
            vendor = run(form, lambda data: directory.create_vendor(association, data, actor=user))
        if vendor is not None:
            db.session.commit()
            flash(_("%(name)s is in the directory.", name=vendor.name), "success")
            return redirect(url_for("vendors.vendor", aid=aid, vendor_id=vendor.id))
    category = request.args.get("category", "")
    status = request.args.get("status", "")
    statement = directory.vendors_of(aid).options(
        selectinload(Vendor.certificates), selectinload(Vendor.links)
    )
    if category:
        statement = statement.where(Vendor.category == category)
    if status in ("active", "inactive"):
        statement = statement.where(VendorLink.active.is_(status == "active"))
    page = paginate(
        statement,
        search=[Vendor.name, Vendor.category, Vendor.contact_name],
        sortable={"name": Vendor.name, "category": Vendor.category},
        default_sort="name",
        tiebreak=Vendor.id,
        **list_args(),
    )
    checks = {v.id: insurance.compliance(v, association) for v in page.items}
    active = {v.id: directory.is_active(v, aid) for v in page.items}
    only = request.args.get("compliance", "")
    if only in ("yes", "no"):
        page.items = [v for v in page.items if checks[v.id].compliant == (only == "yes")]
    categories = sorted(
        set(
            db.session.scalars(
                directory.vendors_of(aid).with_only_columns(Vendor.category).distinct()
            )
        )
    )
    page.extra.update(category=category, compliance=only, status=status, categories=categories)
    return render_template(
        "vendors/index.html",
        association=association,
        page=page,
        checks=checks,
        active=active,
        form=form,
        shareable=_shareable(user, aid),
    ), (422 if form.errors else 200)


def _shareable(user, aid: int) -> list[Vendor]:
    """Vendors of the manager's other associations that this one does not have yet."""
    if not vendor_policies.can_manage(user, aid):
        return []
    managed = [
        a
        for (a,) in db.session.execute(select(VendorLink.association_id).distinct())
        if a != aid and policies.is_manager(user, a)
    ]
    if not managed:
        return []
    return db.session.scalars(
        select(Vendor)
        .join(VendorLink)
        .where(
            VendorLink.association_id.in_(managed),
            ~Vendor.id.in_(select(VendorLink.vendor_id).where(VendorLink.association_id == aid)),
        )
        .distinct()
        .order_by(Vendor.name)
    ).all()


def render_vendor(association, vendor: Vendor, **forms):
    """The vendor's page, with the forms given (kept input and errors) or fresh ones."""
    user = actor()
    aid = association.id
    vendor_contracts = db.session.scalars(
        select(Contract)
        .where(Contract.association_id == aid, Contract.vendor_id == vendor.id)
        .order_by(Contract.start_date.desc())
    ).all()
    return render_template(
        "vendors/vendor.html",
        association=association,
        vendor=vendor,
        form=forms.get("form") or VendorForm(obj=vendor, formdata=None),
        certificate_form=forms.get("certificate_form") or CertificateForm(prefix="cert"),
        document_form=forms.get("document_form") or DocumentForm(prefix="doc", formdata=None),
        interest_form=forms.get("interest_form") or InterestForm(prefix="interest", formdata=None),
        check=insurance.compliance(vendor, association),
        requirements=insurance.requirements_for(aid, vendor.category),
        kinds=KIND_LABELS,
        contracts=vendor_contracts,
        contract_statuses=contract_status_words(),
        confirm=ConfirmForm(),
        can_manage=vendor_policies.can_manage(user, aid),
        active=directory.is_active(vendor, aid),
        declared=user.id in directory.interested_user_ids(aid, vendor.id),
        today=clock.today(association.time_zone),
    ), (422 if any(f.errors for f in forms.values() if f is not None) else 200)


@bp.route("/vendors/<int:vendor_id>", methods=["GET", "POST"])
@login_required
def vendor(aid: int, vendor_id: int):
    """A vendor: details, insurance with compliance, documents, interests, contracts."""
    association = private(aid)
    vendor = vendor_in(aid, vendor_id)
    user = actor()
    if request.method == "GET":
        return render_vendor(association, vendor)
    require(vendor_policies.can_manage(user, aid))
    if "cert-submit" in request.form:
        certificate_form = CertificateForm(prefix="cert")

        def add(data):
            upload = certificate_form.file.data
            pdf = upload.read() if upload and upload.filename else None
            return insurance.add_certificate(
                vendor, data, association=association, actor=user, pdf=pdf
            )

        if run(certificate_form, add) is not None:
            db.session.commit()
            flash(_("Certificate recorded."), "success")
            return redirect(url_for("vendors.vendor", aid=aid, vendor_id=vendor_id))
        return render_vendor(association, vendor, certificate_form=certificate_form)
    form = VendorForm()
    if run(form, lambda data: directory.update_vendor(vendor, association, data, actor=user)):
        db.session.commit()
        flash(_("Saved %(name)s.", name=vendor.name), "success")
        return redirect(url_for("vendors.vendor", aid=aid, vendor_id=vendor_id))
    return render_vendor(association, vendor, form=form)


@bp.route("/vendors/<int:vendor_id>/interest", methods=["POST"])
@login_required
def interest(aid: int, vendor_id: int):
    """A board member declares an interest in the vendor."""
    association = private(aid)
    vendor = vendor_in(aid, vendor_id)
    form = InterestForm(prefix="interest")
    done = run(
        form,
        lambda data: directory.declare_interest(
            association, vendor, user=actor(), note=data["note"] or ""
        ),
    )
    if done is None:
        return render_vendor(association, vendor, interest_form=form)
    db.session.commit()
    flash(
        _("Interest declared: you will not vote on contracts with %(name)s.", name=vendor.name),
        "success",
    )
    return redirect(url_for("vendors.vendor", aid=aid, vendor_id=vendor_id))


@bp.route("/vendors/<int:vendor_id>/documents", methods=["POST"])
@login_required
def add_document(aid: int, vendor_id: int):
    """Upload a vendor document."""
    association = private(aid)
    require(vendor_policies.can_manage(actor(), aid))
    vendor = vendor_in(aid, vendor_id)
    form = DocumentForm(prefix="doc")

    def upload(data):
        file = form.file.data
        if file is None or not file.filename:
            raise ValidationError("file", _("Choose a file to upload."))
        try:
            return directory.add_document(
                vendor,
                title=data["title"] or "",
                data=file.read(),
                association=association,
                actor=actor(),
            )
        except DomainError as error:
            if getattr(error, "errors", None):
                raise
            raise ValidationError("file", error.message) from error

    if run(form, upload) is None:
        return render_vendor(association, vendor, document_form=form)
    db.session.commit()
    flash(_("Document added."), "success")
    return redirect(url_for("vendors.vendor", aid=aid, vendor_id=vendor_id))


@bp.route("/vendors/<int:vendor_id>/documents/<int:document_id>")
@login_required
def document(aid: int, vendor_id: int, document_id: int):
    """Download a vendor document."""
    private(aid)
    vendor = vendor_in(aid, vendor_id)
    record = db.session.get(VendorDocument, document_id)
    if record is None or record.vendor_id != vendor.id:
        raise NotFound(_("No such document."))
    return Response(
        record.data,
        mimetype=record.content_type,
        headers={"Content-Disposition": f'inline; filename="document-{record.id}"'},
    )


@bp.route("/vendors/<int:vendor_id>/<any(deactivate, reactivate):change>", methods=["GET", "POST"])
@login_required
def set_active(aid: int, vendor_id: int, change: str):
    """Deactivate a vendor (kept on file, offered for no new bid or contract) or reactivate
    it, after confirmation."""
    association = private(aid)
    require(vendor_policies.can_manage(actor(), aid))
    vendor = vendor_in(aid, vendor_id)
    form = ReasonForm()
    back = url_for("vendors.vendor", aid=aid, vendor_id=vendor_id)
    if request.method == "POST":
        done = run(
            form,
            lambda data: directory.set_active(
                association,
                vendor,
                change == "reactivate",
                actor=actor(),
                reason=data["reason"] or "",
            ),
        )
        if done is not None:
            db.session.commit()
            flash(
                _("%(name)s is active again.", name=vendor.name)
                if change == "reactivate"
                else _(
                    "%(name)s is deactivated: kept on file, offered for no new bid or contract.",
                    name=vendor.name,
                ),
                "success",
            )
            return redirect(back)
    open_bids = directory.open_bids_of(vendor, aid) if change == "deactivate" else []
    form.submit.label.text = (
        _("Yes, reactivate") if change == "reactivate" else _("Yes, deactivate")
    )
    return render_template(
        "vendors/set_active.html",
        association=association,
        vendor=vendor,
        form=form,
        change=change,
        open_bids=open_bids,
        cancel_url=back,
    ), (422 if form.errors else 200)
