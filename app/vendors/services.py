"""Vendors, insurance certificates and requirements, compliance, interests, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Association
from app.auth import policies
from app.auth.models import Membership, User
from app.core import audit, clock, formatting, i18n, jobs, outbox
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.inputs import too_long
from app.core.parsing import COVERAGE_MAX, parse_amount
from app.extensions import db
from app.vendors.models import (
    KIND_LABELS,
    Certificate,
    CertificateReminder,
    InsuranceKind,
    InsuranceRequirement,
    Vendor,
    VendorDocument,
    VendorInterest,
    VendorLink,
)

THRESHOLDS = (30, 60)


def _record(
    association_id: int,
    action: str,
    subject_type: str,
    subject_id,
    summary: str,
    *,
    actor,
    data=None,
) -> None:
    audit.record(
        action,
        actor=actor,
        association_id=association_id,
        subject_type=subject_type,
        subject_id=subject_id,
        summary=summary,
        data=data,
    )


def money_value(value, field: str, *, required: bool = True) -> Decimal | None:
    """Parse a non-negative amount (coverage limits may exceed a budget line's range)."""
    return parse_amount(value, field, required=required, maximum=COVERAGE_MAX, example="1000000")


# --- vendors --------------------------------------------------------------------------------


def vendors_of(association_id: int):
    """Return a query of the vendors serving an association."""
    return (
        select(Vendor)
        .join(VendorLink, VendorLink.vendor_id == Vendor.id)
        .where(VendorLink.association_id == association_id)
    )


def get_vendor_in(association: Association, vendor_id) -> Vendor:
    """Return a vendor that serves the association, or raise a field error."""
    vendor = db.session.get(Vendor, vendor_id) if isinstance(vendor_id, int) else None
    if vendor is None or not any(link.association_id == association.id for link in vendor.links):
        raise ValidationError("vendor_id", _("Choose a vendor of this association."))
    return vendor


def _vendor_values(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    clean = {
        "name": str(values.get("name") or "").strip(),
        "category": str(values.get("category") or "").strip().lower(),
        "contact_name": str(values.get("contact_name") or "").strip(),
        "email": str(values.get("email") or "").strip().lower(),
        "phone": str(values.get("phone") or "").strip(),
        "w9_on_file": bool(values.get("w9_on_file")),
        "notes": str(values.get("notes") or "").strip(),
    }
    if not clean["name"]:
        errors["name"] = [_("Enter the vendor's name.")]
    for field, maximum in (("name", 200), ("contact_name", 200), ("phone", 40)):
        if field not in errors and (message := too_long(clean[field], maximum)):
            errors[field] = [message]
    if not clean["category"] or len(clean["category"]) > 60:
        errors["category"] = [_("Enter a service category, such as landscaping.")]
    if clean["email"] and ("@" not in clean["email"] or len(clean["email"]) > 254):
        errors["email"] = [_("Enter a valid e-mail address.")]
    last4 = str(values.get("tax_id_last4") or "").strip()
    if last4 and not (len(last4) == 4 and last4.isdigit()):
        errors["tax_id_last4"] = [_("Enter only the last four digits.")]
    clean["tax_id_last4"] = last4 or None
    if errors:
        raise ValidationError(errors)
    return clean


def create_vendor(association: Association, values: dict, *, actor: User) -> Vendor:
    """Add a vendor to the association's directory."""
    clean = _vendor_values(values)
    vendor = Vendor(created_at=clock.now(), **clean)
    db.session.add(vendor)
    db.session.flush()
    db.session.add(VendorLink(association_id=association.id, vendor_id=vendor.id))
    db.session.flush()
    _record(
        association.id,
        "vendor.created",
        "vendor",
        vendor.id,
        _("Added vendor %(name)s (%(category)s)", name=vendor.name, category=vendor.category),
        actor=actor,
    )
    return vendor


def link_vendor(association: Association, vendor: Vendor, *, actor: User) -> VendorLink:
    """Let an association use a vendor another association of the manager already has."""
    if not any(policies.is_manager(actor, link.association_id) for link in vendor.links):
        raise NotFound(_("No such vendor."))
    if any(link.association_id == association.id for link in vendor.links):
        raise Conflict(_("%(name)s already serves this association.", name=vendor.name))
    link = VendorLink(association_id=association.id, vendor_id=vendor.id)
    db.session.add(link)
    db.session.flush()
    db.session.expire(vendor, ["links"])
    _record(
        association.id,
        "vendor.linked",
        "vendor",
        vendor.id,
        _("Added %(name)s from the shared vendor directory", name=vendor.name),
        actor=actor,
    )
    return link


def update_vendor(vendor: Vendor, association: Association, values: dict, *, actor: User) -> Vendor:
    """Change a vendor's details (every association it serves sees the change)."""
    clean = _vendor_values(values)
    changes = {}
    for field, value in clean.items():
        if getattr(vendor, field) != value:
            changes[field] = [str(getattr(vendor, field)), str(value)]
            setattr(vendor, field, value)
    if changes:
        _record(
            association.id,
            "vendor.updated",
            "vendor",
            vendor.id,
            _("Changed vendor %(name)s", name=vendor.name),
            actor=actor,
            data=changes,
        )
    return vendor


MAX_DOCUMENT_BYTES = 15 * 1024 * 1024


def add_document(
    vendor: Vendor, *, title: str, data: bytes, association: Association, actor: User
) -> VendorDocument:
    """Keep a vendor's document (PDF, JPEG or PNG, checked by content: core.uploads)."""
    from app.core import uploads

    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationError("title", _("Name the document, e.g. W-9 2027."))
    uploads.check_size(data, MAX_DOCUMENT_BYTES, _("A document"))
    content_type = uploads.accept(
        data, (uploads.PDF, uploads.JPEG, uploads.PNG), what=_("A vendor document")
    )
    document = VendorDocument(
        vendor_id=vendor.id,
        title=title,
        content_type=content_type,
        size=len(data),
        data=data,
        uploaded_at=clock.now(),
    )
    db.session.add(document)
    db.session.flush()
    db.session.expire(vendor, ["documents"])
    _record(
        association.id,
        "vendor.document_added",
        "vendor",
        vendor.id,
        _("Added the document “%(title)s” to %(name)s", title=title, name=vendor.name),
        actor=actor,
    )
    return document


# --- insurance ------------------------------------------------------------------------------


def add_certificate(
    vendor: Vendor, values: dict, *, association: Association, actor: User, pdf: bytes | None = None
) -> Certificate:
    """Record an insurance certificate for a vendor."""
    errors: dict[str, list[str]] = {}
    kind = str(values.get("kind") or "")
    if kind not in {k.value for k in InsuranceKind}:
        errors["kind"] = [
            _("Choose general_liability, workers_comp, auto, umbrella, professional or other.")
        ]
    carrier = str(values.get("carrier") or "").strip()
    policy = str(values.get("policy_number") or "").strip()
    if not carrier or len(carrier) > 200:
        errors["carrier"] = [_("Enter the insurer's name.")]
    if not policy or len(policy) > 80:
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
    certificate = Certificate(
        vendor_id=vendor.id,
        kind=kind,
        carrier=carrier,
        policy_number=policy,
        coverage_amount=coverage,
        effective_on=effective,
        expires_on=expires,
        pdf=pdf,
        created_at=clock.now(),
    )
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
            kind=KIND_LABELS[kind],
            name=vendor.name,
            coverage=formatting.money(coverage),
            date=formatting.long_date(expires),
        ),
        actor=actor,
    )
    return certificate


