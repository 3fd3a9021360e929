"""Letters: the values a letter shows (to an owner, in their language, or a sample for the
wording editor's preview) and its full HTML around the body.

The body of each letter kind is a small template the association may edit (letter_bodies.py:
sandboxed, autoescaped); the page around it (letterhead, the address block for a #10 window
envelope, the rule, the photos) is fixed. Templates receive plain values, never ORM objects.
Rendering the HTML to PDF is in letter_pdf.py.
"""

from __future__ import annotations

import base64
from datetime import date

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.compliance.letter_bodies import render_body, sample_values
from app.compliance.profiles import profile_of
from app.core import formatting, storage

KIND_TITLES = {
    "courtesy": _l("Courtesy notice"),
    "violation": _l("Notice of violation"),
    "hearing": _l("Notice of hearing"),
    "fine": _l("Notice of fine"),
    "closure": _l("Notice of closure"),
}


def _office(association) -> dict:
    """How owners reach the management office, printed at the foot of every letter."""
    return {
        "phone": association.office_phone,
        "email": association.office_email,
        "portal": association.portal_url,
    }


def sample_context(association, kind: str, today: date) -> dict:
    """The context of a sample letter of ``kind`` (the wording editor's preview)."""
    values = sample_values(association.name, today)
    profile = profile_of(association.compliance_profile)
    due = formatting.long_date(date.fromordinal(today.toordinal() + association.fine_due_days))
    if kind == "fine":
        values.update(fine="$100.00", fine_due_on=due)
    return {
        "values": values,
        "kind": kind,
        "title": str(KIND_TITLES[kind]),
        "letterhead": association.letterhead_address or association.name,
        "association_name": association.name,
        "issued_on": formatting.long_date(today),
        "recipient_lines": ["Jordan Sample", "100 Sample Street", "Sampletown, CA 90000"],
        "unit_address": "100 Sample Street",
        "unit_label": "S-1",
        "rule": {
            "code": "R-1",
            "title": "Sample rule",
            "text": "The rule's full text.",
            "section": "CC&R 1.1",
        },
        "observation": "What the inspector saw.",
        "observed_on": formatting.long_date(today),
        "photos": [],
        "cure_by": values["cure_by"] if kind in ("courtesy", "violation") else "",
        "profile_wording": profile.wording.get(kind, ""),
        "profile_wording_en": "",
        "language": "en",
        "certified": kind in profile.certified_mail,
        "violation_id": 0,
        "office": _office(association),
        "fine_amount_due": "$100.00" if kind == "fine" else "",
        "fine_due_on": due if kind == "fine" else "",
        "payment_instructions": association.fine_payment_instructions,
    }


LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "it": "Italiano",
    "da": "Dansk",
    "ru": "Русский",
}


def letter_language(violation) -> str:
    """The language a letter to the unit's owners is written in: the first owner's own
    choice (by when they joined), else the association's default, else English."""
    members = sorted(
        (m for m in violation.unit.memberships if m.role == "owner"), key=lambda m: m.id
    )
    for membership in members:
        if membership.user and membership.user.language in LANGUAGE_NAMES:
            return membership.user.language
    default = getattr(violation.association, "default_language", "en")
    return default if default in LANGUAGE_NAMES else "en"


def statute_wording(profile, kind: str, language: str) -> tuple[str, str]:
    """A profile's statutory passage for a letter kind: (in the language, the English
    original, empty when the letter is in English or no passage exists)."""
    english = profile.wording.get(kind, "")
    if not english or language == "en":
        return english, ""
    from app.compliance.statute_i18n import STATUTE_WORDING

    translated = STATUTE_WORDING.get((profile.code, kind), {}).get(language)
    return (translated, english) if translated else (english, "")


def letter_values(
    violation, kind: str, issued_on: date, *, hearing=None, fine=None, language: str = "en"
) -> dict:
    """Return the plain values a letter shows: recipient, unit, rule, observation, dates —
    printed in ``language`` (call it inside ``force_locale(language)``)."""
    association = violation.association
    unit = violation.unit
    owners = [m.user for m in unit.memberships if m.role == "owner"]
    from babel.lists import format_list

    owner_names = format_list([o.name for o in owners], locale=language) or _("Owner of record")
    # An envelope wants the street on one line and the city on the next.
    mailing = unit.mailing_address or unit.street_address.replace(", ", "\n", 1)
    tz = association.time_zone
    profile = profile_of(association.compliance_profile)
    findings = violation.findings
    latest = findings[-1] if findings else None
    photos = []
    for finding in findings[-2:]:
        photos.extend(finding.photos)
    rule_title, rule_text = violation.rule.text_in(language)
    wording, wording_en = statute_wording(profile, kind, language)
    cure_by = violation.cure_by
    if kind in ("courtesy", "violation"):
        cure_by = date.fromordinal(issued_on.toordinal() + violation.rule.cure_days)
    values = {
        "association_name": association.name,
        "owner_names": owner_names,
        "unit_address": unit.street_address,
        "unit_label": unit.label,
        "rule_code": violation.rule.code,
        "rule_title": rule_title,
        "cure_by": formatting.long_date(cure_by),
        "fine_amount": formatting.money(violation.rule.fine_amount),
        "hearing_at": formatting.long_datetime(hearing.scheduled_at, tz) if hearing else "",
        "hearing_location": hearing.location if hearing else "",
        "fine": formatting.money(fine.amount) if fine else "",
        "fine_reason": fine.reason if fine else "",
        "decided_on": formatting.long_date(fine.decided_at, tz) if fine and fine.decided_at else "",
        "issued_on": formatting.long_date(issued_on),
        "fine_due_on": (
            formatting.long_date(
                date.fromordinal(issued_on.toordinal() + association.fine_due_days)
            )
            if fine
            else ""
        ),
        "office_phone": association.office_phone,
        "office_email": association.office_email,
        "portal_url": association.portal_url,
    }
    return {
        "values": values,
        "kind": kind,
        "title": str(KIND_TITLES[kind]),
        "letterhead": association.letterhead_address or association.name,
        "association_name": association.name,
        "issued_on": formatting.long_date(issued_on),
        "recipient_lines": [owner_names, *mailing.splitlines()],
        "unit_address": unit.street_address,
        "unit_label": unit.label,
        "rule": {
            "code": violation.rule.code,
            "title": rule_title,
            "text": rule_text,
            "section": violation.rule.ccr_section,
        },
        "observation": latest.notes if latest else "",
        "observed_on": formatting.long_date(latest.observed_on) if latest else "",
        "photos": [_photo_data_uri(p) for p in photos[:4]],
        "cure_by": formatting.long_date(cure_by) if kind in ("courtesy", "violation") else "",
        "profile_wording": wording,
        "profile_wording_en": wording_en,
        "language": language,
        "certified": kind in profile.certified_mail,
        "violation_id": violation.id,
        "office": _office(association),
        "fine_amount_due": formatting.money(fine.amount) if fine else "",
        "fine_due_on": values["fine_due_on"],
        "payment_instructions": association.fine_payment_instructions,
    }


def _photo_data_uri(photo) -> str:
    data = storage.read_photo_for_print(photo.stored_name)
    return f"data:image/jpeg;base64,{base64.b64encode(data).decode()}"


def letter_html(context: dict, body: str, *, preview: bool = False) -> str:
    """Return the full HTML of a letter (``preview``: watermarked PREVIEW, not issued)."""
    return render_template(
        "pdf/compliance/letter.html",
        body=render_body(body, context["values"]),
        preview=preview,
        **context,
    )
