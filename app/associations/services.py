"""Associations and their settings: every write here, with its audit entry."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import (
    BUDGET_NOTICE_DAYS,
    Association,
    ComplianceProfile,
    profile_for_state,
)
from app.associations.states import US_STATES, time_zone_for
from app.auth.models import User
from app.core import audit, clock
from app.core.errors import Conflict, ValidationError
from app.core.inputs import length_errors, too_long
from app.extensions import db

# The most each field holds, on the form, in the API and here (never cut).
ASSOCIATION_MAXIMA = {"name": 200, "letterhead_address": 1000, "time_zone": 64}


def _association_errors(
    name: str,
    state: str,
    fiscal_year_start_month,
    compliance_profile,
    time_zone: str,
    letterhead_address: str = "",
) -> dict[str, list[str]]:
    errors = length_errors(
        {"name": name, "letterhead_address": letterhead_address, "time_zone": time_zone},
        ASSOCIATION_MAXIMA,
    )
    if not name:
        errors["name"] = [_("Enter the association's name.")]
    if state not in US_STATES:
        errors["state"] = [_("Enter a two-letter US state code, such as CA.")]
    if not isinstance(fiscal_year_start_month, int) or not 1 <= fiscal_year_start_month <= 12:
        errors["fiscal_year_start_month"] = [_("Choose a month from 1 to 12.")]
    if compliance_profile not in {p.value for p in ComplianceProfile}:
        errors["compliance_profile"] = [_("Choose default, CA, TX or FL.")]
    if "time_zone" not in errors and not clock.is_valid_time_zone(time_zone):
        errors["time_zone"] = [_("Enter an IANA time zone, such as America/Los_Angeles.")]
    return errors


def _name_taken(name: str, exclude_id: int | None = None) -> bool:
    statement = select(Association.id).where(Association.name == name)
    if exclude_id is not None:
        statement = statement.where(Association.id != exclude_id)
    return db.session.scalar(statement) is not None


def create_association(
    *,
    name: str,
    state: str,
    fiscal_year_start_month: int,
    actor: User,
    compliance_profile: str | None = None,
    letterhead_address: str = "",
    time_zone: str | None = None,
) -> Association:
    """Create an association; the compliance profile and the time zone default from the
    state."""
    name = (name or "").strip()
    state = (state or "").strip().upper()
    profile = compliance_profile or profile_for_state(state).value
    time_zone = (time_zone or "").strip() or time_zone_for(state)
    letterhead_address = (letterhead_address or "").strip()
    errors = _association_errors(
        name, state, fiscal_year_start_month, profile, time_zone, letterhead_address
    )
    if errors:
        raise ValidationError(errors)
    if _name_taken(name):
        raise Conflict(_("An association named %(name)s already exists.", name=name))
    notice_min, notice_max = BUDGET_NOTICE_DAYS.get(profile, (None, None))
    association = Association(
        name=name,
        state=state,
        fiscal_year_start_month=fiscal_year_start_month,
        compliance_profile=profile,
        letterhead_address=(letterhead_address or "").strip(),
        time_zone=time_zone,
        budget_notice_min_days=notice_min,
        budget_notice_max_days=notice_max,
    )
    db.session.add(association)
    db.session.flush()
    audit.record(
        "association.created",
        actor=actor,
        association_id=association.id,
        subject_type="association",
        subject_id=association.id,
        summary=_("Created the association %(name)s", name=name),
        data={"state": state, "compliance_profile": profile, "time_zone": time_zone},
    )
    return association


def update_association(
    association: Association,
    *,
    name: str,
    state: str,
    fiscal_year_start_month: int,
    compliance_profile: str,
    letterhead_address: str,
    time_zone: str,
    actor: User,
    budget_notice_min_days: int | None = None,
    budget_notice_max_days: int | None = None,
    contact: dict[str, str] | None = None,
) -> Association:
    """Change an association's settings (``contact``: office_phone, office_email,
    portal_url)."""
    if (
        budget_notice_min_days is not None
        and budget_notice_max_days is not None
        and budget_notice_min_days > budget_notice_max_days
    ):
        raise ValidationError(
            "budget_notice_max_days", _("The latest day must not come before the earliest.")
        )
    for field, days in (
        ("budget_notice_min_days", budget_notice_min_days),
        ("budget_notice_max_days", budget_notice_max_days),
    ):
        if days is not None and not 0 <= days <= 365:
            raise ValidationError(field, _("Enter a number of days from 0 to 365."))
    values = {
        "name": (name or "").strip(),
        "state": (state or "").strip().upper(),
        "fiscal_year_start_month": fiscal_year_start_month,
        "compliance_profile": compliance_profile,
        "letterhead_address": (letterhead_address or "").strip(),
        "time_zone": (time_zone or "").strip() or time_zone_for(state),
        "budget_notice_min_days": budget_notice_min_days,
        "budget_notice_max_days": budget_notice_max_days,
        **_contact_values(contact),
    }
    errors = _association_errors(
        values["name"],
        values["state"],
        fiscal_year_start_month,
        compliance_profile,
        values["time_zone"],
        values["letterhead_address"],
    )
    if errors:
        raise ValidationError(errors)
    if _name_taken(values["name"], exclude_id=association.id):
        raise ValidationError("name", _("Another association already has this name."))
    changes = _apply(association, values)
    if changes:
        audit.record(
            "association.updated",
            actor=actor,
            association_id=association.id,
            subject_type="association",
            subject_id=association.id,
            summary=_("Changed the settings of %(name)s", name=association.name),
            data=changes,
        )
    return association


CONTACT_FIELDS = (
    "office_phone",
    "office_email",
    "portal_url",
    "fine_due_days",
    "fine_payment_instructions",
)


def _contact_values(contact: dict | None) -> dict:
    """Check how owners reach the office (a valid e-mail, an http(s) portal address) and
    what a notice of fine tells them (days to pay, 1–365; how to pay or dispute)."""
    if contact is None:
        return {}
    values = {
        k: (contact.get(k) or "").strip()
        for k in ("office_phone", "office_email", "portal_url", "fine_payment_instructions")
        if k in contact
    }
    for field, maximum in (
        ("office_phone", 40),
        ("office_email", 254),
        ("portal_url", 300),
        ("fine_payment_instructions", 2000),
    ):
        problem = too_long(values.get(field, ""), maximum)
        if problem:
            raise ValidationError(field, problem)
    if "fine_due_days" in contact:
        days = contact["fine_due_days"]
        if isinstance(days, str):
            days = int(days) if days.strip().isdigit() else None
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
            raise ValidationError("fine_due_days", _("Enter a number of days from 1 to 365."))
        values["fine_due_days"] = days
    if values.get("office_email"):
        from email_validator import EmailNotValidError, validate_email

        try:
            validate_email(values["office_email"], check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationError("office_email", _("Enter a valid e-mail address.")) from error
    portal = values.get("portal_url", "")
    if portal and not portal.startswith(("https://", "http://")):
        raise ValidationError("portal_url", _("Enter an address starting with https://."))
    return values


def _apply(obj, values: dict) -> dict:
    """Set changed attributes and return {field: [old, new]} for the audit entry."""
    changes = {}
    for field, value in values.items():
        old = getattr(obj, field)
        if old != value:
            changes[field] = [old, value]
            setattr(obj, field, value)
    return changes
