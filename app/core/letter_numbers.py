"""One number space for every letter the association issues.

Violation letters and architectural decision letters live in their features' own tables,
but an owner, a manager and the API name a letter by one number (``GET /letters/{id}/pdf``).
Each letter takes its id from ``letter_numbers`` when it is inserted: the row says which kind
of letter holds the number, so that the letters endpoint knows where to look. Core knows no
feature: the kinds are plain strings the features choose.
"""

from __future__ import annotations

from sqlalchemy import String, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class LetterNumber(db.Model):
    """A letter's number, and the kind of letter that holds it."""

    __tablename__ = "letter_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))


def allocator(kind: str):
    """Return a column default that takes the next letter number for a ``kind`` of letter.

    SQLAlchemy calls it once per inserted row, on the flush's own connection, so the number
    and the letter are written in the same transaction."""

    def allocate(context) -> int:
        result = context.connection.execute(insert(LetterNumber.__table__).values(kind=kind))
        return result.inserted_primary_key[0]

    return allocate


def kind_of(letter_id: int) -> str | None:
    """Return the kind of letter numbered ``letter_id``, or None when there is none."""
    return db.session.execute(
        select(LetterNumber.kind).where(LetterNumber.id == letter_id)
    ).scalar_one_or_none()
