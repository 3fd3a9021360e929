"""Letters: the default wording, the association's editable templates, and PDF rendering.

The body of each letter kind is a small template the association may edit (sandboxed,
autoescaped); the page around it (letterhead, the address block for a #10 window envelope,
the rule, the photos) is fixed. Templates receive plain values, never ORM objects.
"""

from __future__ import annotations

import base64
import io
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from app.compliance.profiles import profile_of
from app.core import formatting, storage
from app.core.errors import Conflict, ValidationError

KIND_TITLES = {
    "courtesy": _l("Courtesy notice"),
    "violation": _l("Notice of violation"),
    "hearing": _l("Notice of hearing"),
    "fine": _l("Notice of fine"),
    "closure": _l("Notice of closure"),
}

DEFAULT_BODIES = {
    "courtesy": (
        "<p>Dear {{ owner_names }},</p>\n"
        "<p>During a recent inspection of {{ unit_address }} we noticed something that does "
        "not meet the association's rules. This is a friendly reminder, not a fine.</p>\n"
        "<p>Please correct it by <strong>{{ cure_by }}</strong>. If you have already taken "
        "care of it, thank you, and please disregard this letter.</p>"
    ),
    "violation": (
        "<p>Dear {{ owner_names }},</p>\n"
        "<p>This is a formal notice that {{ unit_address }} is in violation of the rule "
        "below.</p>\n"
        "<p>Please correct the violation by <strong>{{ cure_by }}</strong>. If it is not "
        "corrected, the board may hold a hearing and may impose a fine of up to "
        "{{ fine_amount }}.</p>\n"
        "<p>You have the right to be heard: you may request a hearing before the board and "
        "present your side, in person or in writing. Reply through the owner portal or in "
        "writing to the address above.</p>"
    ),
    "hearing": (
        "<p>Dear {{ owner_names }},</p>\n"
        "<p>The board will hold a hearing about the violation below on "
        "<strong>{{ hearing_at }}</strong> at <strong>{{ hearing_location }}</strong>.</p>\n"
        "<p>You may attend, speak, bring information and be represented. You may also answer "
        "in writing before the hearing through the owner portal. After the hearing the board "
        "may decide to impose a fine.</p>"
    ),
    "fine": (
        "<p>Dear {{ owner_names }},</p>\n"
        "<p>After the hearing on {{ hearing_at }}, the board decided on {{ decided_on }} to "
        "impose a fine of <strong>{{ fine }}</strong> for the violation below.</p>\n"
        "<p>Reason: {{ fine_reason }}</p>\n"
        "<p>The fine is due by <strong>{{ fine_due_on }}</strong>. How to pay, and how to "
        "dispute the fine if you believe it is wrong, are explained below.</p>"
    ),
    "closure": (
        "<p>Dear {{ owner_names }},</p>\n"
        "<p>Thank you. The violation below at {{ unit_address }} is now closed and no further "
        "action is needed.</p>"
    ),
}

# What an editable template may use, for the editor's help text.
PLACEHOLDERS = [
    "owner_names",
    "unit_address",
    "unit_label",
    "rule_code",
    "rule_title",
    "cure_by",
    "fine_amount",
    "hearing_at",
    "hearing_location",
    "fine",
    "fine_reason",
    "decided_on",
    "association_name",
    "issued_on",
    "fine_due_on",
    "office_phone",
    "office_email",
    "portal_url",
]

_sandbox = SandboxedEnvironment(autoescape=True)

# What a letter's wording may hold (D8): text, placeholders ({{ owner_names }}) and
# conditions on them ({% if hearing_at %} … {% else %} … {% endif %}). Nothing else —
# no attribute access, calls, filters, loops or arithmetic — so rendering takes time in
# proportion to the text, and its output is the text plus the placeholders' values.
BODY_MAX = 20000
OUTPUT_MAX = 200_000
_CONSTRUCTS = {
    "Getattr": _l("reading an attribute (a dot after a placeholder)"),
    "Getitem": _l("reading an item ([…] after a placeholder)"),
    "Call": _l("calling a function"),
    "Filter": _l("a filter (|…)"),
    "Test": _l("a test (is …)"),
    "For": _l("a loop ({% for %})"),
    "Macro": _l("a macro"),
    "Assign": _l("setting a value ({% set %})"),
    "AssignBlock": _l("setting a value ({% set %})"),
    "Include": _l("including another template"),
    "Import": _l("importing a template"),
    "FromImport": _l("importing a template"),
    "Extends": _l("extending a template"),
    "Block": _l("a block"),
    "With": _l("a with block"),
    "FilterBlock": _l("a filter block"),
    "Concat": _l("joining values (~)"),
    "Const": _l("a literal value"),
    "List": _l("a list"),
    "Tuple": _l("a tuple"),
    "Dict": _l("a dictionary"),
    "CondExpr": _l("an inline if"),
    "Compare": _l("a comparison"),
}


def _structure_error(template) -> str | None:
    """Return why a parsed template uses more than letters need, or None."""
    from jinja2 import nodes

    allowed = (nodes.Output, nodes.TemplateData, nodes.If, nodes.Not, nodes.And, nodes.Or)
    for node in template.find_all(nodes.Node):
        if isinstance(node, allowed):
            continue
        if isinstance(node, nodes.Name) and node.ctx == "load":
            continue
        what = _CONSTRUCTS.get(type(node).__name__)
        if what is None:
            what = (
                _("arithmetic")
                if isinstance(node, (nodes.BinExpr, nodes.UnaryExpr))
                else (type(node).__name__)
            )
        return _(
            "Letter wording may use only placeholders such as {{ owner_names }} and "
            "{%% if … %%} … {%% endif %%}; it uses %(what)s (line %(line)s).",
            what=str(what),
            line=getattr(node, "lineno", "?"),
        )
    return None


