"""Compliance on the dashboards: violations that are due, counted per association, the
overview's compliance panel and an owner's own violations."""

from __future__ import annotations

from flask import has_request_context, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Integer, exists, func, literal, select, union_all

from app.associations import attention
from app.associations.attention import Attention, Scope
from app.auth import policies
from app.compliance.letter_models import Letter
from app.compliance.models import Violation
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


ATTENTION_BOUND = 1_000


def _bounded_counts(ids: list[int], where) -> dict[int, int]:
    """Count, per association, the violations matching ``where(aid)``, stopping past
    ATTENTION_BOUND: one statement whatever the number of associations, each part reading at
    most the bound + 1 rows (a 20,000-unit association has tens of thousands due)."""
    parts = [
        select(literal(aid, Integer).label("aid"), func.count().label("n")).select_from(
            select(Violation.id)
            .where(Violation.association_id == aid, where(aid))
            .limit(ATTENTION_BOUND + 1)
            .subquery()
        )
        for aid in ids
    ]
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    return {aid: count for aid, count in db.session.execute(statement).all()}


def _more(count: int) -> bool:
    return count > ATTENTION_BOUND


def due_counts(scope: Scope) -> dict[int, list[Attention]]:
    """Count the due violations of every association the viewer manages or sits on."""
    ids = [
        aid
        for aid in scope.ids
        if policies.is_manager(scope.user, aid) or policies.is_board(scope.user, aid)
    ]
    if not ids:
        return {}
    counts = _bounded_counts(ids, lambda aid: due_condition(scope.today[aid]))
    # The dashboard's overview panel shows the same count: counted once per request.
    _request_due_counts().update(counts)
    return {
        aid: [
            Attention(
                _("More than %(num)s violations are due", num=f"{ATTENTION_BOUND:,}")
                if _more(count)
                else ngettext("%(num)d violation is due", "%(num)d violations are due", count),
                count,
                url_for("compliance.due", aid=aid),
                "danger",
            )
        ]
        for aid, count in counts.items()
        if count
    }


def unanswered_counts(scope: Scope) -> dict[int, list[Attention]]:
    """Count, per association the viewer manages, violations whose owner awaits a reply."""
    from app.compliance.conversation import unanswered_condition

    ids = [aid for aid in scope.ids if policies.is_manager(scope.user, aid)]
    if not ids:
        return {}
    counts = _bounded_counts(ids, lambda aid: unanswered_condition())
    return {
        aid: [
            Attention(
                _("More than %(num)s owners await a reply", num=f"{ATTENTION_BOUND:,}")
                if _more(count)
                else ngettext(
                    "%(num)d owner awaits a reply", "%(num)d owners await a reply", count
                ),
                count,
                url_for("compliance.violations", aid=aid, unanswered=1),
                "warning",
            )
        ]
        for aid, count in counts.items()
        if count
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
    if association.id not in known:
        known.update(
            _bounded_counts([association.id], lambda aid: due_condition(today(association)))
        )
    counts["due"] = min(known[association.id], ATTENTION_BOUND)
    counts["due_more"] = known[association.id] > ATTENTION_BOUND
    counts["due_bound"] = f"{ATTENTION_BOUND:,}"
    return {"compliance_counts": counts}


def decisions_due(association) -> list[tuple[Violation, object]]:
    """Return the violations whose board decision the owner must still be told of in writing
    (CA Civil Code 5855(f): within 15 days), with the date it is due, soonest first."""
    from app.compliance.fines import decision_letter_due
    from app.compliance.models import Fine, FineStatus
    from app.compliance.profiles import profile_of

    if not profile_of(association.compliance_profile).decision_letter_days:
        return []
    violations = db.session.scalars(
        select(Violation)
        .where(
            Violation.association_id == association.id,
            exists().where(Fine.violation_id == Violation.id, Fine.status == FineStatus.APPROVED),
        )
        .order_by(Violation.id)
    ).all()
    due = []
    for violation in violations:
        approved = [f for f in violation.fines if f.status == FineStatus.APPROVED]
        told = [le for le in violation.live_letters if le.kind == "fine"]
        if len(told) < len(approved):
            due.append((violation, decision_letter_due(violation)))
    return sorted(due, key=lambda pair: (pair[1] is None, pair[1]))


def decisions_panel(association, user) -> dict | None:
    """The notices of decision due, for the managers, each issuable from the dashboard."""
    if not policies.is_manager(user, association):
        return None
    due = decisions_due(association)
    if not due:
        return None
    from app.associations.forms import ConfirmForm
    from app.compliance.profiles import profile_of
    from app.compliance.services import today

    profile = profile_of(association.compliance_profile)
    return {
        "decisions_due": due,
        "decision_rule": profile.decision_letter_rule,
        "today": today(association),
        "confirm": ConfirmForm(),
    }


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
        "compliance.decisions", "compliance/_decisions_due.html", decisions_panel, order=21
    )
    attention.register_panel(
        "compliance.unit", "compliance/_unit.html", unit_panel, order=10, page="unit"
    )
