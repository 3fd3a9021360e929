"""The notice form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import Form, choices
from app.delivery.forms import LANGUAGE_NAMES

AUDIENCES = [
    ("owners", _l("All owners")),
    ("board", _l("The board")),
    ("all", _l("Owners and the board")),
    ("units", _l("The owners of chosen units")),
]
DELIVERIES = [
    (
        "general",
        _l(
            "General notice (announcements, meeting notices): portal, e-mail for "
            "those who chose it, paper for those who asked for general notices on paper"
        ),
    ),
    (
        "individual",
        _l(
            "Individual notice: portal, and each person's own choice of e-mail "
            "and/or paper (paper when they made no choice)"
        ),
    ),
]
WHEN = [("now", _l("Publish now")), ("later", _l("Publish at a set time"))]


class NoticeForm(Form):
    """Write a notice."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("Text (Markdown: **bold**, *italic*, lists with -, links as [text](https://…))"),
        validators=[DataRequired()],
    )
    audience = RadioField(_l("Who receives it"), choices=choices(AUDIENCES), default="owners")
    unit_ids = SelectMultipleField(_l("Units"), coerce=int, validators=[Optional()])
    delivery = RadioField(_l("Delivery"), choices=choices(DELIVERIES), default="general")
    when = RadioField(_l("When"), choices=choices(WHEN), default="now")
    publish_at = DateTimeLocalField(
        _l("Publish at (association time)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    confirmed = HiddenField(default="")
    review = SubmitField(_l("Review before publishing"))
    publish = SubmitField(_l("Publish"))
    edit = SubmitField(_l("Back to editing"))

    def versions(self, own: str) -> list[tuple[str, str, object, object]]:
        """Return (language, its name, title field, text field) for each language other than
        the notice's own: its versions for the owners who read those languages."""
        return [
            (code, name, self[f"title_{code}"], self[f"body_{code}"])
            for code, name in LANGUAGE_NAMES
            if code != own
        ]

    def translations(self, own: str) -> dict[str, dict[str, str]]:
        """Return the versions typed, as the service takes them."""
        return {
            code: {"title": title.data or "", "body": body.data or ""}
            for code, _name, title, body in self.versions(own)
        }


for _code, _name in LANGUAGE_NAMES:
    setattr(
        NoticeForm,
        f"title_{_code}",
        StringField(
            _l("Title in %(language)s", language=_name),
            validators=[Optional(), Length(max=200)],
        ),
    )
    setattr(
        NoticeForm,
        f"body_{_code}",
        TextAreaField(_l("Text in %(language)s", language=_name), validators=[Optional()]),
    )


def translation_field(key: str) -> str | None:
    """Return the form field a service error key names: translations.es.title → title_es."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "translations" and parts[2] in ("title", "body"):
        return f"{parts[2]}_{parts[1]}"
    return None


class AnnualAnswerForm(Form):
    """The owner's answer to the annual request (fields added per unit by the view)."""

    submit = SubmitField(_l("Send my answer"))
