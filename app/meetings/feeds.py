"""Calendar subscriptions: a secret link per person and association that a calendar app
(which cannot sign in) reads as an iCalendar feed of the meetings that person may see.

The link is signed with the application's secret and carries a fingerprint of the person's
password hash, so changing the password replaces every link they gave out; leaving the
association, or a deactivated account, stops it at once (the feed checks both each time)."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from app.associations.models import Association
from app.auth import policies as auth_policies
from app.auth.models import User
from app.core.errors import NotFound
from app.extensions import db
from app.meetings import calendar, listing
from app.meetings.models import Meeting

bp = Blueprint("meeting_feeds", __name__)

SALT = "meetings-calendar-feed"
FEED_LIMIT = 500


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def feed_url(user: User, association_id: int) -> str:
    """Return the person's secret subscription link to an association's meetings."""
    token = _serializer().dumps([user.id, association_id, _fingerprint(user)])
    return url_for("meeting_feeds.feed", token=token, _external=True)


def _reader(token: str) -> tuple[User, Association]:
    """Return who the link is for and the association, or 404 for any link that is not a
    current one (bad signature, changed password, left the association, inactive)."""
    try:
        user_id, association_id, fingerprint = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as error:
        raise NotFound(_("No such calendar.")) from error
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    association = (
        db.session.get(Association, association_id) if isinstance(association_id, int) else None
    )
    if (
        user is None
        or association is None
        or not user.active
        or fingerprint != _fingerprint(user)
        or not (auth_policies.is_member(user, association) or auth_policies.is_admin(user))
    ):
        raise NotFound(_("No such calendar."))
    return user, association


@bp.route("/calendar/<token>.ics")
def feed(token: str):
    """The meetings the link's person may see, for a calendar app to subscribe to."""
    user, association = _reader(token)
    rows = list(
        db.session.scalars(
            listing.meetings_query(user, association.id)
            .order_by(Meeting.starts_at.desc())
            .limit(FEED_LIMIT)
        )
    )
    return Response(
        calendar.feed_ics(rows, association, request.host),
        mimetype="text/calendar",
        headers={"Cache-Control": "private, max-age=900"},
    )
