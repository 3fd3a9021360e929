"""Associations, units and memberships: every write here, with its audit entry."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import (
    BUDGET_NOTICE_DAYS,
    Association,
    ComplianceProfile,
    Unit,
    profile_for_state,
)
from app.auth import policies
from app.auth.models import Membership, Office, Role, User
from app.core import audit, clock
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.inputs import is_db_id
from app.extensions import db

US_STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "PR",
    "VI",
    "GU",
]


def _association_errors(
    name: str, state: str, fiscal_year_start_month, compliance_profile, time_zone: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter the association's name.")]
    if state not in US_STATES:
        errors["state"] = [_("Enter a two-letter US state code, such as CA.")]
    if not isinstance(fiscal_year_start_month, int) or not 1 <= fiscal_year_start_month <= 12:
        errors["fiscal_year_start_month"] = [_("Choose a month from 1 to 12.")]
    if compliance_profile not in {p.value for p in ComplianceProfile}:
        errors["compliance_profile"] = [_("Choose default, CA, TX or FL.")]
    if not clock.is_valid_time_zone(time_zone):
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
    """Create an association; the profile defaults from the state."""
    name = (name or "").strip()
    state = (state or "").strip().upper()
    profile = compliance_profile or profile_for_state(state).value
    time_zone = (time_zone or "UTC").strip()
    errors = _association_errors(name, state, fiscal_year_start_month, profile, time_zone)
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
        "time_zone": (time_zone or "").strip(),
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


def _contact_values(contact: dict[str, str] | None) -> dict[str, str]:
    """Check how owners reach the office: a valid e-mail, an http(s) portal address."""
    if contact is None:
        return {}
    values = {
        k: (contact.get(k) or "").strip() for k in ("office_phone", "office_email", "portal_url")
    }
    if values["office_email"]:
        from email_validator import EmailNotValidError, validate_email

        try:
            validate_email(values["office_email"], check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationError("office_email", _("Enter a valid e-mail address.")) from error
    if values["portal_url"] and not values["portal_url"].startswith(("https://", "http://")):
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


# --- units ------------------------------------------------------------------------------


def parse_share(value) -> Decimal | None:
    """Return an allocation share as Decimal, None when empty; refuse zero or negatives."""
    if value in (None, ""):
        return None
    try:
        share = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError("allocation_share", _("Enter a number, such as 1.25.")) from exc
    if not share.is_finite() or share <= 0:
        raise ValidationError("allocation_share", _("Enter a number greater than zero."))
    if share.as_tuple().exponent < -6 or share >= 1_000_000:
        raise ValidationError(
            "allocation_share", _("Use at most six decimals and a value below 1,000,000.")
        )
    return share


def _unit_values(label, street_address, mailing_address, unit_type, allocation_share) -> dict:
    values = {
        "label": (label or "").strip(),
        "street_address": (street_address or "").strip(),
        "mailing_address": (mailing_address or "").strip() or None,
        "unit_type": (unit_type or "").strip().lower() or "standard",
    }
    errors: dict[str, list[str]] = {}
    if not values["label"]:
        errors["label"] = [_("Enter the unit's label, such as 12B.")]
    elif len(values["label"]) > 100:
        errors["label"] = [_("Use at most 100 characters.")]
    if not values["street_address"]:
        errors["street_address"] = [_("Enter the street address.")]
    if len(values["unit_type"]) > 40:
        errors["unit_type"] = [_("Use at most 40 characters.")]
    try:
        values["allocation_share"] = parse_share(allocation_share)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return values


def _label_taken(association: Association, label: str, exclude_id: int | None = None) -> bool:
    statement = select(Unit.id).where(Unit.association_id == association.id, Unit.label == label)
    if exclude_id is not None:
        statement = statement.where(Unit.id != exclude_id)
    return db.session.scalar(statement) is not None


def create_unit(
    association: Association,
    *,
    label: str,
    street_address: str,
    actor: User,
    mailing_address: str | None = None,
    unit_type: str | None = None,
    allocation_share=None,
) -> Unit:
    """Add a unit to the association."""
    values = _unit_values(label, street_address, mailing_address, unit_type, allocation_share)
    if _label_taken(association, values["label"]):
        raise Conflict(
            _("Unit %(label)s already exists in this association.", label=values["label"])
        )
    unit = Unit(association_id=association.id, **values)
    db.session.add(unit)
    db.session.flush()
    audit.record(
        "unit.created",
        actor=actor,
        association_id=association.id,
        subject_type="unit",
        subject_id=unit.id,
        summary=_(
            "Added unit %(label)s, %(address)s", label=unit.label, address=unit.street_address
        ),
        data={k: str(v) if v is not None else None for k, v in values.items()},
    )
    return unit


def update_unit(
    unit: Unit,
    *,
    label: str,
    street_address: str,
    mailing_address: str | None,
    unit_type: str | None,
    allocation_share,
    actor: User,
) -> Unit:
    """Change a unit's label, addresses, type or allocation share."""
    values = _unit_values(label, street_address, mailing_address, unit_type, allocation_share)
    if _label_taken(unit.association, values["label"], exclude_id=unit.id):
        raise ValidationError("label", _("Another unit already has this label."))
    changes = _apply(unit, values)
    if changes:
        audit.record(
            "unit.updated",
            actor=actor,
            association_id=unit.association_id,
            subject_type="unit",
            subject_id=unit.id,
            summary=_("Changed unit %(label)s", label=unit.label),
            data={
                k: [str(a) if a is not None else None, str(b) if b is not None else None]
                for k, (a, b) in changes.items()
            },
        )
    return unit


