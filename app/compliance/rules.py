"""The association's rules: checking a rule's fields and translations, adding, changing and
looking one up."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Association
from app.auth.models import User
from app.compliance.models import Rule
from app.core import audit
from app.core.errors import Conflict, ValidationError
from app.core.inputs import too_long
from app.core.parsing import parse_amount
from app.extensions import db

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
