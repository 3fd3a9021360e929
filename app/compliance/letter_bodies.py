"""The body of each letter kind: the shipped English wording (the other languages' in
wording_i18n), the placeholders a body may use, and checking and rendering a body, the
association's own or the shipped one, in a sandbox (autoescaped, D8)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from app.core import formatting
from app.core.errors import Conflict, ValidationError

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


def default_body(kind: str, language: str) -> str | None:
    """The shipped wording of a letter kind in a language (None where none ships)."""
    if language == "en":
        return DEFAULT_BODIES[kind]
    from app.compliance.wording_i18n import DEFAULT_BODIES as TRANSLATED

    return TRANSLATED.get(language, {}).get(kind)
