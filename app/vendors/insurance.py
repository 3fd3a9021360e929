"""Insurance: certificates, what each category requires, and whether a vendor complies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Association
from app.auth.models import User
from app.core import clock, formatting
from app.core.errors import NotFound, ValidationError
from app.core.inputs import is_db_id, length_errors, too_long
from app.core.parsing import COVERAGE_MAX, parse_amount
from app.extensions import db
from app.vendors.directory import MAX_DOCUMENT_BYTES, _record
from app.vendors.models import (
    KIND_LABELS,
    Certificate,
    CertificateReminder,
    InsuranceKind,
    InsuranceRequirement,
    Vendor,
    VendorLink,
)


def money_value(value, field: str, *, required: bool = True) -> Decimal | None:
    """Parse a non-negative amount (coverage limits may exceed a budget line's range)."""
    return parse_amount(value, field, required=required, maximum=COVERAGE_MAX, example="1000000")


def _certificate_values(values: dict, pdf: bytes | None) -> dict:
    errors: dict[str, list[str]] = {}
    kind = str(values.get("kind") or "")
    if kind not in {k.value for k in InsuranceKind}:
        errors["kind"] = [
            _("Choose general_liability, workers_comp, auto, umbrella, professional or other.")
        ]
    carrier = str(values.get("carrier") or "").strip()
    policy = str(values.get("policy_number") or "").strip()
    errors.update(length_errors({"carrier": carrier, "policy_number": policy}, MAXIMA))
    if not carrier:
        errors["carrier"] = [_("Enter the insurer's name.")]
    if not policy:
        errors["policy_number"] = [_("Enter the policy number.")]
    try:
        coverage = money_value(values.get("coverage_amount"), "coverage_amount")
    except ValidationError as error:
        errors.update(error.errors)
        coverage = None
    expires = values.get("expires_on")
    effective = values.get("effective_on")
    if not isinstance(expires, date):
        errors["expires_on"] = [_("Enter the expiry date, such as 2027-06-30.")]
    if effective is not None and not isinstance(effective, date):
        errors["effective_on"] = [_("Enter a date, such as 2026-07-01.")]
    elif isinstance(effective, date) and isinstance(expires, date) and expires < effective:
        errors["expires_on"] = [_("The expiry date comes before the effective date.")]
    if pdf is not None and not pdf.startswith(b"%PDF"):
        errors["pdf"] = [_("Attach the certificate as a PDF.")]
    if errors:
        raise ValidationError(errors)
    if pdf is not None:
        from app.core import uploads

        uploads.check_size(pdf, MAX_DOCUMENT_BYTES, _("A certificate"))
        uploads.check_pdf(pdf)
    return {
        "kind": kind,
        "carrier": carrier,
        "policy_number": policy,
        "coverage_amount": coverage,
        "effective_on": effective,
        "expires_on": expires,
    }


MAXIMA = {"carrier": 200, "policy_number": 80}


def describe(certificate: Certificate) -> str:
    """Return e.g. "General liability, Acme Mutual policy GL-1, $1,000,000.00, expires …"."""
    return _(
        "%(kind)s, %(carrier)s policy %(policy)s, %(coverage)s, expires %(date)s",
        kind=KIND_LABELS[certificate.kind],
        carrier=certificate.carrier,
        policy=certificate.policy_number,
        coverage=formatting.money(certificate.coverage_amount),
        date=formatting.long_date(certificate.expires_on),
    )


def add_certificate(
    vendor: Vendor, values: dict, *, association: Association, actor: User, pdf: bytes | None = None
) -> Certificate:
    """Record an insurance certificate for a vendor."""
    clean = _certificate_values(values, pdf)
    certificate = Certificate(vendor_id=vendor.id, pdf=pdf, created_at=clock.now(), **clean)
    db.session.add(certificate)
    db.session.flush()
    db.session.expire(vendor, ["certificates"])
    _record(
        association.id,
        "vendor.certificate_added",
        "vendor",
        vendor.id,
        _(
            "Recorded %(kind)s insurance for %(name)s, %(coverage)s, expires %(date)s",
            kind=KIND_LABELS[certificate.kind],
            name=vendor.name,
            coverage=formatting.money(certificate.coverage_amount),
            date=formatting.long_date(certificate.expires_on),
        ),
        actor=actor,
    )
    return certificate


def certificate_of(vendor: Vendor, certificate_id) -> Certificate:
    """Return one of the vendor's certificates, or raise NotFound."""
    certificate = db.session.get(Certificate, certificate_id) if is_db_id(certificate_id) else None
    if certificate is None or certificate.vendor_id != vendor.id:
        raise NotFound(_("No such certificate."))
    return certificate


def replace_certificate(
    certificate: Certificate,
    values: dict,
    *,
    association: Association,
    actor: User,
    pdf: bytes | None = None,
) -> Certificate:
    """Replace a certificate's details (a renewed policy, a corrected entry); the PDF is kept
    unless a new one comes. The audit log keeps what it said before."""
    clean = _certificate_values(values, pdf)
    before = describe(certificate)
    for field, value in clean.items():
        setattr(certificate, field, value)
    if pdf is not None:
        certificate.pdf = pdf
    # Reminders were about the old expiry date; the new one earns its own.
    _forget_reminders(certificate)
    vendor = certificate.vendor
    _record(
        association.id,
        "vendor.certificate_replaced",
        "vendor",
        vendor.id,
        _(
            "Replaced the certificate of %(name)s (%(before)s) by %(after)s",
            name=vendor.name,
            before=before,
            after=describe(certificate),
        ),
        actor=actor,
        data={"certificate_id": certificate.id, "before": before},
    )
    return certificate


def _forget_reminders(certificate: Certificate) -> None:
    for reminder in db.session.scalars(
        select(CertificateReminder).where(CertificateReminder.certificate_id == certificate.id)
    ):
        db.session.delete(reminder)
    db.session.flush()


def remove_certificate(certificate: Certificate, *, association: Association, actor: User) -> None:
    """Remove a certificate entered by mistake or no longer relevant; audited with what it
    said, so the vendor's compliance history can still be explained."""
    vendor = certificate.vendor
    before = describe(certificate)
    _forget_reminders(certificate)
    db.session.delete(certificate)
    db.session.flush()
    db.session.expire(vendor, ["certificates"])
    _record(
        association.id,
        "vendor.certificate_removed",
        "vendor",
        vendor.id,
        _("Removed the certificate of %(name)s: %(before)s", name=vendor.name, before=before),
        actor=actor,
        data={"certificate_id": certificate.id, "before": before},
    )


def set_requirements(
    association: Association, category: str, requirements: list[dict], *, actor: User
) -> list[InsuranceRequirement]:
    """Replace what the association requires of vendors in a category."""
    category = (category or "").strip().lower()
    if not category:
        raise ValidationError("category", _("Enter a service category."))
    if message := too_long(category, 60):
        raise ValidationError("category", message)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Decimal] = {}
    for index, item in enumerate(requirements or []):
        kind = str((item or {}).get("kind") or "")
        if kind not in {k.value for k in InsuranceKind}:
            errors[f"requirements.{index}.kind"] = [_("Choose a kind of insurance.")]
            continue
        try:
            cleaned[kind] = money_value(
                item.get("min_coverage"), f"requirements.{index}.min_coverage"
            )
        except ValidationError as error:
            errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    for row in db.session.scalars(
        select(InsuranceRequirement).where(
            InsuranceRequirement.association_id == association.id,
            InsuranceRequirement.category == category,
        )
    ):
        db.session.delete(row)
    db.session.flush()
    rows = [
        InsuranceRequirement(
            association_id=association.id, category=category, kind=kind, min_coverage=minimum
        )
        for kind, minimum in cleaned.items()
    ]
    db.session.add_all(rows)
    db.session.flush()
    _record(
        association.id,
        "vendor.requirements_set",
        "association",
        association.id,
        _(
            "Set the insurance required of %(category)s vendors: %(list)s",
            category=category,
            list=", ".join(
                f"{KIND_LABELS[r.kind]} {formatting.money(r.min_coverage)}" for r in rows
            )
            or _("none"),
        ),
        actor=actor,
    )
    return rows


