"""The wording of each letter kind, per association and language.

Every kind ships a default wording in each language (English in ``letter_bodies.DEFAULT_BODIES``,
the others in ``wording_i18n``). An association may write its own wording per kind and
language; a letter uses the association's own wording in the owner's language, else the
shipped one in that language, else English. Where the association wrote its own wording in
English only, a letter in another language uses the shipped wording of that language — the
manager is told so before issuing (``status``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.models import Membership, User
from app.compliance import letter_bodies
from app.compliance import letters as letter_rendering
from app.compliance.letter_models import LetterKind, LetterTemplate
from app.core import audit, clock
from app.core.errors import NotFound, ValidationError
from app.extensions import db

LANGUAGES = tuple(letter_rendering.LANGUAGE_NAMES)


def _row(association_id: int, kind: str, language: str) -> LetterTemplate | None:
    return db.session.scalar(
        select(LetterTemplate).where(
            LetterTemplate.association_id == association_id,
            LetterTemplate.kind == kind,
            LetterTemplate.language == language,
        )
    )


def template_body(association_id: int, kind: str, language: str = "en") -> str:
    """Return the wording a letter of ``kind`` in ``language`` uses (see the module)."""
    row = _row(association_id, kind, language)
    if row is not None:
        return row.body
    return letter_bodies.default_body(kind, language) or letter_bodies.DEFAULT_BODIES[kind]


def _check(kind: str, language: str) -> None:
    if kind not in {k.value for k in LetterKind}:
        raise NotFound(_("No such letter kind."))
    if language not in LANGUAGES:
        raise ValidationError(
            "language", _("Choose one of: %(codes)s.", codes=", ".join(LANGUAGES))
        )


def save_template(
    association, kind: str, body: str, *, actor: User, language: str = "en"
) -> LetterTemplate | None:
    """Save the association's wording for a letter kind in a language (empty: back to the
    shipped wording)."""
    _check(kind, language)
    row = _row(association.id, kind, language)
    shipped = template_body(-1, kind, language)
    before = row.body if row else shipped
    if not (body or "").strip():
        if row is not None:
            db.session.delete(row)
        row = None
        body = shipped
    else:
        letter_bodies.validate_body(body)
        if row is None:
            row = LetterTemplate(association_id=association.id, kind=kind, language=language)
            db.session.add(row)
        row.body, row.updated_at = body, clock.now()
    db.session.flush()
    audit.record(
        "letter_template.saved",
        actor=actor,
        association_id=association.id,
        subject_type="letter_template",
        subject_id=row.id if row else None,
        summary=_(
            "Changed the wording of the %(kind)s letter (%(language)s)",
            kind=kind,
            language=letter_rendering.LANGUAGE_NAMES[language],
        ),
        data={"kind": kind, "language": language, "before": before, "after": body},
    )
    return row


@dataclass(frozen=True)
class Status:
    """Where the wording of one kind in one language comes from."""

    language: str
    source: str  # "own" (the association's), "shipped" or "english" (none in the language)
    # The association wrote its own wording in English, but not in this language.
    own_english_only: bool

    @property
    def name(self) -> str:
        return letter_rendering.LANGUAGE_NAMES[self.language]

    @property
    def warning(self) -> str | None:
        """What the manager should know before a letter in this language goes out."""
        if self.source == "english":
            return _(
                "There is no %(language)s wording for this letter: it would go out in English.",
                language=self.name,
            )
        if self.own_english_only:
            return _(
                "Your association's own wording exists in English only; the %(language)s "
                "letter uses the standard %(language)s wording.",
                language=self.name,
            )
        return None


def status(association_id: int, kind: str, language: str) -> Status:
    """Say where a letter's wording in a language comes from (for the flags before issuing)."""
    own = {
        row.language
        for row in db.session.scalars(
            select(LetterTemplate).where(
                LetterTemplate.association_id == association_id, LetterTemplate.kind == kind
            )
        )
    }
    if language in own:
        source = "own"
    elif letter_bodies.default_body(kind, language):
        source = "shipped"
    else:
        source = "english"
    return Status(language, source, "en" in own and language != "en" and language not in own)


def owner_languages(association_id: int) -> dict[str, int]:
    """How many of the association's owners read each language."""
    rows = db.session.execute(
        select(User.language, func.count(func.distinct(User.id)))
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.association_id == association_id, Membership.role == "owner")
        .group_by(User.language)
    ).all()
    counts = {lang if lang in LANGUAGES else "en": 0 for lang, _n in rows}
    for lang, n in rows:
        counts[lang if lang in LANGUAGES else "en"] += n
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
