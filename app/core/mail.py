"""Transmitting one e-mail through the configured backend: SMTP, the log, or memory (tests).

Nothing here is called inside a request: messages are queued in the outbox
(``core.outbox``) and the job runner hands them to ``transmit``.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def build_message(
    to: str,
    subject: str,
    body: str,
    attachments: list[tuple[str, str, bytes]] | None = None,
    *,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """Return a message to one address: plain text, with an HTML alternative when given,
    extra headers (``List-Unsubscribe``) and (filename, mime type, bytes) files."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, mime, data in attachments or []:
        maintype, subtype = mime.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def transmit(message: EmailMessage) -> None:
    """Hand a message to the backend; raise when it was not accepted.

    The memory backend (tests) and the log backend (development) count as transmitted the
    moment the message is handed over.
    """
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions.setdefault("mail_outbox", []).append(message)
    elif backend == "log":
        current_app.logger.warning(
            "Mail (not sent, MAIL_BACKEND=log)\nTo: %s\nSubject: %s\n\n%s",
            message["To"],
            message["Subject"],
            message.get_body(("plain",)).get_content()
            if message.is_multipart()
            else message.get_content(),
        )
    else:
        _send_smtp(message)


def outbox() -> list[EmailMessage]:
    """Return the messages the memory backend was handed (tests)."""
    return current_app.extensions.setdefault("mail_outbox", [])


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    factory = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    # The timeout bounds every step (connect, greeting, each command): a server that accepts
    # and never answers costs one attempt of MAIL_TIMEOUT seconds, in the job runner.
    with factory(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
