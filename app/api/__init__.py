"""The JSON API v1: flask-smorest blueprints whose marshmallow schemas both validate input
and generate the OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import gettext as _
from flask_smorest import Api

from app.api.schemas import ProblemSchema
from app.core.web import problem
from app.extensions import csrf

PUBLIC_ENDPOINTS = {"api-docs.openapi_json", "api_auth.Token"}


PROBLEM_JSON = "application/problem+json"
# Error responses every operation may give (finish_document adds them where they apply).
ALWAYS_DOCUMENTED = {"BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND", "UNPROCESSABLE_ENTITY"}


class HoaApi(Api):
    """flask-smorest's Api with errors rendered by app.core.web as problem+json, and an
    OpenAPI document that says so."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = "Problem"

    def _register_error_handlers(self):
        # One error renderer for the whole app (app.core.web), which answers problem+json
        # under /api/ and HTML pages elsewhere.
        pass

    def _register_responses(self):
        """Describe every error response as it is sent: a problem+json body."""
        from http import HTTPStatus

        problem_content = {PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}}
        for status in HTTPStatus:
            if status >= 400:
                self.spec.components.response(
                    status.name,
                    {"description": status.phrase, "content": problem_content},
                    lazy=status.name not in ALWAYS_DOCUMENTED,
                )
        self.spec.components.response(
            "Problem",
            {"description": "An RFC 9457 problem detail", "content": problem_content},
        )

    def document(self) -> dict:
        """Return the OpenAPI document as served."""
        return finish_document(self.spec.to_dict())

    def _openapi_json(self):
        from flask import current_app, json

        return current_app.response_class(
            json.dumps(self.document(), indent=2, sort_keys=False), mimetype="application/json"
        )


def finish_document(document: dict) -> dict:
    """Give every error response its problem+json body (flask-smorest documents a bare
    description for ``alt_response``), and every operation the errors any request can get."""
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code != "default" and int(code) >= 400 and "$ref" not in response:
                    response.setdefault("content", {PROBLEM_JSON: {"schema": problem_ref}})
            # Answered by the web server (gunicorn, a proxy) before the application.
            responses.setdefault(
                "414",
                {
                    "description": "The request line is too long for the web server",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
            )
            public = operation.get("security") == []
            if not public:
                responses.setdefault("401", {"$ref": "#/components/responses/UNAUTHORIZED"})
            if "{" in path:
                responses.setdefault("404", {"$ref": "#/components/responses/NOT_FOUND"})
            if "requestBody" in operation:
                responses.setdefault("400", {"$ref": "#/components/responses/BAD_REQUEST"})
                responses.setdefault("422", {"$ref": "#/components/responses/UNPROCESSABLE_ENTITY"})
    return document


api = HoaApi()


def init_api(app: Flask) -> None:
    """Register the API blueprints, bearer-token authentication and the spec."""
    from app.api import (
        approvals,
        arc,
        audit,
        auth,
        budgets,
        compliance,
        documents,
        letters,
        mail,
        meeting_calendars,
        meetings,
        notices,
        setup,
        vendors,
    )

    # isort: split
    # Routes on the blueprint of the module they are named after (one blueprint, hence one tag
    # in the document, per feature): imported so that they are there when it is registered.
    from app.api import (  # noqa: F401
        budget_actuals,
        compliance_hearings,
        compliance_inspections,
        meeting_minutes,
        meeting_packets,
        setup_members,
        setup_units,
        vendor_bids,
        vendor_contracts,
    )

    api.init_app(
        app,
        spec_kwargs={
            "info": {
                "description": "The HOA Manager JSON API. Authenticate with POST /api/v1/auth/"
                "token, then send `Authorization: Bearer <token>`. Errors are RFC 9457 "
                "problem details (application/problem+json)."
            },
            "security": [{"bearerAuth": []}],
        },
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "API token"}
    )
    from app.api.schemas import Money
    from app.core.inputs import DB_INT_MAX
    from app.core.web import DatabaseIdConverter

    api.register_field(Money, "string", None)
    api.register_converter(
        DatabaseIdConverter,
        lambda converter: {"type": "integer", "minimum": 0, "maximum": DB_INT_MAX},
    )
    for blueprint in (
        auth.blp,
        setup.blp,
        audit.blp,
        approvals.blp,
        budgets.blp,
        compliance.blp,
        letters.blp,
        vendors.blp,
        mail.blp,
        notices.blp,
        meetings.blp,
        meeting_calendars.blp,
        documents.blp,
        arc.blp,
    ):
        api.register_blueprint(blueprint, url_prefix="/api/v1")
        csrf.exempt(blueprint)

    @app.before_request
    def authenticate_api():
        if not request.path.startswith("/api/") or request.endpoint is None:
            return None
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        from app.auth.services import user_for_token

        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            return problem(
                401,
                _("Send a valid API token: Authorization: Bearer <token>.")
                if not header
                else _("The API token is unknown or has expired."),
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            )
        g.api_user = user
        return None
