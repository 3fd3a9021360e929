"""The owner's home: unread notices."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from app.core import formatting
from app.home.registry import Item, Section, section
from app.notices import reading


@section("notices")
def unread_notices(user, association) -> Section | None:
    """The notices the person has not opened yet, newest first."""
    unread = reading.unread_for(user, association.id)
    items = [
        Item(
            n.text(user.language).title,
            url=url_for("notices.show", aid=association.id, notice_id=n.id),
            detail=formatting.long_date(n.published_at, association.time_zone),
        )
        for n in unread
    ]
    return Section(
        items=items,
        more_url=url_for("notices.index", aid=association.id),
        more_label=_("All your notices"),
    )
