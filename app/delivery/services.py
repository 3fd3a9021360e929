"""Delivering a subject to its recipients, and what became of each delivery.

A feature registers its subject kind (``register``) and calls ``deliver`` with the
recipients and, per recipient, the e-mail to send. Every recipient gets a ``portal``
delivery; the person's preference adds ``email`` and ``mail`` (California Civil Code
4040(a): individual delivery by the preferred method, first-class mail when there is none;
4045: general delivery, by mail only to those who asked for it). An e-mail delivery learns
its outcome from its outbox message; a printed copy waits for the next mailing batch and is
``mailed`` when that batch is confirmed (4050(b): complete on deposit in the mail).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, insert, select, update

from app.auth.models import User
from app.core import audit, clock, i18n, outbox
from app.core.errors import ValidationError
from app.core.joins import leading_join
from app.delivery.models import LANGUAGES, Choice, Delivery, Method, Preference, Read, Status
from app.extensions import db

CHUNK = 1000


@dataclass(frozen=True)
class SubjectKind:
    """A kind of thing delivered: how to name it and, for printed copies it does not print
    itself, how to lay them out (PDF bytes for a list of mail deliveries)."""

    name: str
    title: Callable[[int], str]
    open_url: Callable[[int], str]
    print_copies: Callable[[list[Delivery]], bytes] | None = None
    # Printed letters (not notices): what each subject id is, for the mailing batch's
    # certified-mail check (``printed_letters``), and where their tracking numbers go.
    letters: Callable[[list[int]], list[PrintedLetter]] | None = None
    tracked: Callable[[dict[int, str]], None] | None = None


@dataclass(frozen=True)
class PrintedLetter:
    """A letter printed from its mail deliveries: ``id`` is its letter number (the key of its
    tracking number), ``kind`` the letter kind a compliance profile may send by certified
    mail (``Profile.certified_mail``)."""

    id: int
    kind: str
    unit: str
    recipient: str
    tracking_number: str | None = None


_KINDS: dict[str, SubjectKind] = {}


def register(kind: SubjectKind) -> SubjectKind:
    """Make a subject kind known to delivery (its read links, its printed copies)."""
    _KINDS[kind.name] = kind
    return kind


def kind_of(name: str) -> SubjectKind | None:
    """Return a registered subject kind."""
    return _KINDS.get(name)


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


# --- reads ----------------------------------------------------------------------------------


def is_recipient(subject_type: str, subject_id: int, user_id: int) -> bool:
    """Tell whether a person holds a delivery of the subject."""
    return (
        db.session.scalar(
            select(Delivery.id)
            .where(
                Delivery.subject_type == subject_type,
                Delivery.subject_id == subject_id,
                Delivery.user_id == user_id,
            )
            .limit(1)
        )
        is not None
    )


def mark_read(
    subject_type: str, subject_id: int, user_id: int, *, association_id: int, via: str
) -> bool:
    """Record that a recipient read the subject (once; later reads change nothing).
    Return whether this was the first read."""
    values = {
        "association_id": association_id,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "user_id": user_id,
        "read_at": clock.now(),
        "via": via,
    }
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    result = db.session.execute(
        dialect_insert(Read)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["subject_type", "subject_id", "user_id"])
    )
    return bool(result.rowcount)


def read_ids(subject_type: str, user_id: int, subject_ids: Iterable[int]) -> set[int]:
    """Return which of the subjects the person has read."""
    ids = list(subject_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Read.subject_id).where(
                Read.subject_type == subject_type,
                Read.user_id == user_id,
                Read.subject_id.in_(ids),
            )
        )
    )


def counts(subject_type: str, subject_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Return {subject id: (recipients, readers)} for many subjects in two queries."""
    ids = list(subject_ids)
    if not ids:
        return {}
    recipients_by = dict(
        db.session.execute(
            select(Delivery.subject_id, func.count(Delivery.id))
            .where(
                Delivery.subject_type == subject_type,
                Delivery.subject_id.in_(ids),
                Delivery.method == Method.PORTAL,
            )
            .group_by(Delivery.subject_id)
        ).all()
    )
    readers_by = dict(
        db.session.execute(
            select(Read.subject_id, func.count(Read.id))
            .where(Read.subject_type == subject_type, Read.subject_id.in_(ids))
            .group_by(Read.subject_id)
        ).all()
    )
    return {i: (recipients_by.get(i, 0), readers_by.get(i, 0)) for i in ids}


