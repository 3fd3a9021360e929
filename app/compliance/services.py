"""Rules, inspections, findings and photos, violations, cures, closures and owner responses."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import literal_column, select
from sqlalchemy.orm import immediateload, joinedload, selectinload

from app.associations.models import Association, Unit
from app.auth.models import User
from app.compliance.letter_models import Letter
from app.compliance.models import Finding, Inspection, Photo, Rule, Violation, ViolationStatus
from app.core import audit, clock, storage
from app.core.errors import Conflict, InvalidTransition, NotFound, ValidationError
from app.core.inputs import too_long
from app.core.parsing import parse_amount
from app.extensions import db

OPEN_STATUSES = (
    ViolationStatus.OPEN,
    ViolationStatus.NOTICED,
    ViolationStatus.HEARING_SCHEDULED,
    ViolationStatus.FINED,
)


def today(association: Association) -> date:
    """Return today's date in the association's time zone."""
    return clock.today(association.time_zone)


def record(
    violation: Violation, action: str, summary: str, *, actor: User | None, data: dict | None = None
) -> None:
    """Write an audit entry about a violation."""
    audit.record(
        action,
        actor=actor,
        association_id=violation.association_id,
        subject_type="violation",
        subject_id=violation.id,
        summary=summary,
        data=data,
    )


# --- rules ----------------------------------------------------------------------------------

RULE_FIELDS = (
    "code",
    "title",
    "description",
    "ccr_section",
    "cure_days",
    "fine_amount",
    "repeat_fine_amount",
    "repeat_window_days",
    "daily_fine_amount",
    "daily_fine_max_days",
)


def _int_or_none(
    values: dict,
    field: str,
    errors: dict,
    *,
    required: bool = False,
    minimum: int = 0,
    maximum: int = 3650,
) -> int | None:
    raw = values.get(field)
    if raw in (None, ""):
        if required:
            errors[field] = [_("Enter a number of days.")]
        return None
    try:
        number = int(raw)
        if isinstance(raw, float) and raw != number:
            raise ValueError
    except (TypeError, ValueError):
        errors[field] = [_("Enter a whole number.")]
        return None
    if not minimum <= number <= maximum:
        errors[field] = [_("Enter a number from %(low)d to %(high)d.", low=minimum, high=maximum)]
    return number


def _rule_values(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    clean = {}
    for field, limit in (("code", 30), ("title", 200)):
        text = str(values.get(field) or "").strip()
        if not text or len(text) > limit:
            errors[field] = [_("Enter at most %(n)d characters.", n=limit)]
        clean[field] = text
    clean["description"] = str(values.get("description") or "").strip()
    if not clean["description"]:
        errors["description"] = [_("Enter the rule's full text, as owners will read it.")]
    clean["ccr_section"] = str(values.get("ccr_section") or "").strip()
    if message := too_long(clean["ccr_section"], 60):
        errors["ccr_section"] = [message]
    clean["cure_days"] = _int_or_none(values, "cure_days", errors, required=True)
    for field, required in (
        ("fine_amount", True),
        ("repeat_fine_amount", False),
        ("daily_fine_amount", False),
    ):
        try:
            clean[field] = parse_amount(values.get(field), field, required=required)
        except ValidationError as error:
            errors.update(error.errors)
    clean["repeat_window_days"] = _int_or_none(values, "repeat_window_days", errors, minimum=1)
    clean["daily_fine_max_days"] = _int_or_none(values, "daily_fine_max_days", errors, minimum=1)
    if clean.get("repeat_fine_amount") is not None and clean["repeat_window_days"] is None:
        errors.setdefault("repeat_window_days", []).append(
            _("A repeat fine needs the look-back window in days.")
        )
    if clean.get("daily_fine_amount") is not None and clean["daily_fine_max_days"] is None:
        errors.setdefault("daily_fine_max_days", []).append(
            _("A continuing fine needs a maximum number of days.")
        )
    if any(key.startswith(("title_", "description_")) for key in values):
        # The page's form: title_es, description_es … become translations.
        values = {**values, "translations": _translations_from_fields(values)}
    if "translations" in values:
        clean["translations"] = _translations(values.get("translations"), errors)
    if errors:
        raise ValidationError(errors)
    return clean


TRANSLATED = ("es", "it", "da", "ru")


def _translations_from_fields(values: dict) -> dict:
    return {
        lang: {
            "title": values.get(f"title_{lang}") or "",
            "description": values.get(f"description_{lang}") or "",
        }
        for lang in TRANSLATED
    }


def _translations(raw, errors: dict) -> dict:
    """Check a rule's translations: {language: {title, description}}, empty ones dropped."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        errors["translations"] = [_("Give translations as {language: {title, description}}.")]
        return {}
    clean = {}
    for lang, text in raw.items():
        if lang not in TRANSLATED or not isinstance(text, dict):
            errors["translations"] = [
                _("Translations are for es, it, da or ru, each with a title and description.")
            ]
            continue
        title = str(text.get("title") or "").strip()
        description = str(text.get("description") or "").strip()
        if message := too_long(title, 200):
            errors[f"title_{lang}"] = [message]
        if message := too_long(description, 20000):
            errors[f"description_{lang}"] = [message]
        if title or description:
            clean[lang] = {"title": title, "description": description}
    return clean


