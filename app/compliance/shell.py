"""What compliance adds to the application shell: its link in the navigation, its audit
actions in words, links to its records, and what needs a manager's attention."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.auth import policies
from app.core import audit, navigation


def _staff(user, aid: int) -> bool:
    return policies.is_manager(user, aid) or policies.is_board(user, aid)


def register(app) -> None:
    """Register compliance with the navigation, the audit log and the dashboards."""
    navigation.section("compliance.violations", _l("Violations"), order=40, shows=_staff)
    audit.describe_actions(
        {
            "rule.created": _l("Rule added"),
            "rule.updated": _l("Rule changed"),
            "inspection.opened": _l("Inspection opened"),
            "inspection.closed": _l("Inspection closed"),
            "violation.finding": _l("Finding recorded"),
            "violation.response": _l("Owner answered"),
            "violation.cured": _l("Violation cured"),
            "violation.closed": _l("Violation closed"),
            "violation.reopened": _l("Violation reopened"),
            "violation.reply": _l("Office replied to the owner"),
            "letter.voided": _l("Letter voided"),
            "letter.courtesy": _l("Courtesy notice issued"),
            "letter.violation": _l("Notice of violation issued"),
            "letter.hearing": _l("Hearing notice issued"),
            "letter.fine": _l("Notice of fine issued"),
            "letter.closure": _l("Closure letter issued"),
            "letter_template.saved": _l("Letter wording saved"),
            "hearing.scheduled": _l("Hearing scheduled"),
            "hearing.rescheduled": _l("Hearing rescheduled"),
            "fine.proposed": _l("Fine proposed"),
            "fine.paid": _l("Fine paid"),
            "fine.waived": _l("Fine waived"),
            "batch.created": _l("Mailing batch built"),
            "batch.mailed": _l("Mailing batch mailed"),
            "batch.cancelled": _l("Mailing batch cancelled"),
        }
    )
    audit.link_records(
        "violation",
        lambda aid, id_: url_for("compliance.violation", aid=aid, violation_id=id_),
        _l("Violation"),
    )
    audit.link_records(
        "inspection",
        lambda aid, id_: url_for("compliance.inspection", aid=aid, inspection_id=id_),
        _l("Inspection"),
    )
    audit.link_records(
        "rule", lambda aid, id_: url_for("compliance.edit_rule", aid=aid, rule_id=id_), _l("Rule")
    )
    audit.link_records(
        "letter_batch",
        lambda aid, id_: url_for("compliance.batch", aid=aid, batch_id=id_),
        _l("Mailing batch"),
    )
    from app.compliance import attention

    attention.register()
