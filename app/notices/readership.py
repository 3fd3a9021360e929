"""Readership, for the communications page: read rates by month, method and language, and
owners an association does not reach."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, func, select

from app.associations.models import Association
from app.auth.models import Membership, User
from app.core import clock
from app.delivery import services as delivery
from app.delivery.models import Method
from app.extensions import db
from app.notices.models import Notice, NoticeStatus
from app.notices.publication import SUBJECT


def read_rates(association: Association, *, months: int = 12) -> dict:
    """Return read rates by month of publication, by method and by language, and the owners
    the association does not reach."""
    from app.delivery.models import Delivery, Read

    since = clock.now() - timedelta(days=31 * months)
    published = select(Notice.id).where(
        Notice.association_id == association.id,
        Notice.status == NoticeStatus.PUBLISHED,
        Notice.published_at >= since,
    )
    read_join = (
        (Read.subject_type == Delivery.subject_type)
        & (Read.subject_id == Delivery.subject_id)
        & (Read.user_id == Delivery.user_id)
    )
    # By the recipient's own language (not the text they were sent), so that a notice
    # written only in English shows whether Spanish speakers read it.
    base = (
        select(Delivery.method, User.language, Delivery.subject_id, Read.id.is_not(None))
        .join(User, User.id == Delivery.user_id)
        .outerjoin(Read, read_join)
        .where(Delivery.subject_type == SUBJECT, Delivery.subject_id.in_(published))
    )
    by_method: dict[str, list[int]] = {}
    by_language: dict[str, list[int]] = {}
    by_notice: dict[int, list[int]] = {}
    for method, language, subject_id, was_read in db.session.execute(base):
        by_method.setdefault(method, [0, 0])
        by_method[method][0] += 1
        by_method[method][1] += int(bool(was_read))
        if method == Method.PORTAL:
            by_language.setdefault(language, [0, 0])
            by_language[language][0] += 1
            by_language[language][1] += int(bool(was_read))
            by_notice.setdefault(subject_id, [0, 0])
            by_notice[subject_id][0] += 1
            by_notice[subject_id][1] += int(bool(was_read))
    by_month: dict[str, list[int]] = {}
    for notice_id, published_at in db.session.execute(
        select(Notice.id, Notice.published_at).where(Notice.id.in_(published))
    ):
        local = clock.as_utc(published_at).astimezone(clock.zone(association.time_zone))
        key = f"{local:%Y-%m}"
        sent, read = by_notice.get(notice_id, [0, 0])
        by_month.setdefault(key, [0, 0])
        by_month[key][0] += sent
        by_month[key][1] += read
    owners = sorted(
        set(
            db.session.scalars(
                select(Membership.user_id).where(
                    Membership.association_id == association.id, Membership.role == "owner"
                )
            )
        )
    )
    return {
        "by_month": dict(sorted(by_month.items())),
        "by_method": by_method,
        "by_language": by_language,
        "unreached": delivery.unreached(association.id, owners),
        "owner_count": len(owners),
    }


def read_by_language(notice: Notice) -> list[dict]:
    """Return, per recipient language, how many received the notice in the portal, how many
    read it, and how many of them received a version in their own language."""
    from app.delivery.models import Delivery, Read

    read_join = (
        (Read.subject_type == Delivery.subject_type)
        & (Read.subject_id == Delivery.subject_id)
        & (Read.user_id == Delivery.user_id)
    )
    # Counted by the database (20,000 owners' deliveries: one grouped row per language).
    rows = db.session.execute(
        select(
            User.language,
            func.count(Delivery.id),
            func.count(Read.id),
            func.sum(case((Delivery.language == User.language, 1), else_=0)),
        )
        .join(User, User.id == Delivery.user_id)
        .outerjoin(Read, read_join)
        .where(
            Delivery.subject_type == SUBJECT,
            Delivery.subject_id == notice.id,
            Delivery.method == Method.PORTAL,
        )
        .group_by(User.language)
    )
    found = {
        own: {"language": own, "sent": sent, "read": read, "in_own": int(in_own or 0)}
        for own, sent, read, in_own in rows
    }
    return sorted(found.values(), key=lambda e: (-e["sent"], e["language"]))
