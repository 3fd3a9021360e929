"""The compliance blueprint and what its pages share: who may manage, status labels."""

from __future__ import annotations

from flask import Blueprint, flash, redirect
from flask_babel import gettext as _

from app.compliance import policies as compliance_policies
from app.compliance.models import Violation
from app.core.errors import DomainError, NotFound
from app.core.pages import actor, load_association, require
from app.extensions import db

bp = Blueprint("compliance", __name__, url_prefix="/associations/<int:aid>/compliance")

STATUS_LABELS = {
    "open": "Open",
    "noticed": "Noticed",
    "hearing_scheduled": "Hearing set",
    "fined": "Fined",
    "cured": "Cured",
    "closed": "Closed",
}


def _manage(aid: int):
    association = load_association(aid)
    require(compliance_policies.can_manage(actor(), aid))
    return association


def _see_all(aid: int):
    association = load_association(aid)
    require(compliance_policies.can_see_all(actor(), aid))
    return association


def _fail(error: DomainError, target: str):
    db.session.rollback()
    flash(error.message, "danger")
    return redirect(target)


def _violation(aid: int, violation_id: int) -> Violation:
    load_association(aid)
    violation = db.session.get(Violation, violation_id)
    if (
        violation is None
        or violation.association_id != aid
        or not compliance_policies.can_view_violation(actor(), violation)
    ):
        raise NotFound(_("No such violation."))
    return violation
