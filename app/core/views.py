"""A health check for load balancers."""

from flask import Blueprint
from sqlalchemy import select

from app.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/healthz")
def health():
    """Tell a load balancer that the app and its database answer."""
    db.session.execute(select(1))
    return {"status": "ok"}


@bp.route("/favicon.ico")
def favicon():
    """The site's icon, where browsers look for it by default."""
    from flask import current_app, send_from_directory

    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon"
    )