def delete_unit(unit: Unit, *, actor: User) -> None:
    """Remove a unit and its owners' memberships of it."""
    owners = [m.user.name for m in unit.memberships]
    audit.record(
        "unit.deleted",
        actor=actor,
        association_id=unit.association_id,
        subject_type="unit",
        subject_id=unit.id,
        summary=_(
            "Removed unit %(label)s, %(address)s", label=unit.label, address=unit.street_address
        ),
        data={"owners": owners},
    )
    db.session.delete(unit)
    db.session.flush()
    policies.forget_memberships()


def get_unit(association: Association, unit_id: int) -> Unit:
    """Return a unit of this association or raise NotFound."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.association_id != association.id:
        raise NotFound(_("No such unit."))
    return unit


# --- memberships ------------------------------------------------------------------------

ROLE_LABELS = {"manager": "manager", "board": "board member", "owner": "owner"}


def check_role(
    association: Association, role: str, unit_id, office: str | None
) -> tuple[Unit | None, str | None]:
    """Check a role, its unit (owners) and office (board); return the unit and the office.

    Raises ValidationError naming each bad field; the answer depends only on what was sent.
    """
    errors: dict[str, list[str]] = {}
    if role not in {r.value for r in Role}:
        raise ValidationError("role", _("Choose manager, board or owner."))
    unit = None
    if role == Role.OWNER:
        if unit_id in (None, ""):
            errors["unit_id"] = [_("Choose the unit this person owns.")]
        else:
            unit = db.session.get(Unit, unit_id) if is_db_id(unit_id) else None
            if unit is None or unit.association_id != association.id:
                errors["unit_id"] = [_("Choose a unit of this association.")]
    elif unit_id not in (None, ""):
        errors["unit_id"] = [_("Only owners are linked to a unit.")]
    if role == Role.BOARD:
        office = office or Office.DIRECTOR.value
        if office not in {o.value for o in Office}:
            errors["office"] = [
                _("Choose president, vice_president, treasurer, secretary or director.")
            ]
    elif office:
        errors["office"] = [_("Only board members hold an office.")]
    if errors:
        raise ValidationError(errors)
    return unit, (office if role == Role.BOARD else None)


def add_membership(
    association: Association,
    *,
    user: User,
    role: str,
    actor: User,
    unit_id: int | None = None,
    office: str | None = None,
) -> Membership:
    """Give a person a role in the association (owner of a unit, board with an office, …)."""
    unit, office = check_role(association, role, unit_id, office)
    duplicate = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.association_id == association.id,
            Membership.role == role,
            Membership.unit_id.is_(None) if unit is None else Membership.unit_id == unit.id,
        )
    )
    if duplicate is not None:
        raise Conflict(_("%(name)s already holds this role here.", name=user.name))
    membership = Membership(
        user_id=user.id,
        association_id=association.id,
        role=role,
        unit_id=unit.id if unit else None,
        office=office if role == Role.BOARD else None,
    )
    db.session.add(membership)
    db.session.flush()
    policies.forget_memberships()
    audit.record(
        "membership.created",
        actor=actor,
        association_id=association.id,
        subject_type="membership",
        subject_id=membership.id,
        summary=_describe(membership, user, unit, _("Gave")),
        data={"user_id": user.id, "role": role, "unit_id": membership.unit_id, "office": office},
    )
    return membership


def _describe(membership: Membership, user: User, unit: Unit | None, verb: str) -> str:
    if membership.role == Role.OWNER and unit is not None:
        return _(
            "%(verb)s %(name)s the role owner of unit %(label)s",
            verb=verb,
            name=user.name,
            label=unit.label,
        )
    if membership.role == Role.BOARD:
        return _(
            "%(verb)s %(name)s the role board member (%(office)s)",
            verb=verb,
            name=user.name,
            office=(membership.office or "").replace("_", " "),
        )
    return _("%(verb)s %(name)s the role %(role)s", verb=verb, name=user.name, role=membership.role)


def remove_membership(membership: Membership, *, actor: User) -> None:
    """Take a role away from a person."""
    audit.record(
        "membership.deleted",
        actor=actor,
        association_id=membership.association_id,
        subject_type="membership",
        subject_id=membership.id,
        summary=_describe(membership, membership.user, membership.unit, _("Took from")),
        data={
            "user_id": membership.user_id,
            "role": membership.role,
            "unit_id": membership.unit_id,
            "office": membership.office,
        },
    )
    db.session.delete(membership)
    db.session.flush()
    policies.forget_memberships()


def get_membership(association: Association, membership_id: int) -> Membership:
    """Return a membership of this association or raise NotFound."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.association_id != association.id:
        raise NotFound(_("No such role."))
    return membership
