"""The violation ladder's letters with due process enforced: which letter may go out now, its
preview, and issuing it (one or many). Hearings are in hearings.py, fines in fines.py."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _

from app.auth.models import User
from app.compliance import letter_pdf, wording
from app.compliance import letters as letter_rendering
from app.compliance.letter_models import Letter, LetterKind
from app.compliance.models import FineStatus, Violation, ViolationStatus
from app.compliance.profiles import (
    refuse,
)
from app.compliance.services import record, today
from app.core import clock, formatting
from app.core.errors import ValidationError
from app.extensions import db

# --- letters --------------------------------------------------------------------------------


def _render_in(violation: Violation, kind: str, language: str, *, hearing, fine, preview):
    """Render the letter of ``kind`` as of today in one language: (issued_on, context, html)."""
    with force_locale(language):
        issued_on = today(violation.association)
        context = letter_rendering.letter_values(
            violation, kind, issued_on, hearing=hearing, fine=fine, language=language
        )
        html = letter_rendering.letter_html(
            context,
            wording.template_body(violation.association_id, kind, language),
            preview=preview,
        )
    return issued_on, context, html


def _render(violation: Violation, kind: str, *, hearing=None, fine=None, preview=False):
    """Render the letter of ``kind`` as of today in its owners' language, and (issued, not a
    preview, not in English) its English rendering: (issued_on, context, pdf, pages, pdf_en)."""
    language = letter_rendering.letter_language(violation)
    issued_on, context, html = _render_in(
        violation, kind, language, hearing=hearing, fine=fine, preview=preview
    )
    pdf, pages = letter_pdf.render_letter(html)
    english = None
    if language != "en" and not preview:
        english_html = _render_in(violation, kind, "en", hearing=hearing, fine=fine, preview=False)[
            2
        ]
        english = letter_pdf.render_letter(english_html)[0]
    return issued_on, context, pdf, pages, english


def issue_unchecked(
    violation: Violation, kind: str, *, actor: User, hearing=None, fine=None
) -> Letter:
    """Render, store and record one letter, its checks already made (check_letter, or
    check_hearing for the notice of hearing); its bytes never change afterwards."""
    issued_on, context, pdf, pages, english = _render(violation, kind, hearing=hearing, fine=fine)
    return store_letter(
        violation, kind, issued_on, context, pdf, pages, actor=actor, pdf_en=english
    )


def store_letter(
    violation: Violation,
    kind: str,
    issued_on: date,
    context: dict,
    pdf: bytes,
    pages: int,
    *,
    actor: User,
    pdf_en: bytes | None = None,
) -> Letter:
    """Keep an issued letter's bytes with their sha256 (and the English rendering beside a
    translated one, with its own) and apply what issuing it means."""
    letter = Letter(
        association_id=violation.association_id,
        kind=kind,
        issued_on=issued_on,
        issued_at=clock.now(),
        issued_by_id=actor.id if actor else None,
        recipient="\n".join(context["recipient_lines"]),
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        page_count=pages,
        language=context.get("language", "en"),
        pdf_en=pdf_en,
        sha256_en=hashlib.sha256(pdf_en).hexdigest() if pdf_en else None,
    )
    violation.letters.append(letter)
    if kind in (LetterKind.COURTESY, LetterKind.VIOLATION):
        violation.cure_by = issued_on + timedelta(days=violation.rule.cure_days)
    if kind == LetterKind.VIOLATION and violation.status == ViolationStatus.OPEN:
        violation.status = ViolationStatus.NOTICED.value
    db.session.flush()
    _email_owners(violation, letter, context)
    record(
        violation,
        f"letter.{kind}",
        _(
            "Issued the %(kind)s letter for %(code)s at unit %(label)s",
            kind=kind,
            code=violation.rule.code,
            label=violation.unit.label,
        ),
        actor=actor,
        data={
            "letter_id": letter.id,
            "sha256": letter.sha256,
            "cure_by": violation.cure_by.isoformat() if violation.cure_by else None,
        },
    )
    return letter


def _email_owners(violation: Violation, letter: Letter, context: dict) -> None:
    """Deliver the letter: portal, e-mail by the owners' preference, paper by the batch."""
    from app.compliance.letter_delivery import deliver_letter

    deliver_letter(violation, letter, context)


