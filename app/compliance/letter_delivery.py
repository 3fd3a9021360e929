"""Letters go out through the one delivery service: to the portal at once, by e-mail to
owners whose preference includes it (the PDF attached), and on paper through the mailing
batch (``mailed`` when the batch is confirmed: Civil Code 4050(b))."""

from __future__ import annotations

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.compliance.letter_models import Letter
from app.compliance.models import Violation
from app.delivery import services as delivery
from app.extensions import db

SUBJECT = "letter"


def _open_url(letter_id: int) -> str:
    letter = db.session.get(Letter, letter_id)
    return url_for("portal.violation", aid=letter.association_id, violation_id=letter.violation_id)


delivery.register(
    delivery.SubjectKind(
        SUBJECT,
        title=lambda letter_id: _("Letter %(id)d", id=letter_id),
        open_url=_open_url,
    )
)


def deliver_letter(violation: Violation, letter: Letter, context: dict) -> delivery.Outcome:
    """Record the letter's deliveries to the unit's owners and queue its e-mails."""
    owners = [m.user_id for m in violation.unit.memberships if m.role == "owner"]
    association = violation.association

    def email(recipient: delivery.Recipient) -> delivery.Email:
        with force_locale(recipient.language):
            return _letter_email(recipient)

    def _letter_email(recipient: delivery.Recipient) -> delivery.Email:
        return delivery.Email(
            subject=_(
                "%(title)s from %(association)s",
                title=context["title"],
                association=association.name,
            ),
            text=_(
                "Dear %(name)s,\n\nAttached is a letter about %(address)s. You can also read "
                "it, and answer it, in the owner portal.\n\n%(association)s",
                name=recipient.name,
                address=violation.unit.street_address,
                association=association.name,
            ),
            attachments=[(f"letter-{letter.id}-{letter.kind}.pdf", "application/pdf", letter.pdf)],
        )

    return delivery.deliver(
        SUBJECT,
        letter.id,
        association_id=violation.association_id,
        to=delivery.recipients(owners),
        general=False,
        email=email,
        always_mail=True,  # every letter goes into the mailing batch
    )


def letters_mailed(letter_ids: list[int], at) -> None:
    """The batch holding these letters was confirmed: their paper deliveries are mailed."""
    delivery.mailed(SUBJECT, letter_ids, at)


def letter_voided(letter: Letter) -> None:
    """A voided letter: its paper copy and any e-mail still waiting never go out."""
    delivery.withdrawn(SUBJECT, letter.id, _("Voided: %(reason)s", reason=letter.void_reason))
