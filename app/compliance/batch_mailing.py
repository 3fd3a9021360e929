"""Mailing a batch: the tracking numbers certified letters need, and the confirmation."""

from __future__ import annotations

from flask_babel import gettext as _

from app.associations.models import Association
from app.auth.models import User
from app.compliance.batches import record_event
from app.compliance.letter_delivery import letters_mailed
from app.compliance.letter_models import BatchStatus, Letter, LetterBatch
from app.compliance.profiles import profile_of
from app.core import clock
from app.core.errors import InvalidTransition, ValidationError
from app.delivery import services as delivery
from app.extensions import db


def _tracking(tracking_numbers: dict | None) -> dict[str, str]:
    given = {k: v for k, v in (tracking_numbers or {}).items() if v is not None}
    # A number is text or digits; anything else (an object, a list, true) is refused rather
    # than kept as its Python spelling.
    bad = sorted(
        str(k) for k, v in given.items() if isinstance(v, bool) or not isinstance(v, str | int)
    )
    if bad:
        raise ValidationError(
            "tracking_numbers",
            _("Send each tracking number as text (letters %(ids)s).", ids=", ".join(bad)),
        )
    return {str(k): str(v).strip() for k, v in given.items() if str(v).strip()}


def _profile(batch: LetterBatch):
    return profile_of(db.session.get(Association, batch.association_id).compliance_profile)


def _certified(letters, profile, tracking: dict[str, str]) -> list:
    """The letters (or printed copies) the profile sends by certified mail that have no
    number in ``tracking``."""
    return [x for x in letters if x.kind in profile.certified_mail and str(x.id) not in tracking]


def missing_tracking(batch: LetterBatch, tracking_numbers: dict | None) -> list[Letter]:
    """Return the batch's letters the profile sends by certified mail that have no number."""
    return _certified(batch.letters, _profile(batch), _tracking(tracking_numbers))


def certified_copies(batch: LetterBatch) -> list[delivery.PrintedLetter]:
    """Return the letters printed from deliveries in the batch (an architectural denial)
    that the profile sends by certified mail."""
    return _certified(delivery.printed_letters(batch.id), _profile(batch), {})


def missing_copies(batch: LetterBatch, tracking_numbers: dict | None) -> list:
    """Return the batch's certified printed letters that have no tracking number."""
    return _certified(
        delivery.printed_letters(batch.id), _profile(batch), _tracking(tracking_numbers)
    )


def confirm_batch(batch: LetterBatch, *, tracking_numbers: dict | None, actor: User) -> None:
    """Mark the batch's letters mailed; certified letters need their tracking numbers."""
    if batch.status != BatchStatus.DONE:
        raise InvalidTransition(
            _(
                "Only a finished batch can be confirmed; this one is %(status)s.",
                status=batch.status,
            )
        )
    tracking = _tracking(tracking_numbers)
    profile = _profile(batch)
    printed = delivery.printed_letters(batch.id)
    missing = [
        (letter.id, letter.violation.unit.label, letter.recipient)
        for letter in _certified(batch.letters, profile, tracking)
    ] + [(c.id, c.unit, c.recipient) for c in _certified(printed, profile, tracking)]
    if missing:
        raise ValidationError(
            "tracking_numbers",
            _(
                "%(name)s requires certified mail for these letters; give their tracking "
                "numbers: %(letters)s.",
                name=profile.name,
                letters="; ".join(
                    _(
                        "unit %(unit)s, %(owners)s (letter %(id)d)",
                        unit=unit,
                        owners=recipient.splitlines()[0] if recipient else "—",
                        id=letter_id,
                    )
                    for letter_id, unit, recipient in missing
                ),
            ),
        )
    copies = {str(c.id) for c in printed}
    unknown = sorted(set(tracking) - {str(letter.id) for letter in batch.letters} - copies)
    if unknown:
        raise ValidationError(
            "tracking_numbers", _("Letters %(ids)s are not in this batch.", ids=", ".join(unknown))
        )
    now = clock.now()
    for letter in batch.letters:
        letter.mailed_at = now
        letter.tracking_number = tracking.get(str(letter.id))
    batch.status, batch.mailed_at = BatchStatus.MAILED.value, now
    letters_mailed([letter.id for letter in batch.letters], now)
    delivery.letters_tracked(batch.id, {int(k): v for k, v in tracking.items() if k in copies})
    delivery.batch_mailed(batch.id, now)
    record_event(
        batch,
        "batch.mailed",
        _("Confirmed the mailing of %(n)d letters", n=len(batch.letters)),
        actor=actor,
        data={"tracking_numbers": tracking},
    )