def check_letter(violation: Violation, kind: str) -> None:
    """Refuse a letter the ladder does not allow now (409 naming the rule and the date)."""
    if kind not in {k.value for k in LetterKind}:
        raise ValidationError("kind", _("Choose courtesy, violation, hearing, fine or closure."))
    if kind == LetterKind.HEARING:
        raise refuse(
            _(
                "The notice of hearing is issued by scheduling the hearing, which checks "
                "the notice period."
            )
        )
    if kind != LetterKind.CLOSURE and violation.status in (
        ViolationStatus.CURED,
        ViolationStatus.CLOSED,
    ):
        raise refuse(
            _(
                "The violation is %(status)s; only a closure letter may follow.",
                status=violation.status,
            )
        )
    courtesy = violation.letter(LetterKind.COURTESY)
    notice = violation.letter(LetterKind.VIOLATION)
    now = today(violation.association)
    if kind == LetterKind.COURTESY:
        if courtesy is not None:
            raise refuse(
                _(
                    "A courtesy notice was already issued on %(date)s; each letter is issued once.",
                    date=formatting.long_date(courtesy.issued_on),
                )
            )
        if notice is not None:
            raise refuse(
                _("The notice of violation was already issued; a courtesy notice cannot follow it.")
            )
    elif kind == LetterKind.VIOLATION:
        if notice is not None:
            raise refuse(
                _(
                    "The notice of violation was already issued on %(date)s; each "
                    "letter is issued once.",
                    date=formatting.long_date(notice.issued_on),
                )
            )
        if courtesy is not None and violation.cure_by and now <= violation.cure_by:
            raise refuse(
                _(
                    "After a courtesy notice, the notice of violation waits until the "
                    "cure deadline of %(date)s has passed.",
                    date=formatting.long_date(violation.cure_by),
                ),
                violation.cure_by + timedelta(days=1),
            )
    elif kind == LetterKind.FINE:
        if not any(f.status == FineStatus.APPROVED for f in violation.fines):
            raise refuse(_("A fine notice needs a fine the board has approved."))
        approved_fines = [f for f in violation.fines if f.status == FineStatus.APPROVED]
        fine_letters = [le for le in violation.live_letters if le.kind == LetterKind.FINE]
        if len(fine_letters) >= len(approved_fines):
            raise refuse(_("Every approved fine already has its notice."))
    elif kind == LetterKind.CLOSURE:
        if violation.status not in (ViolationStatus.CURED, ViolationStatus.CLOSED):
            raise refuse(_("A closure letter follows a cure or the closing of the violation."))
        if violation.letter(LetterKind.CLOSURE) is not None:
            raise refuse(_("The closure letter was already issued."))


def _fine_of_next_letter(violation: Violation, kind: str):
    """Return the approved fine the next notice of fine announces (None for other kinds)."""
    if kind != LetterKind.FINE:
        return None
    approved = [f for f in violation.fines if f.status == FineStatus.APPROVED]
    return approved[len([le for le in violation.live_letters if le.kind == LetterKind.FINE])]


def issue_letter(violation: Violation, kind: str, *, actor: User) -> Letter:
    """Issue the next letter of the ladder, if due process allows it now."""
    check_letter(violation, kind)
    fine = _fine_of_next_letter(violation, kind)
    return issue_unchecked(violation, kind, actor=actor, hearing=violation.hearing, fine=fine)


def preview_letter(violation: Violation, kind: str) -> bytes:
    """Render the letter that issuing ``kind`` now would produce, watermarked PREVIEW.

    The same refusals as issuing apply; nothing is stored, audited, mailed or e-mailed.
    """
    check_letter(violation, kind)
    fine = _fine_of_next_letter(violation, kind)
    return _render(violation, kind, hearing=violation.hearing, fine=fine, preview=True)[2]


def issue_letters_bulk(violations: list[Violation], kind: str, *, actor: User) -> list[Letter]:
    """Issue the same kind of letter for many violations, rendered together (a batch).

    Every violation is checked first; one refusal issues nothing.
    """
    for violation in violations:
        check_letter(violation, kind)
    contexts, htmls, languages = [], [], []
    for violation in violations:
        language = letter_rendering.letter_language(violation)
        issued_on, context, html = _render_in(
            violation,
            kind,
            language,
            hearing=violation.hearing,
            fine=_fine_of_next_letter(violation, kind),
            preview=False,
        )
        contexts.append((violation, issued_on, context))
        htmls.append(html)
        languages.append(language)
    rendered = letter_pdf.render_many(htmls)
    letters = []
    for (violation, issued_on, context), (pdf, pages), language in zip(
        contexts, rendered, languages, strict=True
    ):
        english = None
        if language != "en":
            english_html = _render_in(
                violation,
                kind,
                "en",
                hearing=violation.hearing,
                fine=_fine_of_next_letter(violation, kind),
                preview=False,
            )[2]
            english = letter_pdf.render_letter(english_html)[0]
        letters.append(
            store_letter(
                violation, kind, issued_on, context, pdf, pages, actor=actor, pdf_en=english
            )
        )
    return letters