def create_rule(association: Association, values: dict, *, actor: User) -> Rule:
    """Add a rule with its cure period and fine schedule."""
    clean = _rule_values(values)
    if db.session.scalar(
        select(Rule.id).where(Rule.association_id == association.id, Rule.code == clean["code"])
    ):
        raise Conflict(_("A rule with the code %(code)s already exists.", code=clean["code"]))
    rule = Rule(association_id=association.id, **clean)
    db.session.add(rule)
    db.session.flush()
    audit.record(
        "rule.created",
        actor=actor,
        association_id=association.id,
        subject_type="rule",
        subject_id=rule.id,
        summary=_("Added rule %(code)s %(title)s", code=rule.code, title=rule.title),
        data={
            k: str(v) if v is not None else None
            for k, v in clean.items()
            if k not in ("description", "translations")
        },
    )
    return rule


def update_rule(rule: Rule, values: dict, *, actor: User) -> Rule:
    """Change a rule; violations already open keep their history."""
    clean = _rule_values(values)
    clash = db.session.scalar(
        select(Rule.id).where(
            Rule.association_id == rule.association_id,
            Rule.code == clean["code"],
            Rule.id != rule.id,
        )
    )
    if clash:
        raise ValidationError("code", _("Another rule already has this code."))
    changes = {}
    for field, value in clean.items():
        if getattr(rule, field) != value:
            changes[field] = [str(getattr(rule, field)), str(value)]
            setattr(rule, field, value)
    if changes:
        audit.record(
            "rule.updated",
            actor=actor,
            association_id=rule.association_id,
            subject_type="rule",
            subject_id=rule.id,
            summary=_("Changed rule %(code)s", code=rule.code),
            data=changes,
        )
    return rule


def get_rule(association: Association, rule_id) -> Rule:
    """Return a rule of the association or raise a field error."""
    rule = db.session.get(Rule, rule_id) if isinstance(rule_id, int) else None
    if rule is None or rule.association_id != association.id:
        raise ValidationError("rule_id", _("Choose a rule of this association."))
    return rule


# --- inspections and findings --------------------------------------------------------------


