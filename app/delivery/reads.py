"""Who received a subject and who read it: recording a read, the read marks and counts the
lists show, a subject's deliveries, and the recipients who have not read it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, func, select

from app.auth.models import User
from app.core import clock
from app.core.joins import leading_join
from app.delivery.models import Delivery, Method, Read
from app.extensions import db


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
