"""Helpers for notice and document tests: preferences, a small PDF, mail in the outbox."""

from __future__ import annotations

from app.delivery import services as delivery
from app.extensions import db


def prefer(app, user, **choices) -> None:
    """Save a person's delivery preferences (as if they chose them)."""
    with app.app_context():
        person = db.session.get(type(user), user.id)
        delivery.set_preferences(person, **choices)
        db.session.commit()


def pdf_bytes(text: str = "Declaration of covenants") -> bytes:
    """Return a clean one-page PDF (rendered by WeasyPrint)."""
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


def mail_to(app, address: str):
    """Return the messages the memory backend was handed for one address."""
    return [m for m in app.extensions.get("mail_outbox", []) if m["To"] == address]
