"""A person's delivery preferences, and the personal link of a notice's e-mail."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core import i18n
from app.core.errors import DomainError, ValidationError
from app.core.forms import apply_errors
from app.core.inputs import text_problem
from app.core.links import local_path
from app.core.pages import actor
from app.delivery import links
from app.delivery.forms import PreferencesForm
from app.delivery.preferences import preferences_dict, set_preferences
from app.delivery.reads import mark_read
from app.delivery.subjects import kind_of
from app.extensions import db

bp = Blueprint("delivery", __name__)


@bp.route("/account/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """Choose the language, how notices come, general notices on paper, a second address."""
    user = actor()
    current = preferences_dict(user)
    form = PreferencesForm(data=current if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            set_preferences(
                user,
                language=form.language.data,
                delivery=form.delivery.data,
                general_by_mail=bool(form.general_by_mail.data),
                secondary_address=form.secondary_address.data or "",
                legal_representative=form.legal_representative.data or "",
                confirm=True,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Your preferences are saved."), "success")
            response = redirect(url_for("delivery.preferences"))
            if form.language.data in i18n.available():
                i18n.set_cookie(response, form.language.data)  # kept after signing out
            return response
    return render_template(
        "delivery/preferences.html",
        form=form,
        current=current,
        offered=i18n.available(),
    )


@bp.route("/language", methods=["POST"])
def set_language():
    """The language switcher at the foot of every page: remember the choice on this browser
    and, for a signed-in person, as their preference (audited with their other preferences)."""
    language = request.form.get("language", "")
    if language not in i18n.available():
        raise ValidationError(
            {
                "language": [
                    _(
                        "Choose one of: %(languages)s.",
                        languages=", ".join(i18n.available()),
                    )
                ]
            }
        )
    if current_user.is_authenticated:
        set_preferences(actor(), language=language)
        db.session.commit()
    target = request.form.get("next", "")
    back = None if text_problem(target) else local_path(target)
    response = redirect(back or url_for("home.index"))
    i18n.set_cookie(response, language)
    return response


@bp.route("/r/<token>")
def read_link(token: str):
    """The personal link of an e-mail: counts as read, then opens the subject."""
    parsed = links.parse_read_token(token)
    if parsed is None:
        abort(404)
    subject_type, subject_id, user_id = parsed
    kind = kind_of(subject_type)
    from app.delivery.models import Delivery

    row = db.session.scalar(
        db.select(Delivery)
        .where(
            Delivery.subject_type == subject_type,
            Delivery.subject_id == subject_id,
            Delivery.user_id == user_id,
        )
        .limit(1)
    )
    if kind is None or row is None:
        abort(404)
    mark_read(subject_type, subject_id, user_id, association_id=row.association_id, via="link")
    db.session.commit()
    return redirect(kind.open_url(subject_id))
