"""The violations list and what is due today."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import ARRAY, Integer, any_, cast, func, literal, or_, select, union
from sqlalchemy.orm import selectinload

from app.associations.forms import ConfirmForm
from app.associations.models import Unit
from app.compliance import ladder
from app.compliance import services as compliance
from app.compliance.attention import due_condition
from app.compliance.conversation import unanswered_condition
from app.compliance.models import (
    Rule,
    Violation,
)
from app.compliance.views.base import STATUS_LABELS, _fail, _manage, _see_all, bp
from app.core.errors import DomainError
from app.core.listing import contains, paginate
from app.core.pages import actor, list_args
from app.extensions import db

# --- violations -----------------------------------------------------------------------------


@bp.route("/violations")
@login_required
def violations(aid: int):
    """Violations with filters: status, rule, unit, overdue cure date, age."""
    association = _see_all(aid)
    args = request.args
    today = compliance.today(association)
    statement = compliance.violation_query(
        aid,
        status=args.get("status") or None,
        rule_id=int(args["rule"]) if args.get("rule", "").isdigit() else None,
        unit_id=None,
        overdue=args.get("overdue") == "1",
        today=today,
        for_list=True,
        by_unit=args.get("sort") == "unit",
    )
    # Joined only to sort by them: the page's ids and the count then come from the
    # violations' own (association_id, [status,] opened_on, id) indexes.
    sort = args.get("sort")
    if sort == "rule":
        statement = statement.join(Violation.rule)
    if args.get("unanswered") == "1":
        statement = statement.where(unanswered_condition())
    age = args.get("age", "")
    if age.isdigit():
        statement = statement.where(Violation.opened_on <= today - timedelta(days=int(age)))
    page = paginate(
        statement,
        search_also=lambda q: _matching(aid, q),
        sortable={
            "opened": Violation.opened_on,
            "unit": Unit.label,
            "rule": Rule.code,
            "status": Violation.status,
            "cure": Violation.cure_by,
        },
        default_sort="opened",
        tiebreak=Violation.id,
        **{**list_args(), "direction": args.get("dir") or "desc"},
    )
    rule_options = db.session.scalars(
        select(Rule).where(Rule.association_id == aid).order_by(Rule.code)
    ).all()
    page.extra.update(
        status=args.get("status", ""),
        rule=args.get("rule", ""),
        overdue=args.get("overdue", ""),
        unanswered=args.get("unanswered", ""),
        age=age,
    )
    return render_template(
        "compliance/violations.html",
        association=association,
        page=page,
        rules=rule_options,
        statuses=STATUS_LABELS,
        today=today,
    )


def _matching(aid: int, q: str):
    """Violations whose unit (label, address) or rule (code, title) holds the search text:
    the units are found through their own indexes (pg_trgm on PostgreSQL) first, then their
    violations through the unit_id and rule_id indexes (a union, which both databases
    answer from those indexes where an OR would make them walk the association)."""
    units = select(Unit.id).where(
        Unit.association_id == aid, or_(contains(Unit.label, q), contains(Unit.street_address, q))
    )
    rules = select(Rule.id).where(
        Rule.association_id == aid, or_(contains(Rule.code, q), contains(Rule.title, q))
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Each side once, as an array (an InitPlan), then "unit_id = ANY(…)" on the
        # ordered index: PostgreSQL otherwise misjudges the trigram match and hash-joins
        # every violation of the installation.
        def ids_of(query):
            found = query.with_only_columns(func.array_agg(query.selected_columns[0]))
            empty = cast(literal("{}"), ARRAY(Integer))
            return any_(func.coalesce(found.scalar_subquery(), empty))

        return or_(Violation.unit_id == ids_of(units), Violation.rule_id == ids_of(rules))
    matching = union(
        select(Violation.id).where(Violation.unit_id.in_(units)),
        select(Violation.id).where(Violation.rule_id.in_(rules)),
    )
    return Violation.id.in_(matching)


@bp.route("/due")
@login_required
def due(aid: int):
    """Due today: cure dates that passed, needing a re-inspection or the next letter."""
    association = _see_all(aid)
    today = compliance.today(association)
    items = db.session.scalars(
        select(Violation)
        .where(Violation.association_id == aid, due_condition(today))
        .options(
            selectinload(Violation.unit),
            selectinload(Violation.rule),
            selectinload(Violation.letters),
        )
        .order_by(Violation.cure_by.is_(None), Violation.cure_by, Violation.id)
    ).all()
    rows = []
    for violation in items:
        kinds = {le.kind for le in violation.live_letters}
        if not kinds:
            step = _("Issue the first letter (a courtesy notice or the notice of violation)")
        elif "violation" not in kinds:
            step = _("Re-inspect; if not cured, issue the notice of violation")
        else:
            step = _("Re-inspect; if not cured, schedule the hearing")
        rows.append(
            {
                "violation": violation,
                "days": (today - violation.cure_by).days if violation.cure_by else None,
                "step": step,
                "next_kind": "violation" if "violation" not in kinds else None,
            }
        )
    return render_template(
        "compliance/due.html",
        association=association,
        rows=rows,
        today=today,
        confirm=ConfirmForm(),
    )


@bp.route("/due/notices", methods=["POST"])
@login_required
def due_notices(aid: int):
    """Issue the notice of violation for every selected violation at once."""
    _manage(aid)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ids = [int(v) for v in request.form.getlist("violation_id") if v.isdigit()]
    selected = db.session.scalars(
        select(Violation).where(Violation.association_id == aid, Violation.id.in_(ids))
    ).all()
    if not selected:
        flash(_("Select at least one violation."), "warning")
        return redirect(url_for("compliance.due", aid=aid))
    try:
        issued = ladder.issue_letters_bulk(list(selected), "violation", actor=actor())
    except DomainError as error:
        return _fail(error, url_for("compliance.due", aid=aid))
    db.session.commit()
    flash(
        _(
            "Issued %(n)d notices of violation; they wait for the next mailing batch.",
            n=len(issued),
        ),
        "success",
    )
    return redirect(url_for("compliance.due", aid=aid))
