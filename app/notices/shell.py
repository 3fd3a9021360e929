"""What notices, documents and the owner's home add to the application shell: their links
in the navigation and their audit actions in words."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.auth import policies
from app.core import audit, navigation


def _owner_with_other_roles(user, aid: int) -> bool:
    roles = policies.roles_in(user, aid)
    return "owner" in roles and roles != {"owner"}


def register(app) -> None:
    """Register notices, documents and the owner's home with the navigation and audit log."""
    navigation.section("owner_home.page", _l("My home"), order=12, shows=_owner_with_other_roles)
    navigation.section("notices.index", _l("Notices"), order=14)
    navigation.section("documents.index", _l("Documents"), order=16)
    audit.describe_actions(
        {
            "notice.published": _l("Notice published"),
            "notice.scheduled": _l("Notice scheduled"),
            "notice.revised": _l("Notice revised"),
            "notice.reminded": _l("Reminder sent"),
            "document.uploaded": _l("Document uploaded"),
            "annual_request.launched": _l("Annual preferences request sent"),
            "annual_request.answered": _l("Owner confirmed their preferences"),
        }
    )
    audit.link_records(
        "notice",
        lambda aid, id_: url_for("notices.show", aid=aid, notice_id=id_),
        _l("Notice"),
    )
