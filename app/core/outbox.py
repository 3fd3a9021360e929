"""The outbox: the one way mail leaves the application.

``queue_mail`` writes an outgoing message in the current transaction, so a message exists
exactly when the work that caused it commits, and a job of the runner sends it afterwards,
never inside a request. Each try is recorded (``MessageAttempt``); a failed try is retried
with a growing delay; after the last one the message is ``failed`` and the association's
managers see it on its mail page, where they can send it again.

A message's ``status``, ``sent_at`` (the moment of transmission) and ``failed_at`` are what
others build on: a record elsewhere that points at a message (a certificate reminder, a
notice's delivery to one person) learns its outcome from it, and a feature may register
``on_outcome(topic)`` to be told in the same transaction that records the outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    select,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.core import audit, clock, jobs, mail
from app.core.errors import InvalidTransition
from app.core.types import UTCDateTime
from app.extensions import db

QUEUED, SENT, FAILED = "queued", "sent", "failed"
# How long to wait after the 1st, 2nd, … failed try: about two and a half hours in all.
MAIL_BACKOFF = (60, 300, 900, 3600, 4800)
MAIL_ATTEMPTS = len(MAIL_BACKOFF) + 1


class OutgoingMessage(db.Model):
    """One e-mail to one address: what it says, and whether it was transmitted."""

    __tablename__ = "outgoing_messages"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sent', 'failed')", name="status"),
        CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_at"),
        CheckConstraint("(status = 'failed') = (failed_at IS NOT NULL)", name="failed_at"),
        Index("ix_outgoing_messages_association_status", "association_id", "status"),
        Index("ix_outgoing_messages_topic", "topic", "topic_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The association whose managers see it on their mail page (none: account mail).
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE")
    )
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(Text, info={"unbounded": True})
    body: Mapped[str] = deferred(mapped_column(Text, nullable=False, info={"unbounded": True}))
    # The HTML alternative of a multipart message (none: plain text only), and extra
    # headers such as List-Unsubscribe.
    html: Mapped[str | None] = deferred(mapped_column(Text, info={"unbounded": True}))
    headers: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    # What the message is about, for the records that wait for it: ("vendors.reminder", 12).
    topic: Mapped[str] = mapped_column(String(60), default="")
    topic_id: Mapped[int | None] = mapped_column(Integer)
    # A message carrying a secret (a link to set a password): its body is shown to nobody
    # and erased once it is transmitted.
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="", info={"unbounded": True})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attachments: Mapped[list[MessageAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="MessageAttachment.id"
    )
    tries: Mapped[list[MessageAttempt]] = relationship(
        cascade="all, delete-orphan", order_by="MessageAttempt.id", back_populates="message"
    )


class MessageAttachment(db.Model):
    """A file sent with a message."""

    __tablename__ = "outgoing_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outgoing_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))


class MessageAttempt(db.Model):
    """One try at transmitting a message, and how it ended."""

    __tablename__ = "outgoing_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outgoing_messages.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str] = mapped_column(Text, default="", info={"unbounded": True})

    message: Mapped[OutgoingMessage] = relationship(back_populates="tries")


_HOOKS: dict[str, list[Callable[[OutgoingMessage], None]]] = {}


def on_outcome(topic: str):
    """Register ``function(message)`` to run when a message of this topic is transmitted or
    given up, in the transaction that records it."""

    def decorate(function: Callable[[OutgoingMessage], None]):
        _HOOKS.setdefault(topic, []).append(function)
        return function

    return decorate


def queue_mail(
    to: str,
    subject: str,
    body: str,
    attachments: list[tuple[str, str, bytes]] | None = None,
    *,
    association_id: int | None = None,
    topic: str = "",
    topic_id: int | None = None,
    sensitive: bool = False,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> OutgoingMessage:
    """Queue a message on the current transaction; it is sent once that commits.

    A rolled-back transaction sends nothing.
    """
    message = OutgoingMessage(
        association_id=association_id,
        to_address=to,
        subject=subject,
        body=body,
        html=html,
        headers=dict(headers or {}),
        topic=topic,
        topic_id=topic_id,
        sensitive=sensitive,
        status=QUEUED,
        attempts=0,
        last_error="",
        created_at=clock.now(),
    )
    for filename, mime, data in attachments or []:
        message.attachments.append(MessageAttachment(filename=filename, mime_type=mime, data=data))
    db.session.add(message)
    db.session.flush()
    jobs.enqueue("core.send_mail", message.id)
    return message


def queue_many(messages: list[dict]) -> list[int]:
    """Queue many messages at once (a notice to thousands): one multi-row insert of the
    messages and one of their jobs, in the current transaction. Return their ids in order.

    Each dict holds ``to``, ``subject``, ``body`` and optionally ``html``, ``headers``,
    ``association_id``, ``topic`` and ``topic_id``. The text is the application's own
    (rendered templates), so the per-row checks of ``core.integrity`` do not run here.
    """
    if not messages:
        return []
    from sqlalchemy import insert

    now = clock.now()
    rows = [
        {
            "association_id": m.get("association_id"),
            "to_address": m["to"],
            "subject": m["subject"],
            "body": m["body"],
            "html": m.get("html"),
            "headers": dict(m.get("headers") or {}),
            "topic": m.get("topic", ""),
            "topic_id": m.get("topic_id"),
            "sensitive": False,
            "status": QUEUED,
            "attempts": 0,
            "last_error": "",
            "created_at": now,
        }
        for m in messages
    ]
    ids = list(
        db.session.scalars(
            insert(OutgoingMessage).returning(OutgoingMessage.id, sort_by_parameter_order=True),
            rows,
        )
    )
    jobs.enqueue_many("core.send_mail", [(message_id,) for message_id in ids])
    return ids


def _outcome(message: OutgoingMessage) -> None:
    for hook in _HOOKS.get(message.topic, []):
        hook(message)


def _gave_up(message_id: int, *, error: str) -> None:
    message = db.session.get(OutgoingMessage, message_id)
    if message is None or message.status != QUEUED:
        return
    message.status, message.failed_at = FAILED, clock.now()
    message.last_error = message.last_error or error
    _outcome(message)


def _reopen(message_id: int) -> None:
    message = db.session.get(OutgoingMessage, message_id)
    if message is not None and message.status == FAILED:
        message.status, message.failed_at = QUEUED, None


class MailNotSent(Exception):
    """The backend did not accept the message (the runner retries it)."""


@jobs.job(
    "core.send_mail",
    max_attempts=MAIL_ATTEMPTS,
    backoff=MAIL_BACKOFF,
    timeout=120,
    on_give_up=_gave_up,
    on_retry=_reopen,
)
def send_message(message_id: int) -> None:
    """Transmit one queued message and record the try; raise when it failed."""
    message = db.session.get(OutgoingMessage, message_id)
    if message is None or message.status != QUEUED:
        return  # sent already, given up, or gone
    started = clock.now()
    try:
        mail.transmit(
            mail.build_message(
                message.to_address,
                message.subject,
                message.body,
                [(a.filename, a.mime_type, a.data) for a in message.attachments],
                html=message.html,
                headers=message.headers,
            )
        )
    except Exception as error:
        db.session.rollback()
        message = db.session.get(OutgoingMessage, message_id)
        description = f"{type(error).__name__}: {error}"[:1000]
        message.tries.append(
            MessageAttempt(started_at=started, finished_at=clock.now(), ok=False, error=description)
        )
        message.attempts += 1
        message.last_error = description
        db.session.commit()
        raise MailNotSent(description) from error
    message.tries.append(MessageAttempt(started_at=started, finished_at=clock.now(), ok=True))
    message.attempts += 1
    message.status, message.sent_at, message.last_error = SENT, clock.now(), ""
    if message.sensitive:
        message.body = ""
    _outcome(message)
    db.session.commit()


def retry_message(message: OutgoingMessage, *, actor) -> OutgoingMessage:
    """Send a failed message again (its tries start over)."""
    if message.status != FAILED:
        raise InvalidTransition(
            _(
                "Only a message that failed can be sent again; this one is %(status)s.",
                status=message.status,
            )
        )
    if message.sensitive and not message.body:
        raise InvalidTransition(_("This message held a one-time link; ask for a new one."))
    message.status, message.failed_at = QUEUED, None
    jobs.enqueue("core.send_mail", message.id)
    audit.record(
        "mail.retried",
        actor=actor,
        association_id=message.association_id,
        subject_type="outgoing_message",
        subject_id=message.id,
        summary=_(
            "Sent again the message “%(subject)s” to %(to)s",
            subject=message.subject,
            to=message.to_address,
        ),
    )
    return message


def retry_failed(association_id: int, *, actor) -> int:
    """Send again every failed message of the association that can be (after an outage);
    return how many are queued again."""
    count = 0
    for message in db.session.scalars(messages_of(association_id, FAILED)):
        if message.sensitive and not message.body:
            continue
        message.status, message.failed_at = QUEUED, None
        jobs.enqueue("core.send_mail", message.id)
        count += 1
    if count:
        audit.record(
            "mail.retried",
            actor=actor,
            association_id=association_id,
            subject_type="association",
            subject_id=association_id,
            summary=_("Sent again %(n)d messages that had failed", n=count),
        )
    return count


def messages_of(association_id: int, status: str | None = None):
    """Return a query of the association's outgoing messages (one status, or all)."""
    statement = select(OutgoingMessage).where(OutgoingMessage.association_id == association_id)
    if status:
        statement = statement.where(OutgoingMessage.status == status)
    return statement


def failed_count(association_id: int) -> int:
    """Return how many of the association's messages failed for good."""
    from sqlalchemy import func

    return (
        db.session.scalar(
            select(func.count(OutgoingMessage.id)).where(
                OutgoingMessage.association_id == association_id, OutgoingMessage.status == FAILED
            )
        )
        or 0
    )


def get_message(association_id: int, message_id: int) -> OutgoingMessage:
    """Return a message of the association, or raise NotFound."""
    from app.core.errors import NotFound

    message = db.session.get(OutgoingMessage, message_id)
    if message is None or message.association_id != association_id:
        raise NotFound(_("No such message."))
    return message
