"""How each person wants to be reached: their delivery preference (method, general notices
by mail, a second address, a legal representative, language), changing it, and the owners
an association does not reach."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.core import audit, clock
from app.core.errors import ValidationError
from app.delivery.models import LANGUAGES, Choice, Preference, Read
from app.extensions import db


def preference_of(user: User) -> Preference:
    """Return the person's preference (unsaved defaults when they never chose)."""
    found = db.session.get(Preference, user.id)
    if found is None:
        found = Preference(
            user_id=user.id,
            delivery=Choice.MAIL.value,
            general_by_mail=False,
            secondary_address="",
            legal_representative="",
        )
    return found


SECONDARY_MAX = 500


def set_preferences(
    user: User,
    *,
    language: str | None = None,
    delivery: str | None = None,
    general_by_mail: bool | None = None,
    secondary_address: str | None = None,
    legal_representative: str | None = None,
    confirm: bool = False,
) -> Preference:
    """Change the person's own preferences; only they can consent to e-mail."""
    errors: dict[str, list[str]] = {}
    if language is not None and language not in LANGUAGES:
        errors["language"] = [_("Choose en, es, it, da or ru.")]
    if delivery is not None and delivery not in {c.value for c in Choice}:
        errors["delivery"] = [_("Choose email, mail or both.")]
    if general_by_mail is not None and not isinstance(general_by_mail, bool):
        errors["general_by_mail"] = [_("Answer true or false.")]
    for name, value in (
        ("secondary_address", secondary_address),
        ("legal_representative", legal_representative),
    ):
        if value is not None and not isinstance(value, str):
            errors[name] = [_("Enter text.")]
        elif value is not None and len(value.strip()) > SECONDARY_MAX:
            errors[name] = [
                _(
                    "Use at most %(max)d characters (this has %(n)d).",
                    max=SECONDARY_MAX,
                    n=len(value),
                )
            ]
    if errors:
        raise ValidationError(errors)
    preference = preference_of(user)
    if preference not in db.session:
        db.session.add(preference)
    before = {
        "language": user.language,
        "delivery": preference.delivery,
        "general_by_mail": preference.general_by_mail,
        "secondary_address": preference.secondary_address,
        "legal_representative": preference.legal_representative,
    }
    now = clock.now()
    if language is not None:
        user.language = language
    if delivery is not None:
        if delivery != Choice.MAIL and preference.delivery == Choice.MAIL:
            preference.email_consent_at = now  # the person's own consent, now
        if delivery == Choice.MAIL:
            preference.email_consent_at = None
        preference.delivery = delivery
    if general_by_mail is not None:
        preference.general_by_mail = general_by_mail
    if secondary_address is not None:
        preference.secondary_address = secondary_address.strip()
    if legal_representative is not None:
        preference.legal_representative = legal_representative.strip()
    if confirm:
        preference.confirmed_at = now
    preference.updated_at = now
    after = {
        "language": user.language,
        "delivery": preference.delivery,
        "general_by_mail": preference.general_by_mail,
        "secondary_address": preference.secondary_address,
        "legal_representative": preference.legal_representative,
    }
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    db.session.flush()
    if changes or confirm:
        audit.record(
            "user.preferences",
            actor=user,
            subject_type="user",
            subject_id=user.id,
            summary=_("%(name)s changed how they receive notices", name=user.name)
            if changes
            else _("%(name)s confirmed how they receive notices", name=user.name),
            data={"changes": changes, "confirmed": confirm},
        )
    return preference


def preferences_dict(user: User) -> dict:
    """Return the preferences as the API shows them."""
    preference = preference_of(user)
    return {
        "language": user.language if user.language in LANGUAGES else "en",
        "delivery": preference.delivery,
        "general_by_mail": bool(preference.general_by_mail),
        "secondary_address": preference.secondary_address or "",
        "legal_representative": preference.legal_representative or "",
        "confirmed_at": preference.confirmed_at,
    }


def unreached(association_id: int, owner_ids: list[int], *, days: int = 90) -> list[int]:
    """Return the owners the association does not reach: no consent to e-mail and nothing
    read in the last ``days`` days."""
    if not owner_ids:
        return []
    from datetime import timedelta

    since = clock.now() - timedelta(days=days)
    emailed = set(
        db.session.scalars(
            select(Preference.user_id).where(
                Preference.user_id.in_(owner_ids), Preference.delivery != Choice.MAIL
            )
        )
    )
    readers = set(
        db.session.scalars(
            select(Read.user_id)
            .where(Read.association_id == association_id, Read.read_at >= since)
            .distinct()
        )
    )
    return [uid for uid in owner_ids if uid not in emailed and uid not in readers]
