"""Association pages: the list, overview and settings, units, people and the audit log."""

from flask import Blueprint

bp = Blueprint("associations", __name__, url_prefix="/associations")

from app.associations.views import associations, audit, people, units  # noqa: E402, F401
