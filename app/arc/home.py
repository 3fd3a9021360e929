"""The owner's home: their architectural requests still open or open to appeal."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.arc.models import ArcRequest, ArcStatus
from app.auth import policies
from app.core import formatting
from app.extensions import db
from app.home.registry import Item, Section, section


@section("violations")
def arc_requests(user, association) -> Section | None:
    """Undecided requests with their deadline, and denials the owner may appeal."""
    units = policies.owned_unit_ids(user, association.id)
    if not units:
        return None
    rows = db.session.scalars(
        select(ArcRequest)
        .where(
            ArcRequest.unit_id.in_(units),
            ArcRequest.status.in_([ArcStatus.SUBMITTED, ArcStatus.DENIED, ArcStatus.APPEALED]),
        )
        .order_by(ArcRequest.id.desc())
        .limit(10)
    ).all()
    if not rows:
        return None
    items = []
    appealable = 0
    for r in rows:
        url = url_for("arc.request", aid=association.id, request_id=r.id)
        if r.status == ArcStatus.SUBMITTED:
            detail = _(
                "Architectural request: decision due by %(date)s",
                date=formatting.long_date(r.decide_by),
            )
            action = None
        elif r.status == ArcStatus.DENIED:
            detail = _("Architectural request denied")
            action = (_("Read the decision or appeal"), url) if r.appeal is None else None
            appealable += 1 if r.appeal is None else 0
        else:
            detail = _("Architectural request: your appeal is before the board")
            action = None
        items.append(Item(r.title, url=url, detail=detail, action=action))
    return Section(items=items, attention=appealable)
