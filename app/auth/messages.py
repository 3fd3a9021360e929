"""Mail to a person about their account: links to choose a password."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from app.auth import services
from app.auth.models import User
from app.core import i18n, jobs
from app.core.links import base_url, external_url
from app.core.outbox import queue_mail


def send_reset_link(user: User, *, welcome: bool = False, base: str | None = None) -> None:
    """Queue a mail to the person with a link to choose a password (sent after commit), in
    their language."""
    with i18n.in_language(user.language):
        _send_reset_link(user, welcome=welcome, base=base)


def _send_reset_link(user: User, *, welcome: bool, base: str | None) -> None:
    token = services.make_reset_token(user)
    link = external_url(base or base_url(), "auth.reset_password", token=token)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    if welcome:
        subject = _("Your HOA Manager account")
        intro = _("An account has been created for you. Choose your password here:")
    else:
        subject = _("Reset your HOA Manager password")
        intro = _(
            "Someone asked to reset the password of this account. If it was you, "
            "choose a new password here:"
        )
    body = "\n\n".join(
        [
            _("Hello %(name)s,", name=user.name),
            intro,
            link,
            _(
                "The link works once and expires in %(hours)d hours. If you did not ask for it, "
                "ignore this message.",
                hours=hours,
            ),
        ]
    )
    queue_mail(user.email, subject, body, topic="auth.password", sensitive=True)


@jobs.job("auth.send_reset_link", max_attempts=3)
def send_reset_link_to(email: str, base: str) -> None:
    """Mail a reset link if an active account uses the address; nothing otherwise."""
    user = services.find_user_by_email(email)
    if user is not None and user.active:
        send_reset_link(user, base=base)
