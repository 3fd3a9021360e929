"""Association, unit and people forms."""

import json
import unicodedata
from collections import Counter

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange, Optional

from app.associations.states import STATE_TIME_ZONES, US_STATES
from app.auth.models import OFFICE_WORDS
from app.core import clock, formatting
from app.core.forms import ConfirmForm, Form, choices  # noqa: F401 - ConfirmForm used by views

MONTHS = [
    (1, _l("January")),
    (2, _l("February")),
    (3, _l("March")),
    (4, _l("April")),
    (5, _l("May")),
    (6, _l("June")),
    (7, _l("July")),
    (8, _l("August")),
    (9, _l("September")),
    (10, _l("October")),
    (11, _l("November")),
    (12, _l("December")),
]
PROFILES = [
    ("", _l("From the state")),
    ("default", _l("Default")),
    ("CA", _l("California (Civil Code 5850, 5855)")),
    ("TX", _l("Texas (Property Code 209.006, 209.007)")),
    ("FL", _l("Florida (Statutes 720.305)")),
]


def profile_label(code: str | None) -> str:
    """Return a compliance profile in words ("California (Civil Code 5850, 5855)")."""
    return str(dict(PROFILES[1:]).get(code or "", code or ""))


ROLES = [
    ("owner", _l("Owner")),
    ("board", _l("Board member")),
    ("manager", _l("Manager")),
    ("committee", _l("Fining committee member")),
    ("arc", _l("Architectural committee member")),
]
OFFICES = [("", _l("— (not a board member)")), *OFFICE_WORDS.items()]


def time_zone_choices() -> dict:
    """Return the time zones for a picker: the states' zones first, then every other; each
    named in the reader's words (its identifier is the option's value), the identifier
    added to an old alias (US/Pacific reads as America/Los_Angeles does) and where two
    zones read the same."""
    ours = sorted(set(STATE_TIME_ZONES.values()))
    others = [z for z in clock.time_zone_choices() if z not in ours]
    names = {z: formatting.time_zone_name(z) for z in (*ours, *others)}
    aliases = formatting.time_zone_aliases()
    seen = Counter(name for z, name in names.items() if z not in aliases)

    def label(zone: str) -> str:
        plain = zone not in aliases and seen[names[zone]] == 1
        return names[zone] if plain else f"{names[zone]} · {zone}"

    return {
        _l("From the state"): choices([("", _l("The state's main time zone"))]),
        _l("United States"): choices(sorted(((z, label(z)) for z in ours), key=_by_label)),
        _l("Everywhere else"): choices(sorted(((z, label(z)) for z in others), key=_by_label)),
    }


def _by_label(choice: tuple[str, str]) -> str:
    # Alphabetical whatever the accents and the case (hora de, Ora, Órbita …).
    decomposed = unicodedata.normalize("NFKD", choice[1].casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class AssociationForm(Form):
    """An association's settings."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    state = SelectField(
        _l("State"),
        choices=choices((s, s) for s in US_STATES),
        default="CA",
        # app.js proposes the state's time zone when the state changes (no inline script).
        render_kw={"data-time-zones": json.dumps(STATE_TIME_ZONES, separators=(",", ":"))},
    )
    fiscal_year_start_month = SelectField(
        _l("Fiscal year starts in"), choices=choices(MONTHS), coerce=int, default=1
    )
    compliance_profile = SelectField(
        _l("Compliance profile"), choices=choices(PROFILES), default=""
    )
    time_zone = SelectField(
        _l("Time zone"),
        default="",
        description=_l("Proposed from the state; dates and deadlines are counted in it."),
        render_kw={"data-follows-state": "state"},
    )
    budget_notice_min_days = IntegerField(
        _l("Budget must reach owners at least (days before the fiscal year)"),
        validators=[Optional(), NumberRange(min=0, max=365)],
        description=_l("California: 30. Leave empty when no rule applies."),
    )
    budget_notice_max_days = IntegerField(
        _l("…and at most (days before the fiscal year)"),
        validators=[Optional(), NumberRange(min=0, max=365)],
        description=_l("California: 90."),
    )
    letterhead_address = TextAreaField(
        _l("Letterhead address"),
        description=_l("Printed at the top of letters and reports."),
        validators=[Optional(), Length(max=1000)],
    )
    office_phone = StringField(_l("Office phone"), validators=[Optional(), Length(max=40)])
    office_email = StringField(_l("Office e-mail"), validators=[Optional(), Length(max=254)])
    portal_url = StringField(
        _l("Owner portal address"),
        validators=[Optional(), Length(max=300)],
        description=_l("Printed on paper notices, e.g. https://portal.example.com."),
    )
    fine_due_days = IntegerField(
        _l("A fine is due (days after its notice)"),
        validators=[Optional(), NumberRange(min=1, max=365)],
        default=30,
    )
    fine_payment_instructions = TextAreaField(
        _l("How to pay a fine"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Printed on every notice of fine, e.g. checks to the association at the office "
            "address, or online in the owner portal."
        ),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = time_zone_choices()


class UnitForm(Form):
    """A unit's label, addresses, type and share."""

    label = StringField(
        _l("Label"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("How the unit is known, e.g. 12B or Lot 7."),
    )
    street_address = StringField(_l("Street address"), validators=[DataRequired(), Length(max=300)])
    mailing_address = TextAreaField(
        _l("Mailing address"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Only when the owner lives elsewhere; letters go here."),
    )
    unit_type = StringField(
        _l("Unit type"),
        validators=[Optional(), Length(max=40)],
        default="standard",
        description=_l("A short name such as townhome or single-family."),
    )
    allocation_share = StringField(
        _l("Allocation share"),
        validators=[Optional(), Length(max=20)],
        description=_l("Leave empty when every unit pays an equal share."),
    )
    submit = SubmitField(_l("Save unit"))


class PersonForm(Form):
    """Give a person (new or existing) a role in the association."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Used when the person has no account yet."),
    )
    role = SelectField(_l("Role"), choices=choices(ROLES), default="owner")
    unit_id = SelectField(
        _l("Unit (owners)"), coerce=lambda v: int(v) if v else None, validate_choice=False
    )
    office = SelectField(_l("Office (board members)"), choices=choices(OFFICES), default="")
    submit = SubmitField(_l("Add"))


class AcceptInvitationForm(Form):
    """Accept or decline an invitation; a new account chooses its password at once."""

    password = PasswordField(
        _l("Choose a password"), validators=[DataRequired(), Length(min=8, max=200)]
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Accept"))
    decline = SubmitField(_l("Decline"))

    def validate(self, extra_validators=None) -> bool:
        if self.decline.data:  # declining needs no password
            return bool(self.csrf_token.validate(self)) if hasattr(self, "csrf_token") else True
        return super().validate(extra_validators)


class UnitsFileForm(Form):
    """Choose the CSV file of units and owners to preview."""

    file = FileField(_l("CSV file of units and owners"), validators=[FileRequired()])
    preview = SubmitField(_l("Preview the import"))


class ConfirmUnitsImportForm(Form):
    """Import the previewed file: its text travels with the form and is checked again."""

    csv_text = TextAreaField(validators=[DataRequired()], render_kw={"hidden": True})
    confirm = SubmitField(_l("Import these units and owners"))
