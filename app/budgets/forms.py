"""Budget forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.forms import Form, choices


class YearField(IntegerField):
    """A year; what is not a number is refused with the field's own words."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(_l("Fiscal year: enter the year, such as 2027."))) from exc


class NewBudgetForm(Form):
    """Start a budget for a fiscal year."""

    fiscal_year = YearField(
        _l("Fiscal year"),
        validators=[
            InputRequired(_l("Fiscal year: enter the year, such as 2027.")),
            NumberRange(min=1900, max=2200, message=_l("Fiscal year: enter a year such as 2027.")),
        ],
        description=_l("Named for the calendar year in which it ends."),
    )
    submit = SubmitField(_l("Start the budget"))


class LinesForm(Form):
    """The editable table of lines; rows are read from the request by name."""

    submit = SubmitField(_l("Save lines"))


class CsvUploadForm(Form):
    """Upload a CSV file."""

    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])
    submit = SubmitField(_l("Import"))


MODE_CHOICES = [
    ("replace", _l("Replace the lines: the file becomes the budget's lines")),
    ("append", _l("Append: add the file's lines to those the budget has")),
]


class LinesImportForm(Form):
    """Choose a CSV file of lines and how it meets the budget's lines; a preview follows."""

    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])
    mode = RadioField(
        _l("What the file does"),
        choices=choices(MODE_CHOICES),
        validators=[InputRequired(_l("Choose replace or append."))],
    )
    submit = SubmitField(_l("Preview the import"))


class ConfirmLinesImportForm(Form):
    """Import the previewed file: its text travels with the form and is checked again."""

    csv_text = TextAreaField(validators=[DataRequired()], render_kw={"hidden": True})
    mode = HiddenField(validators=[DataRequired()])
    digest = HiddenField(validators=[DataRequired()])
    confirm = SubmitField(_l("Import these lines"))


class SubmitBudgetForm(Form):
    """Confirm putting the budget to the board, with the check's warnings in view."""

    confirmed = HiddenField()
    digest = HiddenField()  # the lines the check looked at
    submit = SubmitField(_l("Submit to the board"))


class CostCenterForm(Form):
    """Add a cost centre."""

    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Name: enter the cost centre's name.")),
            Length(max=100, message=_l("Name: use at most %(max)d characters.")),
        ],
    )
    unit_types = StringField(
        _l("Unit types it covers"),
        validators=[
            Optional(),
            Length(max=400, message=_l("Unit types: use at most %(max)d characters.")),
        ],
        description=_l("Comma-separated, e.g. townhome. Empty: all units."),
    )
    submit = SubmitField(_l("Add cost centre"))
