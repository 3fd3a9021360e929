"""Outgoing mail through the configured backend: SMTP, the log, or memory (tests)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session


def send_mail(
    to: str, subject: str, body: str, attachments: list[tuple[str, str, bytes]] | None = None
) -> None:
    """Send a plain-text message to one address, with (filename, mime type, bytes) files."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    for filename, mime, data in attachments or []:
        maintype, subtype = mime.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    backend = config["MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions.setdefault("mail_outbox", []).append(message)
    elif backend == "log":
        current_app.logger.warning(
            "Mail (not sent, MAIL_BACKEND=log)\nTo: %s\nSubject: %s\n\n%s", to, subject, body
        )
    else:
        _send_smtp(message)


def outbox() -> list[EmailMessage]:
    """Return the messages kept by the memory backend."""
    return current_app.extensions.setdefault("mail_outbox", [])


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    factory = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with factory(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


# --- mail that leaves only once the transaction that caused it commits -------------------

_QUEUE_KEY = "outgoing_mail"


def send_after_commit(
    to: str, subject: str, body: str, attachments: list[tuple[str, str, bytes]] | None = None
) -> None:
    """Queue a message on the current transaction; it is sent only if that commits."""
    from app.extensions import db

    db.session.info.setdefault(_QUEUE_KEY, []).append((to, subject, body, attachments))


@event.listens_for(Session, "after_commit")
def _send_queued(session: Session) -> None:
    queued = session.info.pop(_QUEUE_KEY, [])
    for to, subject, body, attachments in queued:
        try:
            send_mail(to, subject, body, attachments)
        except OSError:  # a mail server outage must not undo a committed decision
            current_app.logger.exception("Could not send mail to %s", to)


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued(session: Session, previous_transaction) -> None:
    session.info.pop(_QUEUE_KEY, None)
