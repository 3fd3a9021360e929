"""Delivering a subject to its recipients: who they are and what their preference says, how
each is reached, the delivery rows and queued e-mails (a thousand recipients at a time), and
each e-mail delivery's outcome learned from its outbox message.

Every recipient gets a ``portal`` delivery; the person's preference adds ``email`` and
``mail`` (California Civil Code 4040(a): individual delivery by the preferred method,
first-class mail when there is none; 4045: general delivery, by mail only to those who asked
for it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import insert, select, update

from app.auth.models import User
from app.core import clock, i18n, outbox
from app.delivery.models import Choice, Delivery, Method, Preference, Status
from app.delivery.subjects import _KINDS
from app.extensions import db

CHUNK = 1000


@dataclass(frozen=True)
class Recipient:
    """A person to reach, with what their preference says."""

    user_id: int
    name: str
    email: str
    language: str
    delivery: str
    general_by_mail: bool


@dataclass(frozen=True)
class Email:
    """The e-mail one recipient gets: plain text, an HTML alternative, extra headers."""

    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)


def recipients(user_ids: Iterable[int]) -> list[Recipient]:
    """Return the active people among ``user_ids`` with their preferences (mail when unset)."""
    ids = sorted(set(user_ids))
    found: list[Recipient] = []
    for start in range(0, len(ids), CHUNK):
        rows = db.session.execute(
            select(
                User.id,
                User.name,
                User.email,
                User.language,
                Preference.delivery,
                Preference.general_by_mail,
            )
            .outerjoin(Preference, Preference.user_id == User.id)
            .where(User.id.in_(ids[start : start + CHUNK]), User.active.is_(True))
            .order_by(User.id)
        )
        found.extend(
            Recipient(
                uid,
                name,
                email,
                language or "en",
                delivery or Choice.MAIL.value,
                bool(general_by_mail),
            )
            for uid, name, email, language, delivery, general_by_mail in rows
        )
    return found


def methods_for(recipient: Recipient, *, general: bool, always_mail: bool = False) -> list[str]:
    """Return how one recipient is reached: the portal always; e-mail when they chose it;
    paper for individual delivery by their choice (or none made), for general delivery only
    when they asked (Civil Code 4045(b)), and always where the subject demands it."""
    methods = [Method.PORTAL.value]
    if recipient.delivery in (Choice.EMAIL, Choice.BOTH) and recipient.email:
        methods.append(Method.EMAIL.value)
    if general:
        by_mail = recipient.general_by_mail
    else:
        by_mail = recipient.delivery in (Choice.MAIL, Choice.BOTH) or not recipient.email
    if by_mail or always_mail:
        methods.append(Method.MAIL.value)
    return methods


@dataclass
class Outcome:
    """How many deliveries one call recorded, per method."""

    recipients: int = 0
    portal: int = 0
    email: int = 0
    mail: int = 0


def deliver(
    subject_type: str,
    subject_id: int,
    *,
    association_id: int,
    to: list[Recipient],
    general: bool,
    email: Callable[[Recipient], Email] | None,
    language: Callable[[Recipient], str] | None = None,
    always_mail: bool = False,
    mailable: Callable[[Recipient], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Record the deliveries of a subject to every recipient not yet reached; queue their
    e-mails. Recipients already holding a portal delivery are skipped, so a run cut short
    and started again delivers to the rest only.

    Each e-mail is composed (``email(recipient)``) in the recipient's language.
    Rows go in with multi-row inserts, a thousand recipients at a time; ``progress(n)`` is
    told after each chunk (the caller may commit there). ``mailable`` says who has an
    address on the books; nobody else gets a printed copy.
    """
    if subject_type not in _KINDS:
        raise KeyError(f"unregistered subject kind {subject_type!r}")
    done = set(
        db.session.scalars(
            select(Delivery.user_id).where(
                Delivery.subject_type == subject_type,
                Delivery.subject_id == subject_id,
                Delivery.method == Method.PORTAL,
            )
        )
    )
    pending = [r for r in to if r.user_id not in done]
    outcome = Outcome(recipients=len(to))
    for start in range(0, len(pending), CHUNK):
        chunk = pending[start : start + CHUNK]
        now = clock.now()
        rows: list[dict] = []
        mails: list[dict] = []
        mail_rows: list[dict] = []
        for recipient in chunk:
            lang = language(recipient) if language else recipient.language
            base = {
                "association_id": association_id,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "user_id": recipient.user_id,
                "error": "",
                "language": lang,
                "created_at": now,
                "message_id": None,
                "batch_id": None,
            }
            for method in methods_for(recipient, general=general, always_mail=always_mail):
                if method == Method.MAIL and mailable is not None and not mailable(recipient):
                    continue
                if method == Method.PORTAL:
                    # The portal shows it from this moment (4050(c)).
                    rows.append({**base, "method": method, "status": Status.SENT, "sent_at": now})
                elif method == Method.EMAIL and email is not None:
                    # Its words, dates and money in the person's language (English when
                    # the application does not offer it); the subject's own text is the
                    # caller's choice (``language``).
                    with i18n.in_language(recipient.language):
                        content = email(recipient)
                    mails.append(
                        {
                            "to": recipient.email,
                            "subject": content.subject,
                            "body": content.text,
                            "html": content.html,
                            "headers": content.headers,
                            "association_id": association_id,
                            "topic": "delivery.email",
                            "attachments": content.attachments,
                        }
                    )
                    mail_rows.append({**base, "method": method, "status": Status.QUEUED})
                elif method == Method.MAIL:
                    rows.append(
                        {**base, "method": method, "status": Status.QUEUED, "sent_at": None}
                    )
        message_ids = _queue_emails(mails)
        for row, message_id in zip(mail_rows, message_ids, strict=True):
            row["message_id"], row["sent_at"] = message_id, None
        rows.extend(mail_rows)
        if rows:
            # render_nulls: the ORM's bulk insert leaves out None values, which splits
            # alternating portal/paper rows into batches of one row each (40,000 INSERTs
            # for a notice to 20,000 owners); with every key present they go in together.
            db.session.execute(insert(Delivery).execution_options(render_nulls=True), rows)
        outcome.portal += sum(1 for r in rows if r["method"] == Method.PORTAL)
        outcome.email += len(mail_rows)
        outcome.mail += sum(1 for r in rows if r["method"] == Method.MAIL)
        if progress is not None:
            progress(len(done) + start + len(chunk))
    return outcome


def _queue_emails(mails: list[dict]) -> list[int]:
    """Queue the chunk's e-mails: in bulk, except those with attachments (letters)."""
    plain = [m for m in mails if not m["attachments"]]
    ids_plain = iter(outbox.queue_many(plain))
    ids = []
    for mail in mails:
        if mail["attachments"]:
            message = outbox.queue_mail(
                mail["to"],
                mail["subject"],
                mail["body"],
                attachments=mail["attachments"],
                association_id=mail["association_id"],
                topic=mail["topic"],
                html=mail["html"],
                headers=mail["headers"],
            )
            ids.append(message.id)
        else:
            ids.append(next(ids_plain))
    return ids


@outbox.on_outcome("delivery.email")
def _email_outcome(message) -> None:
    """An e-mail was transmitted (sent, at that moment) or given up (failed, with why)."""
    if message.status == outbox.SENT:
        values = {"status": Status.SENT, "sent_at": message.sent_at, "error": ""}
    else:
        values = {"status": Status.FAILED, "sent_at": None, "error": message.last_error or ""}
    db.session.execute(
        update(Delivery)
        .where(Delivery.message_id == message.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
