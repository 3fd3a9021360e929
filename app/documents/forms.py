"""The upload form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.core.forms import Form, choices

CATEGORIES = [
    ("ccrs", _l("CC&Rs (declaration)")),
    ("bylaws", _l("Bylaws")),
    ("rules", _l("Rules")),
    ("policy", _l("Policies")),
    ("financial", _l("Financial")),
    ("insurance", _l("Insurance")),
    ("other", _l("Other")),
]
VISIBILITY = [("owners", _l("Owners and the board")), ("board", _l("The board only"))]


class DocumentForm(Form):
    """Upload a document or a new version of one."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Kind"), choices=choices(CATEGORIES))
    visibility = SelectField(_l("Who sees it"), choices=choices(VISIBILITY))
    file = FileField(_l("PDF file"))
    replaces_id = HiddenField()
    submit = SubmitField(_l("Upload"))
