"""Delivering a subject to its recipients, and what became of each delivery: the names the
features use, imported as ``delivery`` (``from app.delivery import services as delivery``).

A feature registers its subject kind (``register``) and calls ``deliver`` with the
recipients and, per recipient, the e-mail to send. Every recipient gets a ``portal``
delivery; the person's preference adds ``email`` and ``mail`` (California Civil Code
4040(a): individual delivery by the preferred method, first-class mail when there is none;
4045: general delivery, by mail only to those who asked for it). An e-mail delivery learns
its outcome from its outbox message; a printed copy waits for the next mailing batch and is
``mailed`` when that batch is confirmed (4050(b): complete on deposit in the mail).

Each name lives in the module of what it does: ``subjects`` (the kinds delivered),
``sending`` (recipients, methods, deliveries and e-mails), ``reads`` (who received and read
it), ``mailing`` (printed copies and the mailing batch) and ``preferences`` (how each person
wants to be reached). Code inside ``app.delivery`` imports from those modules.
"""

from __future__ import annotations

from app.delivery.mailing import (
    batch_copy_slices,
    batch_mailed,
    batch_released,
    count_in_batch,
    letters_tracked,
    mailed,
    print_batch,
    print_batch_slice,
    printed_letters,
    take_for_batch,
    withdrawn,
)
from app.delivery.preferences import (
    SECONDARY_MAX,
    preference_of,
    preferences_dict,
    set_preferences,
    unreached,
)
from app.delivery.reads import (
    counts,
    deliveries_query,
    is_recipient,
    mark_read,
    read_ids,
    unread_recipients,
)
from app.delivery.sending import CHUNK, Email, Outcome, Recipient, deliver, methods_for, recipients
from app.delivery.subjects import PrintedLetter, SubjectKind, kind_of, register

__all__ = [
    "CHUNK",
    "SECONDARY_MAX",
    "Email",
    "Outcome",
    "PrintedLetter",
    "Recipient",
    "SubjectKind",
    "batch_copy_slices",
    "batch_mailed",
    "batch_released",
    "count_in_batch",
    "counts",
    "deliver",
    "deliveries_query",
    "is_recipient",
    "kind_of",
    "letters_tracked",
    "mailed",
    "mark_read",
    "methods_for",
    "preference_of",
    "preferences_dict",
    "print_batch",
    "print_batch_slice",
    "printed_letters",
    "read_ids",
    "recipients",
    "register",
    "set_preferences",
    "take_for_batch",
    "unreached",
    "unread_recipients",
    "withdrawn",
]