def deliveries_query(subject_type: str, subject_id: int, *, by_name: bool = False):
    """Return a query of (Delivery, read_at, user name) for one subject's delivery page.

    ``by_name`` (the page sorted by the recipients' names) reads the people in name order
    (their name index) and each one's deliveries, instead of sorting all of a notice's
    40,000 deliveries for one page."""
    read_at = Read.read_at.label("read_at")
    statement = select(Delivery, read_at, User.name.label("name"))
    if by_name:
        statement = statement.select_from(leading_join(User, Delivery, User.id == Delivery.user_id))
    else:
        statement = statement.join(User, User.id == Delivery.user_id)
    return statement.outerjoin(
        Read,
        and_(
            Read.subject_type == Delivery.subject_type,
            Read.subject_id == Delivery.subject_id,
            Read.user_id == Delivery.user_id,
        ),
    ).where(Delivery.subject_type == subject_type, Delivery.subject_id == subject_id)


def unread_recipients(subject_type: str, subject_id: int) -> list[int]:
    """Return the users who received the subject and have not read it."""
    return list(
        db.session.scalars(
            select(Delivery.user_id)
            .outerjoin(
                Read,
                and_(
                    Read.subject_type == Delivery.subject_type,
                    Read.subject_id == Delivery.subject_id,
                    Read.user_id == Delivery.user_id,
                ),
            )
            .where(
                Delivery.subject_type == subject_type,
                Delivery.subject_id == subject_id,
                Delivery.method == Method.PORTAL,
                Read.id.is_(None),
            )
            .order_by(Delivery.user_id)
        )
    )


# --- printed copies and the mailing batch -----------------------------------------------------