def set_requirements(
    association: Association, category: str, requirements: list[dict], *, actor: User
) -> list[InsuranceRequirement]:
    """Replace what the association requires of vendors in a category."""
    category = (category or "").strip().lower()
    if not category or len(category) > 60:
        raise ValidationError("category", _("Enter a service category."))
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
    """Whether a vendor meets an association's insurance requirements, and why not."""

    compliant: bool
    reasons: list[str]


def compliance(vendor: Vendor, association: Association) -> Compliance:
    """Check every required kind: held, valid through today, with the minimum coverage."""
    today = clock.today(association.time_zone)
    reasons = []
    for requirement in requirements_for(association.id, vendor.category):
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
    return Compliance(not reasons, reasons)


def expiring_certificates(association: Association, within_days: int = 60):
    """Return (certificate, days left) for certificates expiring within the window."""
    today = clock.today(association.time_zone)
    rows = db.session.scalars(
        select(Certificate)
        .join(VendorLink, VendorLink.vendor_id == Certificate.vendor_id)
        .where(
            VendorLink.association_id == association.id,
            Certificate.expires_on >= today,
            Certificate.expires_on <= today + timedelta(days=within_days),
        )
        .order_by(Certificate.expires_on)
    ).all()
    return [(c, (c.expires_on - today).days) for c in rows]


