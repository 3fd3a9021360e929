"""Writing notices: checking a notice's text, audience and versions in other languages,
creating it (published now or scheduled), and revising its body. Every write goes through
here; the web layer commits."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Association, Unit
from app.auth.models import User
from app.core import audit, clock, formatting, jobs
from app.core.errors import NotFound, ValidationError
from app.core.markdown import to_html
from app.core.parsing import as_id
from app.delivery import services as delivery
from app.delivery.models import LANGUAGES
from app.extensions import db
from app.notices.models import Audience, DeliveryKind, Notice, NoticeStatus, NoticeText, NoticeUnit

BODY_MAX_BYTES = 100 * 1024  # a notice's Markdown body
TITLE_MAX = 200


def _record(notice: Notice, action: str, summary: str, *, actor: User | None, data=None) -> None:
    audit.record(
        action,
        actor=actor,
        association_id=notice.association_id,
        subject_type="notice",
        subject_id=notice.id,
        summary=summary,
        data=data,
    )


def check_body(body) -> str:
    """Return a notice body that is text of at most 100 KB; else raise naming ``body``."""
    if not isinstance(body, str) or not body.strip():
        raise ValidationError("body", _("Write the notice."))
    size = len(body.encode("utf-8"))
    if size > BODY_MAX_BYTES:
        raise ValidationError(
            "body",
            _(
                "A notice may be at most 100 KB of text (this one is %(kb)d KB). Put long "
                "documents in Documents and link to them.",
                kb=(size + 1023) // 1024,
            ),
        )
    return body


def _clean_units(association: Association, unit_ids) -> list[int]:
    if unit_ids is None:
        raise ValidationError("unit_ids", _("Choose the units whose owners receive it."))
    if not isinstance(unit_ids, list | tuple):
        raise ValidationError("unit_ids", _("Give a list of unit ids."))
    ids = []
    for value in unit_ids:
        unit_id = as_id(value) if not isinstance(value, str) or value.strip().isdigit() else None
        if unit_id is None:
            raise ValidationError("unit_ids", _("Unit ids are whole numbers."))
        ids.append(unit_id)
    ids = sorted(set(ids))
    if not ids:
        raise ValidationError("unit_ids", _("Choose the units whose owners receive it."))
    found = set(
        db.session.scalars(
            select(Unit.id).where(Unit.association_id == association.id, Unit.id.in_(ids))
        )
    )
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise ValidationError(
            "unit_ids",
            _(
                "These are not units of %(name)s: %(ids)s.",
                name=association.name,
                ids=", ".join(str(i) for i in unknown),
            ),
        )
    return ids


def check_notice(
    association: Association,
    *,
    title,
    body,
    audience,
    unit_ids=None,
    publish_at=None,
    delivery_kind=None,
    translations=None,
) -> dict:
    """Return a notice's cleaned values, or raise ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    versions = _check_translations(association, translations, errors)
    if audience not in {a.value for a in Audience}:
        errors["audience"] = [_("Choose owners, board, all or units.")]
    delivery_kind = delivery_kind or DeliveryKind.GENERAL.value
    if delivery_kind not in {d.value for d in DeliveryKind}:
        errors["delivery"] = [_("Choose general or individual.")]
    if publish_at is not None and (
        not isinstance(publish_at, datetime) or publish_at.tzinfo is None
    ):
        errors["publish_at"] = [
            _("Give a date and time with its offset, such as 2027-03-04T09:00:00-08:00.")
        ]
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        errors["title"] = [_("Give the notice a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [
            _("Use at most %(max)d characters (this has %(n)d).", max=TITLE_MAX, n=len(title))
        ]
    try:
        body = check_body(body)
    except ValidationError as error:
        errors.update(error.errors)
    units: list[int] = []
    if audience == Audience.UNITS:
        try:
            units = _clean_units(association, unit_ids)
        except ValidationError as error:
            errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    later = publish_at is not None and clock.as_utc(publish_at) > clock.now()
    return {
        "title": title,
        "body": body,
        "translations": versions,
        "audience": audience,
        "unit_ids": units,
        "publish_at": clock.as_utc(publish_at) if later else None,
        "delivery_kind": delivery_kind,
    }


def _check_translations(association, translations, errors: dict) -> dict[str, tuple[str, str]]:
    """Return the versions in other languages, {language: (title, body)}, each checked like
    the notice's own text; a language left blank is no version. Errors go into ``errors``
    under ``translations.<language>.title`` / ``.body``."""
    if translations in (None, {}):
        return {}
    if not isinstance(translations, dict):
        errors["translations"] = [_("Give the versions as {language: {title, body}}.")]
        return {}
    own = getattr(association, "default_language", None) or "en"
    versions: dict[str, tuple[str, str]] = {}
    for language, version in translations.items():
        where = f"translations.{language}"
        if language not in LANGUAGES or language == own:
            errors[where] = [
                _(
                    "Give versions in %(languages)s only (the notice's own text is in %(own)s).",
                    languages=", ".join(code for code in LANGUAGES if code != own),
                    own=own,
                )
            ]
            continue
        if isinstance(version, tuple) and len(version) == 2:
            version = {"title": version[0], "body": version[1]}  # checked already
        if not isinstance(version, dict):
            errors[where] = [_("Give the version as {title, body}.")]
            continue
        title, body = version.get("title"), version.get("body")
        title = title.strip() if isinstance(title, str) else ""
        blank_body = not isinstance(body, str) or not body.strip()
        if not title and blank_body:
            continue
        if not title:
            errors[f"{where}.title"] = [_("Give this version a title.")]
        elif len(title) > TITLE_MAX:
            errors[f"{where}.title"] = [
                _("Use at most %(max)d characters (this has %(n)d).", max=TITLE_MAX, n=len(title))
            ]
        try:
            body = check_body(body)
        except ValidationError as error:
            errors[f"{where}.body"] = error.errors["body"]
        if f"{where}.title" not in errors and f"{where}.body" not in errors:
            versions[language] = (title, body)
    return versions


def recipient_languages(
    association: Association, ids: list[int], versions
) -> list[tuple[str, int, bool]]:
    """Return the recipients' languages, how many read each, and whether the notice has a
    version in it (else they receive the notice's own text): the manager sees what is missing."""
    from collections import Counter

    own = getattr(association, "default_language", None) or "en"
    counts = Counter(r.language for r in delivery.recipients(ids))
    return [
        (language, n, language == own or language in versions)
        for language, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def create_notice(
    association: Association,
    *,
    title,
    body,
    audience,
    unit_ids=None,
    publish_at=None,
    delivery_kind=None,
    translations=None,
    actor: User | None,
    meeting_id: int | None = None,
) -> Notice:
    """Write a notice, with versions in other languages if given: publish it now, or
    schedule it (a moment in the past is now)."""
    values = check_notice(
        association,
        title=title,
        body=body,
        audience=audience,
        unit_ids=unit_ids,
        publish_at=publish_at,
        delivery_kind=delivery_kind,
        translations=translations,
    )
    now = clock.now()
    later = values["publish_at"] is not None
    language = getattr(association, "default_language", None) or "en"
    notice = Notice(
        association_id=association.id,
        audience=values["audience"],
        delivery=values["delivery_kind"],
        status=NoticeStatus.SCHEDULED.value if later else NoticeStatus.PUBLISHED.value,
        publish_at=values["publish_at"],
        published_at=None if later else now,
        default_language=language,
        meeting_id=meeting_id,
        recipient_total=0,
        delivered_count=0,
        created_by_id=actor.id if actor else None,
        created_at=now,
    )
    notice.texts.append(
        NoticeText(
            language=language,
            title=values["title"],
            body=values["body"],
            body_html=to_html(values["body"]),
        )
    )
    for other, (other_title, other_body) in sorted(values["translations"].items()):
        notice.texts.append(
            NoticeText(
                language=other,
                title=other_title,
                body=other_body,
                body_html=to_html(other_body),
            )
        )
    for unit_id in values["unit_ids"]:
        notice.units.append(NoticeUnit(unit_id=unit_id))
    db.session.add(notice)
    db.session.flush()
    if later:
        jobs.enqueue_at("notices.publish", notice.publish_at, notice.id)
        summary = _(
            "Scheduled the notice “%(title)s” for %(when)s",
            title=values["title"],
            when=formatting.long_datetime(notice.publish_at, association.time_zone),
        )
    else:
        jobs.enqueue("notices.publish", notice.id)
        summary = _("Published the notice “%(title)s”", title=values["title"])
    _record(
        notice,
        "notice.scheduled" if later else "notice.published",
        summary,
        actor=actor,
        data={
            "audience": values["audience"],
            "delivery": values["delivery_kind"],
            "unit_ids": values["unit_ids"],
            "languages": [language, *sorted(values["translations"])],
        },
    )
    return notice


def revise_body(notice: Notice, body: str, *, actor: User | None) -> Notice:
    """Replace a notice's body in its own language (a meeting's agenda grew); recipients
    read the new text in the portal."""
    body = check_body(body)
    text = notice.text()
    if text.body == body:
        return notice
    text.body, text.body_html = body, to_html(body)
    db.session.flush()
    _record(
        notice,
        "notice.revised",
        _("Revised the notice “%(title)s”", title=text.title),
        actor=actor,
    )
    return notice


def get_notice(notice_id: int) -> Notice:
    """Return a notice or raise NotFound."""
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NotFound(_("No such notice."))
    return notice