def take_for_batch(association_id: int, batch_id: int) -> int:
    """Put every printed copy waiting for the mail into a batch; return how many.

    Letters print their own PDFs; this takes the copies of subjects that registered a
    printer (notices)."""
    printed = [name for name, kind in _KINDS.items() if kind.print_copies is not None]
    if not printed:
        return 0
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.association_id == association_id,
            Delivery.method == Method.MAIL,
            Delivery.status == Status.QUEUED,
            Delivery.batch_id.is_(None),
            Delivery.subject_type.in_(printed),
        )
        .values(batch_id=batch_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def count_in_batch(batch_id: int) -> int:
    """Return how many printed copies a batch holds."""
    return (
        db.session.scalar(select(func.count(Delivery.id)).where(Delivery.batch_id == batch_id)) or 0
    )


def print_batch(batch_id: int) -> list[bytes]:
    """Return the PDFs of a batch's printed copies, one per subject, in a stable order."""
    rows = db.session.scalars(
        select(Delivery)
        .where(Delivery.batch_id == batch_id)
        .order_by(Delivery.subject_type, Delivery.subject_id, Delivery.id)
    ).all()
    pdfs = []
    groups: dict[tuple[str, int], list[Delivery]] = {}
    for row in rows:
        groups.setdefault((row.subject_type, row.subject_id), []).append(row)
    for (subject_type, _subject_id), group in groups.items():
        kind = _KINDS.get(subject_type)
        if kind is not None and kind.print_copies is not None:
            pdfs.append(kind.print_copies(group))
    return pdfs


def printed_letters(batch_id: int) -> list[PrintedLetter]:
    """Return the letters among a batch's printed copies (each once), by letter number."""
    rows = db.session.execute(
        select(Delivery.subject_type, Delivery.subject_id)
        .where(Delivery.batch_id == batch_id)
        .distinct()
    ).all()
    ids: dict[str, list[int]] = {}
    for subject_type, subject_id in rows:
        ids.setdefault(subject_type, []).append(subject_id)
    found = []
    for subject_type, subject_ids in ids.items():
        kind = _KINDS.get(subject_type)
        if kind is not None and kind.letters is not None:
            found += kind.letters(sorted(subject_ids))
    return sorted(found, key=lambda letter: letter.id)


def letters_tracked(batch_id: int, tracking: dict[int, str]) -> None:
    """The batch's printed letters were mailed: keep the tracking numbers given for them."""
    rows = db.session.execute(
        select(Delivery.subject_type, Delivery.subject_id)
        .where(Delivery.batch_id == batch_id)
        .distinct()
    ).all()
    by_kind: dict[str, dict[int, str]] = {}
    for subject_type, subject_id in rows:
        if subject_id in tracking:
            by_kind.setdefault(subject_type, {})[subject_id] = tracking[subject_id]
    for subject_type, numbers in by_kind.items():
        kind = _KINDS.get(subject_type)
        if kind is not None and kind.tracked is not None:
            kind.tracked(numbers)


def batch_copy_slices(batch_id: int, size: int) -> list[tuple[str, int, int, int, int]]:
    """Return a batch's printed copies cut into slices of at most ``size`` deliveries, in
    the order ``print_batch`` prints them: (subject_type, subject_id, first delivery id,
    last delivery id, count). Each slice lies within one subject."""
    rows = db.session.execute(
        select(Delivery.subject_type, Delivery.subject_id, Delivery.id)
        .where(Delivery.batch_id == batch_id)
        .order_by(Delivery.subject_type, Delivery.subject_id, Delivery.id)
    ).all()
    slices: list[tuple[str, int, int, int, int]] = []
    for subject_type, subject_id, delivery_id in rows:
        kind = _KINDS.get(subject_type)
        if kind is None or kind.print_copies is None:
            continue
        last = slices[-1] if slices else None
        if last and last[:2] == (subject_type, subject_id) and last[4] < size:
            slices[-1] = (subject_type, subject_id, last[2], delivery_id, last[4] + 1)
        else:
            slices.append((subject_type, subject_id, delivery_id, delivery_id, 1))
    return slices


def print_batch_slice(
    batch_id: int, subject_type: str, subject_id: int, first_id: int, last_id: int
) -> bytes | None:
    """Return the PDF of one slice of a batch's printed copies (see ``batch_copy_slices``)."""
    kind = _KINDS.get(subject_type)
    rows = db.session.scalars(
        select(Delivery)
        .where(
            Delivery.batch_id == batch_id,
            Delivery.subject_type == subject_type,
            Delivery.subject_id == subject_id,
            Delivery.id.between(first_id, last_id),
        )
        .order_by(Delivery.id)
    ).all()
    if not rows or kind is None or kind.print_copies is None:
        return None
    return kind.print_copies(list(rows))


def batch_mailed(batch_id: int, at: datetime) -> int:
    """The batch went into the mail: its copies are ``mailed`` at that moment (4050(b))."""
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.batch_id == batch_id, Delivery.status == Status.QUEUED)
        .values(status=Status.MAILED, sent_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def batch_released(batch_id: int) -> None:
    """The batch was cancelled: its copies wait for the next one."""
    db.session.execute(
        update(Delivery)
        .where(Delivery.batch_id == batch_id, Delivery.status == Status.QUEUED)
        .values(batch_id=None)
        .execution_options(synchronize_session=False)
    )


def mailed(subject_type: str, subject_ids: Iterable[int], at: datetime) -> int:
    """Subjects that print themselves (letters) were mailed: their mail deliveries are."""
    ids = list(subject_ids)
    if not ids:
        return 0
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.subject_type == subject_type,
            Delivery.subject_id.in_(ids),
            Delivery.method == Method.MAIL,
            Delivery.status == Status.QUEUED,
        )
        .values(status=Status.MAILED, sent_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def withdrawn(subject_type: str, subject_id: int, reason: str) -> int:
    """A subject was withdrawn before it went out (a voided letter): what still waits to be
    mailed or e-mailed never goes; those deliveries fail with the reason."""
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.subject_type == subject_type,
            Delivery.subject_id == subject_id,
            Delivery.status == Status.QUEUED,
        )
        .values(status=Status.FAILED, batch_id=None, error=reason[:500])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# --- preferences ----------------------------------------------------------------------------


def preference_of(user: User) -> Preference:
    """Return the person's preference (unsaved defaults when they never chose)."""
    found = db.session.get(Preference, user.id)
    if found is None:
        found = Preference(
            user_id=user.id,
            delivery=Choice.MAIL.value,
            general_by_mail=False,
            secondary_address="",
            legal_representative="",
        )
    return found


