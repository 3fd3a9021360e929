"""Personal links in e-mail: signed per recipient, so that following one counts as reading
and nobody can forge another person's read."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.core.links import base_url, external_url

_SALT = "delivery.read-link"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def read_token(subject_type: str, subject_id: int, user_id: int) -> str:
    """Return the signed token naming one recipient's copy of a subject."""
    return _serializer().dumps([subject_type, subject_id, user_id])


def parse_read_token(token: str) -> tuple[str, int, int] | None:
    """Return (subject type, id, user id) from a token, or None when it is not ours."""
    try:
        subject_type, subject_id, user_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(subject_type, str) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in (subject_id, user_id)
    ):
        return None
    return subject_type, subject_id, user_id


class LinkMaker:
    """Builds the links of many e-mails at once (one request context for all of them)."""

    def __init__(self):
        self.base = base_url()
        placeholder = external_url(self.base, "delivery.read_link", token="-")  # noqa: S106
        self.read_prefix = placeholder.rsplit("/", 1)[0]
        self.preferences = external_url(self.base, "delivery.preferences")

    def read_link(self, subject_type: str, subject_id: int, user_id: int) -> str:
        """Return one recipient's personal link."""
        return f"{self.read_prefix}/{read_token(subject_type, subject_id, user_id)}"

    def unsubscribe_header(self) -> dict[str, str]:
        """Return the List-Unsubscribe header: the page where mail preferences change."""
        return {"List-Unsubscribe": f"<{self.preferences}>"}
