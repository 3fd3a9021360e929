"""Decision letters: rendered with the letters renderer, kept with their sha256, delivered
to the owners by portal, e-mail and the mailing batch."""

from __future__ import annotations

import hashlib

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.arc.models import ArcLetter, ArcRequest
from app.arc.profiles import DEEMED_WORDING, arc_profile
from app.compliance.letter_pdf import render_letter
from app.compliance.letters import letter_language
from app.compliance.profiles import ARC_DENIAL
from app.core import clock, formatting
from app.delivery import services as delivery
from app.extensions import db

SUBJECT = "arc_letter"


def _title(kind: str) -> str:
    return _("Decision on your appeal") if kind == "appeal" else _("Architectural decision")


def _owners(request: ArcRequest) -> list[str]:
    return [m.user.name for m in request.unit.memberships if m.role == "owner" and m.user]


def _owner_names(request: ArcRequest) -> str:
    return ", ".join(_owners(request)) or _("Owner of record")


def letter_context(request: ArcRequest, kind: str, language: str) -> dict:
    """Return the plain values of a decision letter, in ``language``."""
    association = request.association
    unit = request.unit
    profile = arc_profile(association.compliance_profile)
    owners = _owners(request)
    mailing = unit.mailing_address or unit.street_address.replace(", ", "\n", 1)
    denied = request.status == "denied"
    issued_on = clock.today(association.time_zone)
    from app.arc.services import settings_of

    words = {
        "approved": _("approved"),
        "approved_with_conditions": _("approved with conditions"),
        "denied": _("denied"),
    }
    return {
        "title": _title(kind),
        "kind": kind,
        "language": language,
        "letterhead": association.letterhead_address or association.name,
        "association_name": association.name,
        "office": {
            "phone": association.office_phone,
            "email": association.office_email,
            "portal": association.portal_url,
        },
        # The notice of a denial, where the profile sends it by certified mail (TX).
        "certified": denied and kind == "decision" and profile.denial_certified,
        "sent_wording": str(profile.denial_sent_wording)
        if denied and kind == "decision" and profile.denial_certified
        else "",
        "recipient_lines": [", ".join(owners) or _("Owner of record"), *mailing.splitlines()],
        "owner_names": ", ".join(owners) or _("Owner of record"),
        "issued_on": formatting.long_date(issued_on),
        "unit_address": unit.street_address,
        "unit_label": unit.label,
        "request_id": request.id,
        "request_title": request.title,
        "description": request.description,
        "submitted_on": formatting.long_date(request.submitted_on),
        "decision": words.get(request.status, request.status),
        "denied": denied,
        "reasons": request.reasons,
        "conditions": request.conditions,
        "deemed": (
            DEEMED_WORDING
            % {
                "days": settings_of(association.id).review_days,
                "date": formatting.long_date(request.decide_by),
            }
            if request.deemed
            else ""
        ),
        "appeal_outcome": (request.appeal.status if request.appeal else "")
        if kind == "appeal"
        else "",
        "denial_wording": str(profile.denial_wording) if denied and kind == "decision" else "",
        "citation": profile.citation,
    }


def _render(request: ArcRequest, kind: str, language: str) -> tuple[dict, bytes]:
    """Return the letter's values and its PDF in ``language``."""
    with force_locale(language):
        context = letter_context(request, kind, language)
        html = render_template("pdf/arc/decision_letter.html", **context)
    return context, render_letter(html)[0]


def issue(request: ArcRequest, kind: str) -> ArcLetter:
    """Render, store and deliver the letter about a decision."""
    language = letter_language(request)
    context, pdf = _render(request, kind, language)
    # A translated letter keeps its English rendering beside it (its own sha256).
    pdf_en = _render(request, kind, "en")[1] if language != "en" else None
    letter = ArcLetter(
        association_id=request.association_id,
        request_id=request.id,
        kind=kind,
        issued_on=clock.today(request.association.time_zone),
        issued_at=clock.now(),
        language=language,
        certified=context["certified"],
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        pdf_en=pdf_en,
        sha256_en=hashlib.sha256(pdf_en).hexdigest() if pdf_en else None,
    )
    request.letters.append(letter)
    db.session.flush()
    _deliver(request, letter, context["title"])
    return letter


def _deliver(request: ArcRequest, letter: ArcLetter, title: str) -> None:
    owners = [m.user_id for m in request.unit.memberships if m.role == "owner"]
    association = request.association

    def email(recipient: delivery.Recipient) -> delivery.Email:
        with force_locale(recipient.language):
            return delivery.Email(
                subject=_(
                    "%(title)s from %(association)s", title=title, association=association.name
                ),
                text=_(
                    "Dear %(name)s,\n\nAttached is the decision on your architectural request "
                    "“%(request)s”. You can also read it in the owner portal.\n\n%(association)s",
                    name=recipient.name,
                    request=request.title,
                    association=association.name,
                ),
                attachments=[(f"arc-letter-{letter.id}.pdf", "application/pdf", letter.pdf)],
            )

    delivery.deliver(
        SUBJECT,
        letter.id,
        association_id=request.association_id,
        to=delivery.recipients(owners),
        general=False,
        email=email,
        always_mail=True,  # a written decision goes on paper too (TX: certified mail)
    )


def _print(deliveries) -> bytes:
    """One printed copy per mail delivery of a letter, for the mailing batch."""
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    letter = db.session.get(ArcLetter, deliveries[0].subject_id)
    writer = PdfWriter()
    for _delivery in deliveries:
        writer.append(PdfReader(BytesIO(letter.pdf)))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _printed(letter_ids: list[int]) -> list[delivery.PrintedLetter]:
    """The decision letters among a mailing batch's printed copies: a denial's notice is
    the compliance profiles' ``arc_denial`` (TX: certified mail, 209.00505(d))."""
    rows = db.session.scalars(
        select(ArcLetter)
        .where(ArcLetter.id.in_(letter_ids))
        .options(
            selectinload(ArcLetter.request).selectinload(ArcRequest.unit),
        )
    ).all()
    return [
        delivery.PrintedLetter(
            id=letter.id,
            kind=ARC_DENIAL if _is_denial(letter) else f"arc_{letter.kind}",
            unit=letter.request.unit.label,
            recipient=_owner_names(letter.request),
            tracking_number=letter.tracking_number,
        )
        for letter in rows
    ]


def _is_denial(letter: ArcLetter) -> bool:
    """A decision letter that denied the request (an appeal may have approved it since)."""
    return letter.kind == "decision" and (letter.certified or letter.request.decision == "denied")


def _tracked(numbers: dict[int, str]) -> None:
    for letter in db.session.scalars(select(ArcLetter).where(ArcLetter.id.in_(numbers))):
        letter.tracking_number = numbers[letter.id]


def _open_url(letter_id: int) -> str:
    letter = db.session.get(ArcLetter, letter_id)
    return url_for("arc.request", aid=letter.association_id, request_id=letter.request_id)


delivery.register(
    delivery.SubjectKind(
        SUBJECT,
        title=lambda letter_id: _("Architectural decision letter %(id)d", id=letter_id),
        open_url=_open_url,
        print_copies=_print,
        letters=_printed,
        tracked=_tracked,
    )
)
