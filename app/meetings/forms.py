"""The meeting pages' forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import Form, choices

KINDS = [
    ("board", _l("Regular board meeting")),
    ("special_board", _l("Special board meeting")),
    ("executive", _l("Executive session only")),
    ("annual", _l("Annual meeting of the members")),
    ("special", _l("Special meeting of the members")),
]
ITEM_KINDS = [
    ("action", _l("Action")),
    ("report", _l("Report")),
    ("special_assessment", _l("Special assessment")),
    ("use_rule", _l("Rule change (use of parcels)")),
]
ADDED_UNDER = [
    ("", _l("— on the agenda in time —")),
    ("emergency", _l("Emergency (Civil Code 4930(d)(1))")),
    ("arose_after_agenda", _l("Arose after the agenda was posted (4930(d)(2))")),
    ("continued", _l("Continued from a meeting within 30 days (4930(d)(3))")),
]


class MeetingForm(Form):
    """Schedule a meeting."""

    kind = SelectField(_l("Kind of meeting"), choices=choices(KINDS))
    starts_at = DateTimeLocalField(
        _l("Starts at (local time)"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()]
    )
    location = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    video_url = StringField(_l("Video link"), validators=[Optional(), Length(max=500)])
    purpose = TextAreaField(_l("Purpose"), validators=[Optional(), Length(max=2000)])
    emergency = BooleanField(_l("Emergency meeting"))
    emergency_reason = TextAreaField(
        _l("Why it cannot wait"), validators=[Optional(), Length(max=2000)]
    )
    called_by = SelectField(_l("Called by"), choices=[], validators=[Optional()])
    called_by_second = SelectField(_l("and"), choices=[], validators=[Optional()])
    submit = SubmitField(_l("Schedule and send the notice"))


class AgendaItemForm(Form):
    """Add an item to the agenda."""

    title = StringField(_l("Item"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=choices(ITEM_KINDS))
    executive_topic = SelectField(_l("Executive topic"), choices=[], validators=[Optional()])
    added_under = SelectField(_l("Added after the notice under"), choices=choices(ADDED_UNDER))
    approval_id = HiddenField()
    submit = SubmitField(_l("Add to the agenda"))


class CancelForm(Form):
    """Cancel a meeting, telling owners why."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Cancel the meeting and tell the owners"))


class SubmitToBoardForm(Form):
    """Put a request decided at a meeting on a meeting's agenda."""

    meeting_id = SelectField(_l("Meeting"), choices=[], validators=[DataRequired()])
    submit = SubmitField(_l("Put it on this meeting's agenda"))


class MinutesForm(Form):
    """Write the minutes (Markdown), starting from the draft the record gives."""

    body = TextAreaField(_l("Minutes (Markdown)"), validators=[DataRequired(), Length(max=100_000)])
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save the minutes"))


class EmergencyForm(Form):
    """A CA emergency: the request is decided online by every director's written consent."""

    # The service names the statute when the reason is missing (Civil Code 4923).
    reason = TextAreaField(_l("The emergency"), validators=[Length(max=2000)])
    called_by = SelectMultipleField(
        _l("Called by"),
        choices=[],
        coerce=str,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,  # the service checks who may call it
    )
    submit = SubmitField(_l("Ask every director's written consent"))
