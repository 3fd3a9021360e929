"""The notice pages' blueprint and the lookup every notice page starts with."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from app.core.errors import NotFound
from app.extensions import db
from app.notices.models import Notice

bp = Blueprint("notices", __name__, url_prefix="/associations/<int:aid>")


def _notice_in(aid: int, notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.association_id != aid:
        raise NotFound(_("No such notice."))
    return notice
