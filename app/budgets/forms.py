"""Budget forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.forms import Form


class NewBudgetForm(Form):
    """Start a budget for a fiscal year."""

    fiscal_year = IntegerField(
        _l("Fiscal year"),
        validators=[DataRequired(), NumberRange(min=1900, max=2200)],
        description=_l("Named for the calendar year in which it ends."),
    )
    submit = SubmitField(_l("Start the budget"))


class LinesForm(Form):
    """The editable table of lines; rows are read from the request by name."""

    submit = SubmitField(_l("Save lines"))


class CsvUploadForm(Form):
    """Upload a CSV file."""

    file = FileField(_l("CSV file"), validators=[FileRequired()])
    submit = SubmitField(_l("Import"))


class CostCenterForm(Form):
    """Add a cost centre."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    unit_types = StringField(
        _l("Unit types it covers"),
        validators=[Optional(), Length(max=400)],
        description=_l("Comma-separated, e.g. townhome. Empty: all units."),
    )
    submit = SubmitField(_l("Add cost centre"))
