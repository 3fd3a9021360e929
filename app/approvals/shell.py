"""What the approval engine adds to the application shell: the navigation link, the
"awaiting my vote" badge, audit actions in words and pending requests on the dashboards."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from app.approvals import policies as approval_policies
from app.approvals.models import ApprovalRequest, ApprovalStatus, choice_words
from app.associations import attention
from app.associations.attention import Attention, Scope
from app.core import audit, navigation
from app.core.navigation import Badge
from app.extensions import db


def _awaiting_query(user):
    from app.approvals.listing import awaiting_count_query

    return awaiting_count_query(user)


def _awaiting_badge(count: int) -> Badge | None:
    return Badge(
        ngettext("%(num)d awaits my vote", "%(num)d await my vote", count),
        url_for("approvals.awaiting"),
        count,
    )


def pending_counts(scope: Scope) -> dict[int, list[Attention]]:
    """Count the requests before the board in every association whose requests the viewer
    follows (managers and board)."""
    ids = [aid for aid in scope.ids if approval_policies.can_see_all_requests(scope.user, aid)]
    if not ids:
        return {}
    rows = db.session.execute(
        select(ApprovalRequest.association_id, func.count(ApprovalRequest.id))
        .where(
            ApprovalRequest.association_id.in_(ids),
            ApprovalRequest.status == ApprovalStatus.PENDING,
        )
        .group_by(ApprovalRequest.association_id)
    ).all()
    return {
        aid: [
            Attention(
                ngettext(
                    "%(num)d request waits for the board",
                    "%(num)d requests wait for the board",
                    count,
                ),
                count,
                url_for("approvals.index", aid=aid),
                "info",
            )
        ]
        for aid, count in rows
    }


def register(app) -> None:
    """Register approvals with the navigation, the audit log and the dashboards."""
    app.add_template_global(choice_words)  # templates/labels.html: imported without context
    navigation.section(
        "approvals.index",
        _l("Approvals"),
        order=70,
        shows=approval_policies.can_see_all_requests,
    )
    navigation.badge("approvals.awaiting", _awaiting_badge, query=_awaiting_query)
    audit.describe_actions(
        {
            "approval.opened": _l("Put to the board"),
            "approval.vote": _l("Vote cast"),
            "approval.approved": _l("Approved by the board"),
            "approval.rejected": _l("Rejected by the board"),
            "approval.withdrawn": _l("Request withdrawn"),
            "approval.threshold_set": _l("Board threshold set"),
        }
    )
    audit.link_records("fine", None, _l("Fine"))
    attention.register_counter("approvals.pending", pending_counts, order=30)
