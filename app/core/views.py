"""The front door: where a signed-in person lands, and a health check."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.auth import policies
from app.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/")
@login_required
def index():
    """Send people with one association straight to it; others choose."""
    user = current_user._get_current_object()
    statement = policies.visible_associations(user)
    count = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    if count == 1 and not policies.is_admin(user):
        association = db.session.scalars(statement).one()
        return redirect(url_for("associations.dashboard", aid=association.id))
    return redirect(url_for("associations.index"))


@bp.route("/healthz")
def health():
    """Tell a load balancer that the app and its database answer."""
    db.session.execute(select(1))
    return {"status": "ok"}