SECONDARY_MAX = 500


def set_preferences(
    user: User,
    *,
    language: str | None = None,
    delivery: str | None = None,
    general_by_mail: bool | None = None,
    secondary_address: str | None = None,
    legal_representative: str | None = None,
    confirm: bool = False,
) -> Preference:
    """Change the person's own preferences; only they can consent to e-mail."""
    errors: dict[str, list[str]] = {}
    if language is not None and language not in LANGUAGES:
        errors["language"] = [_("Choose en, es, it, da or ru.")]
    if delivery is not None and delivery not in {c.value for c in Choice}:
        errors["delivery"] = [_("Choose email, mail or both.")]
    if general_by_mail is not None and not isinstance(general_by_mail, bool):
        errors["general_by_mail"] = [_("Answer true or false.")]
    for name, value in (
        ("secondary_address", secondary_address),
        ("legal_representative", legal_representative),
    ):
        if value is not None and not isinstance(value, str):
            errors[name] = [_("Enter text.")]
        elif value is not None and len(value.strip()) > SECONDARY_MAX:
            errors[name] = [
                _(
                    "Use at most %(max)d characters (this has %(n)d).",
                    max=SECONDARY_MAX,
                    n=len(value),
                )
            ]
    if errors:
        raise ValidationError(errors)
    preference = preference_of(user)
    if preference not in db.session:
        db.session.add(preference)
    before = {
        "language": user.language,
        "delivery": preference.delivery,
        "general_by_mail": preference.general_by_mail,
        "secondary_address": preference.secondary_address,
        "legal_representative": preference.legal_representative,
    }
    now = clock.now()
    if language is not None:
        user.language = language
    if delivery is not None:
        if delivery != Choice.MAIL and preference.delivery == Choice.MAIL:
            preference.email_consent_at = now  # the person's own consent, now
        if delivery == Choice.MAIL:
            preference.email_consent_at = None
        preference.delivery = delivery
    if general_by_mail is not None:
        preference.general_by_mail = general_by_mail
    if secondary_address is not None:
        preference.secondary_address = secondary_address.strip()
    if legal_representative is not None:
        preference.legal_representative = legal_representative.strip()
    if confirm:
        preference.confirmed_at = now
    preference.updated_at = now
    after = {
        "language": user.language,
        "delivery": preference.delivery,
        "general_by_mail": preference.general_by_mail,
        "secondary_address": preference.secondary_address,
        "legal_representative": preference.legal_representative,
    }
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    db.session.flush()
    if changes or confirm:
        audit.record(
            "user.preferences",
            actor=user,
            subject_type="user",
            subject_id=user.id,
            summary=_("%(name)s changed how they receive notices", name=user.name)
            if changes
            else _("%(name)s confirmed how they receive notices", name=user.name),
            data={"changes": changes, "confirmed": confirm},
        )
    return preference


def preferences_dict(user: User) -> dict:
    """Return the preferences as the API shows them."""
    preference = preference_of(user)
    return {
        "language": user.language if user.language in LANGUAGES else "en",
        "delivery": preference.delivery,
        "general_by_mail": bool(preference.general_by_mail),
        "secondary_address": preference.secondary_address or "",
        "legal_representative": preference.legal_representative or "",
        "confirmed_at": preference.confirmed_at,
    }


def unreached(association_id: int, owner_ids: list[int], *, days: int = 90) -> list[int]:
    """Return the owners the association does not reach: no consent to e-mail and nothing
    read in the last ``days`` days."""
    if not owner_ids:
        return []
    from datetime import timedelta

    since = clock.now() - timedelta(days=days)
    emailed = set(
        db.session.scalars(
            select(Preference.user_id).where(
                Preference.user_id.in_(owner_ids), Preference.delivery != Choice.MAIL
            )
        )
    )
    readers = set(
        db.session.scalars(
            select(Read.user_id)
            .where(Read.association_id == association_id, Read.read_at >= since)
            .distinct()
        )
    )
    return [uid for uid in owner_ids if uid not in emailed and uid not in readers]
