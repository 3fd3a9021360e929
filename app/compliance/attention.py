"""Compliance on the dashboards: violations that are due, counted per association, the
overview's compliance panel and an owner's own violations."""

from __future__ import annotations

from flask import has_request_context, request, url_for
from flask_babel import ngettext
from sqlalchemy import exists, func, select

from app.associations import attention
from app.associations.attention import Attention, Scope
from app.auth import policies
from app.compliance.models import Letter, Violation
from app.extensions import db


def due_condition(today):
    """Return the SQL condition of a violation that is due: its cure date has passed while
    it is open or noticed, or it is open and never got a first letter."""
    never_lettered = ~exists().where(
        Letter.violation_id == Violation.id, Letter.voided_at.is_(None)
    )
    return Violation.status.in_(["open", "noticed"]) & (
        (Violation.cure_by < today) | ((Violation.status == "open") & never_lettered)
    )


def _request_due_counts() -> dict[int, int]:
    """This request's due counts by association (a fresh dict outside a request)."""
    if not has_request_context():
        return {}
    return request.environ.setdefault("hoa.due_counts", {})


def due_counts(scope: Scope) -> dict[int, list[Attention]]:
    """Count the due violations of every association the viewer manages or sits on."""
    ids = [
        aid
        for aid in scope.ids
        if policies.is_manager(scope.user, aid) or policies.is_board(scope.user, aid)
    ]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Violation.association_id, func.count(Violation.id))
        .where(
            Violation.association_id.in_(ids),
            due_condition(scope.today_of(Violation.association_id)),
        )
        .group_by(Violation.association_id)
    ).all()
    # The dashboard's overview panel shows the same count: counted once per request.
    known = _request_due_counts()
    known.update(dict.fromkeys(ids, 0))
    known.update(dict(rows))
    return {
        aid: [
            Attention(
                ngettext("%(num)d violation is due", "%(num)d violations are due", count),
                count,
                url_for("compliance.due", aid=aid),
                "danger",
            )
        ]
        for aid, count in rows
    }


def unanswered_counts(scope: Scope) -> dict[int, list[Attention]]:
    """Count, per association the viewer manages, violations whose owner awaits a reply."""
    from app.compliance.conversation import unanswered_condition

    ids = [aid for aid in scope.ids if policies.is_manager(scope.user, aid)]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Violation.association_id, func.count(Violation.id))
        .where(Violation.association_id.in_(ids), unanswered_condition())
        .group_by(Violation.association_id)
    ).all()
    return {
        aid: [
            Attention(
                ngettext("%(num)d owner awaits a reply", "%(num)d owners await a reply", count),
                count,
                url_for("compliance.violations", aid=aid, unanswered=1),
                "warning",
            )
        ]
        for aid, count in rows
    }


def overview_panel(association, user) -> dict | None:
    """Violations by status and how many are due, for managers and the board."""
    if not (policies.is_manager(user, association) or policies.is_board(user, association)):
        return None
    from app.compliance.services import today

    counts = dict(
        db.session.execute(
            select(Violation.status, func.count(Violation.id))
            .where(Violation.association_id == association.id)
            .group_by(Violation.status)
        ).all()
    )
    known = _request_due_counts()
    if association.id in known:
        counts["due"] = known[association.id]
    else:
        counts["due"] = db.session.scalar(
            select(func.count(Violation.id)).where(
                Violation.association_id == association.id, due_condition(today(association))
            )
        )
    return {"compliance_counts": counts}


def my_violations_panel(association, user) -> dict | None:
    """An owner's own violations, newest first."""
    units = policies.owned_unit_ids(user, association)
    if not units:
        return None
    violations = db.session.scalars(
        select(Violation)
        .where(Violation.unit_id.in_(units))
        .order_by(Violation.id.desc())
        .limit(20)
    ).all()
    return {"my_violations": violations} if violations else None


def unit_panel(unit, user) -> dict | None:
    """A unit's violations with their letters and the owners' answers, for managers and
    the board."""
    if not (
        policies.is_manager(user, unit.association_id)
        or policies.is_board(user, unit.association_id)
    ):
        return None
    from sqlalchemy.orm import selectinload

    violations = db.session.scalars(
        select(Violation)
        .where(Violation.unit_id == unit.id)
        .options(
            selectinload(Violation.rule),
            selectinload(Violation.letters),
            selectinload(Violation.responses),
        )
        .order_by(Violation.id.desc())
    ).all()
    return {"violations": violations}


def register() -> None:
    """Add compliance's counter and panels to the dashboards."""
    attention.register_counter("compliance.due", due_counts, order=10)
    attention.register_counter("compliance.unanswered", unanswered_counts, order=15)
    attention.register_panel(
        "compliance.mine", "compliance/_my_violations.html", my_violations_panel, order=10
    )
    attention.register_panel(
        "compliance.overview", "compliance/_overview.html", overview_panel, order=20
    )
    attention.register_panel(
        "compliance.unit", "compliance/_unit.html", unit_panel, order=10, page="unit"
    )