def create_inspection(association: Association, *, scheduled_for, actor: User) -> Inspection:
    """Open an inspection for a day."""
    if not isinstance(scheduled_for, date):
        raise ValidationError("scheduled_for", _("Enter a date such as 2027-03-04."))
    existing = open_inspection_on(association, scheduled_for)
    if existing is not None:  # pressing "Open" twice continues the day's inspection
        return existing
    inspection = Inspection(
        association_id=association.id,
        scheduled_for=scheduled_for,
        status="open",
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    db.session.add(inspection)
    db.session.flush()
    audit.record(
        "inspection.opened",
        actor=actor,
        association_id=association.id,
        subject_type="inspection",
        subject_id=inspection.id,
        summary=_("Opened the inspection of %(date)s", date=scheduled_for.isoformat()),
    )
    return inspection


def open_inspection_on(association: Association, day: date) -> Inspection | None:
    """Return the association's inspection of that day that is still open, if any."""
    return db.session.scalar(
        select(Inspection)
        .where(
            Inspection.association_id == association.id,
            Inspection.scheduled_for == day,
            Inspection.status == "open",
        )
        .order_by(Inspection.id)
        .limit(1)
    )


def close_inspection(inspection: Inspection, *, actor: User) -> None:
    """Close an inspection; no more findings are recorded on it."""
    if inspection.status != "open":
        raise InvalidTransition(_("This inspection is already closed."))
    inspection.status = "closed"
    audit.record(
        "inspection.closed",
        actor=actor,
        association_id=inspection.association_id,
        subject_type="inspection",
        subject_id=inspection.id,
        summary=_(
            "Closed the inspection of %(date)s with %(n)d findings",
            date=inspection.scheduled_for.isoformat(),
            n=len(inspection.findings),
        ),
    )


def open_violation_for(unit: Unit, rule: Rule) -> Violation | None:
    """Return the unit's violation of this rule that is still open, if any."""
    return db.session.scalar(
        select(Violation).where(
            Violation.unit_id == unit.id,
            Violation.rule_id == rule.id,
            Violation.status.in_([s.value for s in OPEN_STATUSES]),
        )
    )


def is_repeat(unit: Unit, rule: Rule, on: date) -> bool:
    """Tell whether the unit broke the same rule within the rule's look-back window."""
    if not rule.repeat_window_days:
        return False
    since = on - timedelta(days=rule.repeat_window_days)
    return (
        db.session.scalar(
            select(Violation.id).where(
                Violation.unit_id == unit.id,
                Violation.rule_id == rule.id,
                Violation.opened_on >= since,
            )
        )
        is not None
    )


def record_finding(
    inspection: Inspection,
    *,
    unit_id,
    rule_id,
    notes: str,
    photos: list[bytes] = (),
    actor: User,
) -> Finding:
    """Record what the inspector saw: it opens a violation or re-inspects the open one."""
    association = db.session.get(Association, inspection.association_id)
    if inspection.status != "open":
        raise InvalidTransition(_("This inspection is closed; open a new one."))
    errors: dict[str, list[str]] = {}
    unit = db.session.get(Unit, unit_id) if isinstance(unit_id, int) else None
    if unit is None or unit.association_id != association.id:
        errors["unit_id"] = [_("Choose a unit of this association.")]
    try:
        rule = get_rule(association, rule_id)
    except ValidationError as error:
        errors.update(error.errors)
    if notes is not None and not isinstance(notes, str):
        errors["notes"] = [_("Write the notes as text.")]
        notes = ""
    notes = (notes or "").strip()
    if len(notes) > 4000:
        errors["notes"] = [_("Keep the notes under 4,000 characters.")]
    if errors:
        raise ValidationError(errors)
    observed = today(association)
    violation = open_violation_for(unit, rule)
    reinspection = violation is not None
    if violation is None:
        violation = Violation(
            association_id=association.id,
            unit_id=unit.id,
            rule_id=rule.id,
            status=ViolationStatus.OPEN.value,
            opened_on=observed,
            is_repeat=is_repeat(unit, rule, observed),
        )
        db.session.add(violation)
        db.session.flush()
    finding = Finding(
        inspection_id=inspection.id,
        notes=notes,
        observed_on=observed,
        reinspection=reinspection,
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    violation.findings.append(finding)
    db.session.flush()
    for data in photos:
        stored = storage.save_photo(data)
        db.session.add(
            Photo(
                association_id=association.id,
                finding_id=finding.id,
                stored_name=stored.stored_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                created_at=clock.now(),
            )
        )
    db.session.flush()
    db.session.expire(finding, ["photos"])
    if reinspection:
        summary = _(
            "Re-inspected unit %(label)s for %(code)s: %(notes)s",
            label=unit.label,
            code=rule.code,
            notes=notes[:200],
        )
    else:
        summary = _(
            "Opened a violation of %(code)s at unit %(label)s%(repeat)s: %(notes)s",
            code=rule.code,
            label=unit.label,
            repeat=_(" (repeat offence)") if violation.is_repeat else "",
            notes=notes[:200],
        )
    record(
        violation,
        "violation.finding",
        summary,
        actor=actor,
        data={
            "finding_id": finding.id,
            "inspection_id": inspection.id,
            "photos": len(photos),
            "reinspection": reinspection,
        },
    )
    return finding


# --- violations: cure, close, responses -----------------------------------------------------


def get_violation(violation_id: int) -> Violation:
    """Return a violation by id or raise NotFound."""
    violation = db.session.get(Violation, violation_id)
    if violation is None:
        raise NotFound(_("No such violation."))
    return violation


def proposed_fine(violation: Violation) -> Decimal:
    """Return what the fine schedule proposes: first or repeat offence plus continuing days."""
    rule = violation.rule
    amount = (
        rule.repeat_fine_amount
        if violation.is_repeat and rule.repeat_fine_amount
        else rule.fine_amount
    )
    if rule.daily_fine_amount and violation.cure_by:
        days = (today(violation.association) - violation.cure_by).days
        days = max(0, min(days, rule.daily_fine_max_days or 0))
        amount += rule.daily_fine_amount * days
    return Decimal(amount)


def _by_unit(aid: int):
    """The association's violations joined to their units, to be sorted by unit label.

    The page walks the association's units in label order (their unique (association_id,
    label) index) and each unit's violations through ``unit_id``, instead of reading every
    violation of the association and sorting them (1.1 s a page at 80,000 violations).
    SQLite's planner prefers the violations' association index and a temporary B-tree to
    sort; the unary plus on that term is SQLite's documented way to keep a term from
    choosing the index (https://sqlite.org/optoverview.html#disqualifying_where_clause_terms_
    using_unary_), so the units lead. PostgreSQL plans the join from the units' index
    itself."""
    term = Violation.association_id == aid
    if db.session.get_bind().dialect.name == "sqlite":
        term = literal_column(f"+{Violation.__tablename__}.association_id") == aid
    return select(Violation).join(Violation.unit).where(Unit.association_id == aid, term)


def violation_query(
    aid: int,
    *,
    status=None,
    rule_id=None,
    unit_id=None,
    overdue=None,
    today: date,
    for_list: bool = False,
    by_unit: bool = False,
):
    """Return the violations of an association matching the filters.

    ``for_list`` loads only what the violations page shows (unit, rule, and the letters'
    ids to count them); otherwise every relation the API's violation carries. ``by_unit``
    joins the units to sort by their label.
    """
    if for_list:
        options = (
            selectinload(Violation.letters).load_only(Letter.id, Letter.voided_at),
            selectinload(Violation.rule),
            selectinload(Violation.unit),
        )
    else:
        # The one-to-one relations join the rows' query; the collections come in one
        # IN-query each (API lists: issue 14). The association is attached as the rows load
        # (from the session, no statement): the API dumps the page after its view returned,
        # when nothing else holds the association any more, and the fines' cap notes would
        # load it again.
        options = (
            selectinload(Violation.letters),
            selectinload(Violation.fines),
            selectinload(Violation.responses),
            joinedload(Violation.rule),
            joinedload(Violation.unit),
            joinedload(Violation.hearing),
            immediateload(Violation.association),
        )
    statement = select(Violation).where(Violation.association_id == aid).options(*options)
    if by_unit:
        statement = _by_unit(aid).options(*options)
    if status:
        statement = statement.where(Violation.status == status)
    if rule_id:
        statement = statement.where(Violation.rule_id == rule_id)
    if unit_id:
        statement = statement.where(Violation.unit_id == unit_id)
    if overdue:
        statement = statement.where(Violation.is_overdue(today))
    return statement
