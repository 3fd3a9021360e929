"""The kinds of thing delivered: a feature registers its subject kind (how to name it, open
it and, for printed copies it does not print itself, lay them out) and delivery looks it up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.delivery.models import Delivery


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
