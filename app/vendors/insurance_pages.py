"""Insurance pages: replacing and removing a certificate, its PDF, and the requirements each
service category must meet."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.associations.forms import ConfirmForm
from app.core.errors import NotFound, ValidationError
from app.core.pages import actor, require
from app.core.pdf import pdf_response
from app.extensions import db
from app.vendors import directory, insurance
from app.vendors import policies as vendor_policies
from app.vendors.blueprint import bp, manage, private, vendor_in
from app.vendors.forms import CertificateForm, run
from app.vendors.models import KIND_LABELS, Certificate, InsuranceRequirement, Vendor


@bp.route(
    "/vendors/<int:vendor_id>/certificates/<int:certificate_id>/replace", methods=["GET", "POST"]
)
@login_required
def replace_certificate(aid: int, vendor_id: int, certificate_id: int):
    """Replace a certificate's details (a renewed policy, a correction) and, optionally, its PDF."""
    association = manage(aid)
    vendor = vendor_in(aid, vendor_id)
    certificate = insurance.certificate_of(vendor, certificate_id)
    back = url_for("vendors.vendor", aid=aid, vendor_id=vendor_id)
    if request.method == "GET":
        form = CertificateForm(obj=certificate, formdata=None)
        form.coverage_amount.data = f"{certificate.coverage_amount:,.2f}"
    else:
        form = CertificateForm()

        def replace(data):
            upload = form.file.data
            pdf = upload.read() if upload and upload.filename else None
            return insurance.replace_certificate(
                certificate, data, association=association, actor=actor(), pdf=pdf
            )

        if run(form, replace) is not None:
            db.session.commit()
            flash(_("Certificate replaced."), "success")
            return redirect(back)
    form.submit.label.text = _("Replace the certificate")
    return render_template(
        "vendors/certificate_replace.html",
        association=association,
        vendor=vendor,
        certificate=certificate,
        form=form,
        cancel_url=back,
    ), (422 if form.errors else 200)


@bp.route(
    "/vendors/<int:vendor_id>/certificates/<int:certificate_id>/remove", methods=["GET", "POST"]
)
@login_required
def remove_certificate(aid: int, vendor_id: int, certificate_id: int):
    """Remove a certificate, after confirmation; the audit log keeps what it said."""
    association = manage(aid)
    vendor = vendor_in(aid, vendor_id)
    certificate = insurance.certificate_of(vendor, certificate_id)
    back = url_for("vendors.vendor", aid=aid, vendor_id=vendor_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        insurance.remove_certificate(certificate, association=association, actor=actor())
        db.session.commit()
        flash(_("Certificate removed."), "success")
        return redirect(back)
    form.submit.label.text = _("Yes, remove it")
    return render_template(
        "associations/confirm.html",
        association=association,
        form=form,
        title=_("Remove this certificate of %(name)s?", name=vendor.name),
        message=_(
            "%(certificate)s. Without it %(name)s may fall short of the insurance required. "
            "The audit log keeps what it said.",
            certificate=insurance.describe(certificate),
            name=vendor.name,
        ),
        cancel_url=back,
    )


@bp.route("/vendors/certificates/<int:certificate_id>.pdf")
@login_required
def certificate_pdf(aid: int, certificate_id: int):
    """An insurance certificate's PDF."""
    private(aid)
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.pdf is None:
        raise NotFound(_("No such certificate."))
    vendor_in(aid, certificate.vendor_id)
    return pdf_response(certificate.pdf, f"certificate-{certificate.id}.pdf")


def _posted_requirements() -> tuple[str, dict, list[dict]]:
    category = request.form.get("category", "")
    typed = {
        kind: {
            "checked": bool(request.form.get(f"need-{kind}")),
            "value": request.form.get(f"min-{kind}", ""),
        }
        for kind in KIND_LABELS
    }
    rows = [
        {"kind": kind, "min_coverage": typed[kind]["value"]}
        for kind in KIND_LABELS
        if typed[kind]["checked"]
    ]
    return category, typed, rows


@bp.route("/vendors/requirements", methods=["GET", "POST"])
@login_required
def requirements(aid: int):
    """Insurance each service category must carry, with minimum coverage."""
    association = private(aid)
    posted = None
    status = 200
    if request.method == "POST":
        require(vendor_policies.can_manage(actor(), aid))
        category, typed, rows = _posted_requirements()
        errors: dict[str, str] = {}
        if not ConfirmForm().validate_on_submit():
            errors["category"] = _("The form expired; please try again.")
        else:
            try:
                insurance.set_requirements(association, category, rows, actor=actor())
            except ValidationError as error:
                db.session.rollback()
                for field, messages in error.errors.items():
                    if field.startswith("requirements."):
                        _prefix, index, _name = field.split(".", 2)
                        errors[rows[int(index)]["kind"]] = " ".join(messages)
                    else:
                        errors["category"] = " ".join(messages)
            else:
                db.session.commit()
                flash(
                    _(
                        "Saved the requirements for %(category)s.",
                        category=category.strip().lower(),
                    ),
                    "success",
                )
                return redirect(url_for("vendors.requirements", aid=aid))
        posted = {"category": category, "typed": typed, "errors": errors}
        status = 422
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
                directory.vendors_of(aid).with_only_columns(Vendor.category).distinct()
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
        posted=posted,
        can_manage=vendor_policies.can_manage(actor(), aid),
    ), status
