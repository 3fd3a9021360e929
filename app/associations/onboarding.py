"""Onboarding: units and their owners imported from one CSV file.

The file has the header ``label,street_address,unit_type,allocation_share,owner_names,
owner_emails,mailing_address`` (the last five may be empty); a unit with several owners
lists their names and e-mail addresses separated by ``;``, in the same order. ``plan``
reads and checks the whole file without writing anything: the preview, with every error by
line. ``import_units`` imports it only when no line has an error, in one transaction. Each
owner is given the role through the invitation mechanism (``invitations.add_member``): a
person the manager already knows becomes owner at once, anyone else is invited and becomes
owner on accepting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations import invitations, units
from app.associations.models import Association, Invitation, Unit
from app.auth.services import normalize_email, person_errors
from app.core import audit
from app.core.csvrows import read_rows
from app.core.errors import ValidationError
from app.extensions import db

COLUMNS = (
    "label",
    "street_address",
    "unit_type",
    "allocation_share",
    "owner_names",
    "owner_emails",
    "mailing_address",
)
REQUIRED = ("label", "street_address")
MAX_ROWS = 5000
SAMPLE = (
    "label,street_address,unit_type,allocation_share,owner_names,owner_emails,mailing_address\n"
    '12B,12 Oak Lane,townhome,1.25,Ana Lopez;Ben Lopez,ana@example.com;ben@example.com,""\n'
    '14,14 Oak Lane,single-family,,Chris Young,chris@example.com,"PO Box 9, Reno, NV 89501"\n'
)


@dataclass(frozen=True)
class PlannedOwner:
    """An owner the file names for a unit."""

    name: str
    email: str


@dataclass
class PlannedUnit:
    """A unit the file would add, with its owners."""

    line: int
    values: dict
    owners: list[PlannedOwner] = field(default_factory=list)


@dataclass
class Plan:
    """What importing the file would do, or every reason it cannot."""

    units: list[PlannedUnit]
    errors: list[str]

    @property
    def owner_count(self) -> int:
        """Return how many owner roles the file gives."""
        return sum(len(u.owners) for u in self.units)


@dataclass(frozen=True)
class Result:
    """What an import did."""

    units: int
    owners_added: int
    invited: int


def _line_error(number: int, field_name: str, message: str) -> str:
    return _("Line %(n)d: %(field)s: %(message)s", n=number, field=field_name, message=message)


def _owners(number: int, row: dict, errors: list[str]) -> list[PlannedOwner]:
    names = (
        [n.strip() for n in row.get("owner_names", "").split(";")] if row.get("owner_names") else []
    )
    emails = (
        [normalize_email(e) for e in row.get("owner_emails", "").split(";")]
        if row.get("owner_emails")
        else []
    )
    if len(names) != len(emails):
        errors.append(
            _line_error(
                number,
                "owner_emails",
                _(
                    "%(names)d owner names but %(emails)d e-mail addresses; give one address "
                    "per name, separated by “;”.",
                    names=len(names),
                    emails=len(emails),
                ),
            )
        )
        return []
    owners, seen = [], set()
    for name, email in zip(names, emails, strict=True):
        problems = person_errors(name, email)
        for key, messages in problems.items():
            column = "owner_names" if key == "name" else "owner_emails"
            errors.extend(_line_error(number, column, f"{m} ({email or name})") for m in messages)
        if problems:
            continue
        if email in seen:
            errors.append(
                _line_error(number, "owner_emails", _("%(email)s is listed twice.", email=email))
            )
            continue
        seen.add(email)
        owners.append(PlannedOwner(name, email))
    return owners


def plan(association: Association, text: str) -> Plan:
    """Read and check a whole file; write nothing. Every error names its line and column."""
    rows = read_rows(text, REQUIRED)
    errors: list[str] = []
    if not rows:
        errors.append(_("The file has no units."))
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            "file", _("A file holds at most %(n)d units; split it in parts.", n=MAX_ROWS)
        )
    existing = set(
        db.session.scalars(select(Unit.label).where(Unit.association_id == association.id))
    )
    labels: dict[str, int] = {}
    planned = []
    for number, row in rows:
        try:
            values = units.unit_values(
                row.get("label"),
                row.get("street_address"),
                row.get("mailing_address"),
                row.get("unit_type"),
                row.get("allocation_share"),
            )
        except ValidationError as error:
            for key, messages in error.errors.items():
                errors.extend(_line_error(number, key, m) for m in messages)
            _owners(number, row, errors)
            continue
        label = values["label"]
        if label in existing:
            errors.append(
                _line_error(number, "label", _("Unit %(label)s already exists.", label=label))
            )
        elif label in labels:
            errors.append(
                _line_error(
                    number,
                    "label",
                    _("Unit %(label)s is on line %(n)d already.", label=label, n=labels[label]),
                )
            )
        labels.setdefault(label, number)
        planned.append(PlannedUnit(number, values, _owners(number, row, errors)))
    return Plan(planned, errors)


def import_units(association: Association, text: str, *, actor) -> Result:
    """Import the file's units and give their owners the role (or invite them); nothing at
    all when any line has an error."""
    result = plan(association, text)
    if result.errors:
        raise ValidationError({"file": result.errors})
    added = invited = 0
    for planned in result.units:
        unit = units.create_unit(association, actor=actor, **planned.values)
        for owner in planned.owners:
            outcome = invitations.add_member(
                association,
                actor=actor,
                role="owner",
                unit_id=unit.id,
                email=owner.email,
                name=owner.name,
            )
            if isinstance(outcome, Invitation):
                invited += 1
            else:
                added += 1
    audit.record(
        "units.imported",
        actor=actor,
        association_id=association.id,
        subject_type="association",
        subject_id=association.id,
        summary=_(
            "Imported %(units)d units from a file: %(added)d owners given their role, "
            "%(invited)d invited",
            units=len(result.units),
            added=added,
            invited=invited,
        ),
        data={"units": len(result.units), "owners_added": added, "invited": invited},
    )
    return Result(len(result.units), added, invited)
