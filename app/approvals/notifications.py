"""Telling the board about a request: mail to the board, the managers and the eligible
voters once the transaction commits, each in their own language."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from app.approvals.models import ApprovalRequest
from app.auth.models import Membership, User
from app.core import i18n
from app.core.outbox import queue_mail
from app.extensions import db


def _notify(request: ApprovalRequest, compose: Callable[[], tuple[str, str]]) -> None:
    """Mail the board, the managers and the eligible voters (a committee deciding it, too)
    once the transaction commits, each in their own language (``compose`` returns the
    subject and body, and runs once per language)."""
    voters = [v.user_id for v in request.voters]
    recipients = db.session.execute(
        select(User.email, User.language)
        .outerjoin(Membership, Membership.user_id == User.id)
        .where(
            (
                (Membership.association_id == request.association_id)
                & Membership.role.in_(("board", "manager"))
            )
            | User.id.in_(voters),
            User.active.is_(True),
        )
        .distinct()
    ).all()
    composed: dict[str, tuple[str, str]] = {}
    for email, language in recipients:
        with i18n.in_language(language) as used:
            if used not in composed:
                composed[used] = compose()
        subject, body = composed[used]
        queue_mail(email, subject, body, association_id=request.association_id, topic="approvals")
