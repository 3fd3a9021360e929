"""What architectural review adds to the application shell: its navigation link, its audit
actions in words, links to its records, the dashboard counter and the daily deemed-approval
run."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from app.arc import policies
from app.arc.decisions import decision_words
from app.core import audit, jobs, navigation


def _shows(user, aid: int) -> bool:
    return policies.can_see_all(user, aid) or policies.can_submit(user, aid)


def due_counts(scope) -> dict:
    """Count, per association, undecided requests due within 7 days or overdue."""
    from app.arc.models import ArcRequest, ArcStatus
    from app.associations.attention import Attention
    from app.extensions import db

    ids = [aid for aid in scope.ids if policies.can_review(scope.user, aid)]
    if not ids:
        return {}
    rows = db.session.execute(
        select(ArcRequest.association_id, func.count(ArcRequest.id))
        .where(
            ArcRequest.association_id.in_(ids),
            ArcRequest.status == ArcStatus.SUBMITTED,
            ArcRequest.decide_by <= scope.today_of(ArcRequest.association_id, 7),
        )
        .group_by(ArcRequest.association_id)
    ).all()
    return {
        aid: [
            Attention(
                ngettext(
                    "%(num)d architectural request is due within a week or overdue",
                    "%(num)d architectural requests are due within a week or overdue",
                    count,
                ),
                count,
                url_for("arc.requests", aid=aid, due=1),
                "warning",
            )
        ]
        for aid, count in rows
    }


@jobs.daily
def arc_deemed_approvals() -> None:
    """Deem approved the requests not decided in time where the association says so."""
    from app.arc.decisions import apply_deemed_approvals

    apply_deemed_approvals()


def register(app) -> None:
    """Register architectural review with the navigation, the audit log and the dashboards."""
    app.add_template_global(decision_words, "arc_decision_words")  # templates/labels.html
    from app.associations import attention

    navigation.section("arc.requests", _l("Architectural review"), order=45, shows=_shows)
    audit.describe_actions(
        {
            "arc.submitted": _l("Architectural request submitted"),
            "arc.message": _l("Message on an architectural request"),
            "arc.withdrawn": _l("Architectural request withdrawn"),
            "arc.proposed": _l("Architectural decision proposed"),
            "arc.decided": _l("Architectural request decided"),
            "arc.appealed": _l("Architectural denial appealed"),
            "arc.settings": _l("Architectural review settings saved"),
        }
    )
    audit.link_records(
        "arc_request",
        lambda aid, id_: url_for("arc.request", aid=aid, request_id=id_),
        _l("Architectural request"),
    )
    audit.link_records("arc_appeal", None, _l("Appeal of an architectural denial"))
    attention.register_counter("arc.due", due_counts, order=30)
