"""The thresholds form."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import Optional, Regexp

from app.core.forms import Form

FRACTION = Regexp(
    r"^\s*\d{1,3}\s*/\s*\d{1,3}\s*$",
    message=_l("Write a fraction such as 2/3, or leave empty for a majority."),
)
HELP = _l("Empty: a majority of the eligible members (more than half).")


class ThresholdsForm(Form):
    """The fraction of eligible board members each kind of decision needs."""

    budget = StringField(_l("Budgets"), validators=[Optional(), FRACTION], description=HELP)
    contract = StringField(_l("Contracts"), validators=[Optional(), FRACTION], description=HELP)
    fine = StringField(_l("Fines"), validators=[Optional(), FRACTION], description=HELP)
    minutes = StringField(_l("Minutes"), validators=[Optional(), FRACTION], description=HELP)
    arc_request = StringField(
        _l("Architectural decisions"), validators=[Optional(), FRACTION], description=HELP
    )
    arc_appeal = StringField(
        _l("Architectural appeals"), validators=[Optional(), FRACTION], description=HELP
    )
    submit = SubmitField(_l("Save thresholds"))

    def fraction(self, kind: str) -> tuple[int | None, int | None]:
        """Return (numerator, denominator) entered for a kind, or (None, None)."""
        raw = (self[kind].data or "").replace(" ", "")
        if not raw:
            return None, None
        numerator, denominator = raw.split("/")
        return int(numerator), int(denominator)
