"""The preferences form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import Length

from app.core.forms import Form, choices

LANGUAGE_NAMES = [
    ("en", "English"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("da", "Dansk"),
    ("ru", "Русский"),
]
DELIVERY_CHOICES = [
    ("mail", _l("By mail, on paper")),
    ("email", _l("By e-mail")),
    ("both", _l("By e-mail and by mail")),
]


class PreferencesForm(Form):
    """How a person wants to hear from their association."""

    language = SelectField(_l("Language"), choices=choices(LANGUAGE_NAMES))
    delivery = RadioField(_l("Send me notices and letters"), choices=choices(DELIVERY_CHOICES))
    general_by_mail = BooleanField(
        _l("Also mail me general notices (meeting notices, announcements) on paper")
    )
    secondary_address = TextAreaField(
        _l("A second address for copies (e-mail or postal; optional)"),
        validators=[Length(max=500)],
    )
    legal_representative = TextAreaField(
        _l("Someone to contact if you are away for a long time (name, address, e-mail; optional)"),
        validators=[Length(max=500)],
    )
    save = SubmitField(_l("Save preferences"))
