"""What the outbox and the job runner add to the application shell: the Mail link, the
background jobs page, audit actions in words and failed mail on the dashboards."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from app.associations import attention
from app.associations.attention import Attention, Scope
from app.auth import policies
from app.core import audit, navigation, outbox
from app.extensions import db


def failed_counts(scope: Scope) -> dict[int, list[Attention]]:
    """Count the messages that failed for good in every association the viewer manages."""
    ids = [aid for aid in scope.ids if policies.is_manager(scope.user, aid)]
    if not ids:
        return {}
    message = outbox.OutgoingMessage
    rows = db.session.execute(
        select(message.association_id, func.count(message.id))
        .where(message.association_id.in_(ids), message.status == outbox.FAILED)
        .group_by(message.association_id)
    ).all()
    return {
        aid: [
            Attention(
                ngettext(
                    "%(num)d e-mail could not be sent",
                    "%(num)d e-mails could not be sent",
                    count,
                ),
                count,
                url_for("outbox.mail", aid=aid, status="failed"),
                "danger",
            )
        ]
        for aid, count in rows
    }


def register(app) -> None:
    """Register the mail and jobs pages with the navigation, the audit log and dashboards."""
    navigation.section("outbox.mail", _l("Mail"), order=90, shows=policies.is_manager)
    navigation.administration(
        "outbox.job_list", _l("Background jobs"), order=30, shows=policies.is_admin
    )
    audit.describe_actions({"mail.retried": _l("E-mail sent again")})
    audit.link_records(
        "outgoing_message", lambda aid, id_: url_for("outbox.mail", aid=aid), _l("E-mail")
    )
    attention.register_counter("mail.failed", failed_counts, order=20)