def body_problem(body: str) -> str | None:
    """Return why a letter body cannot be used, or None: it must parse, use only what
    letters need and known placeholders, and render against sample values."""
    if len(body) > BODY_MAX:
        return _("Keep the wording under %(n)s characters.", n=f"{BODY_MAX:,}")
    try:
        template = _sandbox.parse(body)
    except TemplateError as error:
        return _("The template has an error: %(error)s", error=str(error))
    structure = _structure_error(template)
    if structure:
        return structure
    from jinja2 import meta

    unknown = sorted(meta.find_undeclared_variables(template) - set(PLACEHOLDERS))
    if unknown:
        return _("Unknown placeholders: %(names)s.", names=", ".join(unknown))
    try:
        output = _sandbox.from_string(body).render(**sample_values())
    except Exception as error:  # refused here, never when a letter is issued
        return _("The wording cannot be rendered: %(error)s", error=str(error))
    if len(output) > OUTPUT_MAX:
        return _("The wording renders to more text than a letter holds.")
    return None


def validate_body(body: str) -> None:
    """Refuse a body that is empty, does not compile, uses more than letters need (D8),
    uses unknown placeholders or fails to render against sample values."""
    if not (body or "").strip():
        raise ValidationError("body", _("Write the letter's text."))
    problem = body_problem(body)
    if problem:
        raise ValidationError("body", problem)


_CHECKED: dict[str, str | None] = {}


def render_body(body: str, values: dict) -> Markup:
    """Render an association's letter body with the letter's values, escaped.

    Wording saved before these rules existed is checked again: a body that could hang or
    fail never reaches an issued letter; issuing is refused (409) until it is corrected.
    """
    if body not in _CHECKED:
        if len(_CHECKED) > 1000:
            _CHECKED.clear()
        _CHECKED[body] = body_problem(body)
    if _CHECKED[body]:
        raise Conflict(
            _(
                "The association's wording for this letter cannot be used: %(problem)s "
                "Correct it under Violations → Letter wording.",
                problem=_CHECKED[body],
            )
        )
    return Markup(_sandbox.from_string(body).render(**values))  # noqa: S704 - autoescaped


def sample_values(association_name: str = "Sample Grove HOA", today: date | None = None) -> dict:
    """Return the values of a sample letter, for previews and for checking wording."""
    today = today or date(2027, 3, 4)
    values = {name: f"[{name}]" for name in PLACEHOLDERS}
    values.update(
        owner_names="Jordan Sample",
        unit_address="100 Sample Street",
        association_name=association_name,
        issued_on=formatting.long_date(today),
        cure_by=formatting.long_date(date.fromordinal(today.toordinal() + 14)),
    )
    return values


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


def default_body(kind: str, language: str) -> str | None:
    """The shipped wording of a letter kind in a language (None where none ships)."""
    if language == "en":
        return DEFAULT_BODIES[kind]
    from app.compliance.wording_i18n import DEFAULT_BODIES as TRANSLATED

    return TRANSLATED.get(language, {}).get(kind)


def statute_wording(profile, kind: str, language: str) -> tuple[str, str]:
    """A profile's statutory passage for a letter kind: (in the language, the English
    original, empty when the letter is in English or no passage exists)."""
    english = profile.wording.get(kind, "")
    if not english or language == "en":
        return english, ""
    from app.compliance.wording_i18n import STATUTE_WORDING

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


# --- rendering ------------------------------------------------------------------------------


def render_letter(html: str) -> tuple[bytes, int]:
    """Render one letter's HTML to PDF; return the bytes and the page count."""
    return _render_one(html)


def _render_one(html: str) -> tuple[bytes, int]:
    from weasyprint import HTML

    _trim_image_cache()
    from app.core.pdf import BASE_URL, url_fetcher

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).render(
        stylesheets=[_letter_css()], font_config=_font_config(), cache=_IMAGES
    )
    return document.write_pdf(), len(document.pages)


_CSS = None
_FONTS = None
# Decoded images, shared by every letter this process renders (the same photo or logo is
# decoded once). Bounded: cleared when it grows past a few hundred entries.
_IMAGES: dict = {}


def _trim_image_cache() -> None:
    if len(_IMAGES) > 500:
        _IMAGES.clear()


def _letter_css():
    """Parse the letter stylesheet once per process."""
    global _CSS
    if _CSS is None:
        from weasyprint import CSS

        from app.core.pdf import STATIC, url_fetcher

        _CSS = CSS(
            string=(STATIC / "pdf" / "letter.css").read_text(),
            url_fetcher=url_fetcher(),
            font_config=_font_config(),
        )
    return _CSS


def _font_config():
    """Build the font configuration once per process."""
    global _FONTS
    if _FONTS is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONTS = FontConfiguration()
    return _FONTS


def render_many(htmls: list[str], *, workers: int | None = None) -> list[tuple[bytes, int]]:
    """Render many letters, each to its own PDF: the stylesheet and fonts are parsed once
    (before the worker processes fork, so they inherit them), decoded images are shared, and
    the letters are spread evenly over every core."""
    if not htmls:
        return []
    _letter_css()  # parsed here, inherited by the forked workers
    workers = min(workers or os.cpu_count() or 1, len(htmls))
    if workers <= 1:
        return [_render_one(html) for html in htmls]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    chunksize = max(1, len(htmls) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_render_one, htmls, chunksize=chunksize))


def page_count(pdf: bytes) -> int:
    """Return the number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