REMINDER_TOPIC = "vendors.certificate_reminder"


@jobs.daily
@jobs.job("vendors.expiry_reminders")
def send_expiry_reminders() -> int:
    """Mail managers about certificates expiring within 30 and 60 days, once per threshold;
    return how many reminders were queued. A reminder counts as sent once its mail is."""
    queued = 0
    for association in db.session.scalars(select(Association)):
        managers = db.session.execute(
            select(User.email, User.language)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.association_id == association.id,
                Membership.role == "manager",
                User.active.is_(True),
            )
        ).all()
        if not managers:
            continue  # nobody to tell yet; the reminder waits for a manager
        for certificate, days in expiring_certificates(association, max(THRESHOLDS)):
            threshold = min(t for t in THRESHOLDS if days <= t)
            exists = db.session.scalar(
                select(CertificateReminder.id).where(
                    CertificateReminder.certificate_id == certificate.id,
                    CertificateReminder.association_id == association.id,
                    CertificateReminder.threshold_days == threshold,
                )
            )
            if exists:
                continue
            reminder = CertificateReminder(
                certificate_id=certificate.id,
                association_id=association.id,
                threshold_days=threshold,
                queued_at=clock.now(),
            )
            db.session.add(reminder)
            db.session.flush()
            for email, language in managers:
                with i18n.in_language(language):
                    subject, body = _reminder_text(certificate, days, association)
                outbox.queue_mail(
                    email,
                    subject,
                    body,
                    association_id=association.id,
                    topic=REMINDER_TOPIC,
                    topic_id=reminder.id,
                )
            queued += 1
        db.session.commit()
    return queued


def _reminder_text(certificate, days: int, association) -> tuple[str, str]:
    """Return a certificate reminder's subject and body, in the language being rendered."""
    vendor = certificate.vendor
    return (
        _(
            "%(vendor)s: %(kind)s insurance expires in %(days)d days",
            vendor=vendor.name,
            kind=KIND_LABELS[certificate.kind],
            days=days,
        ),
        _(
            "The %(kind)s certificate of %(vendor)s (%(carrier)s, policy %(policy)s) "
            "expires on %(date)s. %(association)s needs a current certificate.",
            kind=KIND_LABELS[certificate.kind],
            vendor=vendor.name,
            carrier=certificate.carrier,
            policy=certificate.policy_number,
            date=formatting.long_date(certificate.expires_on),
            association=association.name,
        ),
    )


@outbox.on_outcome(REMINDER_TOPIC)
def _reminder_transmitted(message) -> None:
    """The reminder is sent when the first of its messages is transmitted."""
    reminder = db.session.get(CertificateReminder, message.topic_id)
    if reminder is not None and message.status == outbox.SENT and reminder.sent_at is None:
        reminder.sent_at = message.sent_at


# --- interests ------------------------------------------------------------------------------


def declare_interest(
    association: Association, vendor: Vendor, *, user: User, note: str = ""
) -> VendorInterest:
    """A board member declares an interest in a vendor; they are recused from its contracts."""
    if not policies.is_board(user, association.id):
        raise ValidationError("user", _("Only board members declare interests."))
    existing = db.session.scalar(
        select(VendorInterest).where(
            VendorInterest.association_id == association.id,
            VendorInterest.user_id == user.id,
            VendorInterest.vendor_id == vendor.id,
        )
    )
    if existing:
        raise Conflict(_("You already declared an interest in %(name)s.", name=vendor.name))
    interest = VendorInterest(
        association_id=association.id,
        user_id=user.id,
        vendor_id=vendor.id,
        note=(note or "").strip(),
        declared_at=clock.now(),
    )
    db.session.add(interest)
    db.session.flush()
    _record(
        association.id,
        "vendor.interest_declared",
        "vendor",
        vendor.id,
        _("%(name)s declared an interest in %(vendor)s", name=user.name, vendor=vendor.name),
        actor=user,
        data={"note": interest.note},
    )
    return interest


def interested_user_ids(association_id: int, vendor_id: int) -> set[int]:
    """Return the board members who declared an interest in the vendor."""
    return set(
        db.session.scalars(
            select(VendorInterest.user_id).where(
                VendorInterest.association_id == association_id,
                VendorInterest.vendor_id == vendor_id,
            )
        )
    )
