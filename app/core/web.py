"""What every page and API response shares: error rendering, security headers, globals."""

from __future__ import annotations

import json

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter

from app.core.errors import DomainError, ValidationError
from app.core.inputs import DB_INT_MAX, MAX_JSON_DEPTH, json_too_deep, text_errors, text_problem
from app.extensions import db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def not_found_detail() -> str:
    """Return the one 404 detail: the same whether a record is elsewhere or nowhere."""
    return _("There is nothing here, or you do not have access to it.")


def is_api_request() -> bool:
    """Tell whether the current request is for the JSON API."""
    return request.path.startswith("/api/")


def problem(status: int, detail: str, *, title: str | None = None, errors=None, headers=None):
    """Return an RFC 9457 problem+json response."""
    from werkzeug.http import HTTP_STATUS_CODES

    body = {
        "type": "about:blank",
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into {"field.sub": [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


def _http_problem(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 422 and messages:
        # webargs keys messages by location (json, query, files, …); callers want fields.
        errors: dict[str, list[str]] = {}
        for location_messages in messages.values():
            errors.update(_flatten(location_messages))
        return problem(422, _("Some fields are not valid."), errors=errors)
    if status == 400 and messages:
        return problem(400, _("The request body is not valid JSON."))
    detail = data.get("message") or error.description or ""
    if status == 404:
        detail = not_found_detail()
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    if status == 405 and error.get_headers():
        headers.update({k: v for k, v in error.get_headers() if k.lower() == "allow"})
    return problem(status, str(detail), headers=headers)


def register_error_handlers(app: Flask) -> None:
    """Render domain and HTTP errors as pages, or as problem+json under /api/."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        errors = getattr(error, "errors", None)
        if is_api_request():
            detail = not_found_detail() if error.status == 404 else error.message
            return problem(error.status, detail, errors=errors)
        return _error_page(error.status, error.message, errors)

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # Two requests that passed the same uniqueness check at once: the database kept
        # one; the other is told what clashed, as if it had come a moment later.
        db.session.rollback()
        field = _constraint_field(error)
        detail = _(
            "Another record with the same %(field)s was saved at the same moment. "
            "Reload to see it.",
            field=(field or _("values")).replace("_", " "),
        )
        if is_api_request():
            return problem(409, detail, errors={field: [detail]} if field else None)
        return _error_page(409, detail)

    @app.errorhandler(DataError)
    def data_error(error: DataError):
        # A value the checks above the database let through (they should not): refuse it.
        db.session.rollback()
        app.logger.warning(
            "Database refused a value on %s %s: %s", request.method, request.path, error.orig
        )
        detail = _("A value is out of the range the application stores.")
        if is_api_request():
            return problem(422, detail)
        return _error_page(422, detail)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        if is_api_request():
            return _http_problem(error)
        if error.code and error.code < 400:
            return error
        return _error_page(error.code or 500, error.description)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        if isinstance(error, HTTPException):  # pragma: no cover - handled above
            return http_error(error)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if app.config.get("PROPAGATE_UNEXPECTED"):
            raise error
        if is_api_request():
            return problem(500, _("Something went wrong on our side. It has been logged."))
        return _error_page(500, InternalServerError.description)


ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("You do not have access to this"),
    404: _l("Page not found"),
    405: _l("Not allowed here"),
    409: _l("This cannot be done now"),
    413: _l("The file is too large"),
    415: _l("This kind of file is not accepted"),
    422: _l("Some values are not valid"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}


def _constraint_field(error: IntegrityError) -> str | None:
    """Name the field of the unique constraint a write broke, from the database's error."""
    orig = error.orig
    diag = getattr(orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    columns: list[str] = []
    if name:
        for table in db.metadata.tables.values():
            for constraint in table.constraints:
                if constraint.name == name:
                    columns = [column.name for column in constraint.columns]
        if not columns:
            for table in db.metadata.tables.values():
                for index in table.indexes:
                    if index.name == name:
                        columns = [column.name for column in index.columns]
    else:  # SQLite: "UNIQUE constraint failed: rules.association_id, rules.code"
        text = str(orig)
        if "constraint failed:" in text:
            columns = [part.split(".")[-1].strip() for part in text.split(":", 1)[1].split(",")]
    meaningful = [c for c in columns if c != "association_id" and not c.endswith("_id")]
    return (meaningful or columns or [None])[-1]


def _error_page(status: int, detail: str | None, errors: dict | None = None):
    title = str(ERROR_TITLES.get(status, _("Error")))
    if status == 403:
        detail = _(
            "Your role here does not allow this. Ask your association's manager if you "
            "think it should."
        )
    if status == 404:
        detail = _("There is nothing here, or you do not have access to it.")
    if status == 500:
        detail = _("Something went wrong on our side. It has been logged; please try again.")
    field_errors = [
        (name.replace("_", " "), message)
        for name, messages in (errors or {}).items()
        for message in messages
        if len(errors or {}) > 1 or message != detail
    ]
    return (
        render_template(
            "errors/page.html", status=status, title=title, detail=detail, errors=field_errors
        ),
        status,
    )


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in every route: only numbers a database id can hold; larger ones are 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_input_rules(app: Flask) -> None:
    """Install the one set of input rules (see core.inputs) for every route."""
    app.url_map.converters["int"] = DatabaseIdConverter


def check_request_input():
    """Refuse bad text in the path, the query string and API bodies, and deep JSON.

    Form posts to the pages are checked by their forms (``core.forms.Form``), so that the
    error stands next to the field with what was typed.
    """
    if request.endpoint is None or request.endpoint == "static":
        return None
    errors: dict[str, list[str]] = {}
    for key, value in (request.view_args or {}).items():
        if isinstance(value, str) and (problem_text := text_problem(value)):
            errors[key] = [problem_text]
    for key, values in request.args.lists():
        for value in [key, *values]:
            if problem_text := text_problem(value):
                errors[key] = [problem_text]
    if is_api_request():
        if request.is_json:
            data = request.get_data(cache=True)
            if data.strip():
                if json_too_deep(data):
                    return problem(
                        400,
                        _(
                            "The JSON body nests deeper than %(n)d levels.",
                            n=MAX_JSON_DEPTH,
                        ),
                    )
                try:
                    parsed = json.loads(data.decode("utf-8"))
                except (ValueError, UnicodeDecodeError, RecursionError):
                    return problem(400, _("The request body is not valid JSON."))
                errors.update(text_errors(parsed))
        elif request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            for key, values in request.form.lists():
                for value in [key, *values]:
                    if problem_text := text_problem(value):
                        errors[key] = [problem_text]
    if errors:
        raise ValidationError(errors)
    return None


def register_request_hooks(app: Flask) -> None:
    """Input rules, security headers on every response; helpers every template can use."""

    app.before_request(check_request_input)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith("/api/") or current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        if response.mimetype in ("text/html", "application/problem+json"):
            # The words depend on these (core.i18n): a cache must not hand one person's
            # language to another.
            response.vary.update(("Accept-Language", "Cookie"))
        return response

    @app.teardown_request
    def rollback_unfinished(exc):
        # A request that did not commit leaves nothing behind.
        if exc is not None:
            db.session.rollback()

    from app.core import audit, formatting, i18n

    def _tz(where=None) -> str:
        # The record's own association where the page lists several (``|datefmt(zone)``,
        # an association or a time zone name), else the association at hand, else UTC.
        if where is None:
            where = g.get("association")
        if where is None:
            return "UTC"
        return where if isinstance(where, str) else where.time_zone

    app.add_template_filter(lambda v, where=None: formatting.long_date(v, _tz(where)), "datefmt")
    app.add_template_filter(
        lambda v, where=None: formatting.long_datetime(v, _tz(where)), "datetimefmt"
    )
    app.add_template_filter(formatting.money, "money")
    app.add_template_filter(formatting.number, "number")
    app.add_template_filter(i18n.name_of, "language_name")
    app.add_template_filter(formatting.time_zone_name, "zone_name")

    @app.context_processor
    def template_helpers():
        from app.core import navigation

        return {
            "nav": navigation.for_request(),
            "current_association": g.get("association"),
            "audit_action": audit.action_label,
            "audit_record_url": audit.record_url,
            "audit_record_label": audit.record_label,
            "languages": i18n.choices(),
            "current_language": formatting.language(),
        }
