"""The association's audit log: newest first, actions in words, records as links."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required
from sqlalchemy import select

from app.associations.views import bp
from app.auth import policies
from app.core import audit
from app.core.audit import AuditEntry
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, require


@bp.route("/<int:aid>/audit")
@login_required
def audit_log(aid: int):
    """The association's audit log, newest first.

    The newest page reads the (association_id, id) index backwards; the action filter
    offers the actions the features registered, so no query scans the log for them.
    """
    association = load_association(aid)
    require(policies.can_read_audit(actor(), association))
    statement = select(AuditEntry).where(AuditEntry.association_id == aid)
    action = request.args.get("action") or ""
    if action:
        statement = statement.where(AuditEntry.action == action)
    args = list_args()
    args["direction"] = args["direction"] or "desc"
    page = paginate(
        statement,
        search=[AuditEntry.summary, AuditEntry.actor_name, AuditEntry.action],
        sortable={
            "time": AuditEntry.id,
            "actor": AuditEntry.actor_name,
            "action": AuditEntry.action,
        },
        default_sort="time",
        tiebreak=AuditEntry.id,
        search_also=_actions_worded,
        **args,
    )
    page.extra.update(action=action, actions=audit.known_actions())
    return render_template("audit/log.html", association=association, page=page)


def _actions_worded(q: str):
    """Match the entries whose action's words hold the search text."""
    words = q.lower()
    codes = [code for code, label in audit.known_actions() if words in label.lower()]
    return AuditEntry.action.in_(codes) if codes else None