def requirements_for(association_id: int, category: str) -> list[InsuranceRequirement]:
    """Return what an association requires of a category."""
    return list(
        db.session.scalars(
            select(InsuranceRequirement)
            .where(
                InsuranceRequirement.association_id == association_id,
                InsuranceRequirement.category == category,
            )
            .order_by(InsuranceRequirement.kind)
        )
    )


@dataclass
class Compliance:
    """Whether a vendor meets an association's insurance requirements, and why not.

    ``requirements_set`` is False when the category has no requirements: the vendor is then
    compliant, and the pages say "no requirements set" rather than "compliant"."""

    compliant: bool
    reasons: list[str]
    requirements_set: bool = True


def compliance(vendor: Vendor, association: Association, category: str | None = None) -> Compliance:
    """Check every kind required of the vendor's category (or of ``category``, the work it
    bids on): held, valid through today, with the minimum coverage."""
    today = clock.today(association.time_zone)
    reasons = []
    required = requirements_for(association.id, category or vendor.category)
    for requirement in required:
        label = KIND_LABELS[requirement.kind]
        held = [c for c in vendor.certificates if c.kind == requirement.kind]
        valid = [
            c
            for c in held
            if c.expires_on >= today and (c.effective_on is None or c.effective_on <= today)
        ]
        enough = [c for c in valid if c.coverage_amount >= requirement.min_coverage]
        if enough:
            continue
        if not held:
            reasons.append(_("No %(kind)s certificate on file.", kind=label))
        elif not valid:
            latest = max(held, key=lambda c: c.expires_on)
            reasons.append(
                _(
                    "%(kind)s expired on %(date)s.",
                    kind=label,
                    date=formatting.long_date(latest.expires_on),
                )
            )
        else:
            best = max(valid, key=lambda c: c.coverage_amount)
            reasons.append(
                _(
                    "%(kind)s coverage of %(have)s is below the required %(need)s.",
                    kind=label,
                    have=formatting.money(best.coverage_amount),
                    need=formatting.money(requirement.min_coverage),
                )
            )
    return Compliance(not reasons, reasons, bool(required))


def expiring_certificates(association: Association, within_days: int = 60):
    """Return (certificate, days left) for certificates expiring within the window."""
    today = clock.today(association.time_zone)
    rows = db.session.scalars(
        select(Certificate)
        .join(VendorLink, VendorLink.vendor_id == Certificate.vendor_id)
        .where(
            VendorLink.association_id == association.id,
            VendorLink.active.is_(True),
            Certificate.expires_on >= today,
            Certificate.expires_on <= today + timedelta(days=within_days),
        )
        .order_by(Certificate.expires_on)
    ).all()
    return [(c, (c.expires_on - today).days) for c in rows]
