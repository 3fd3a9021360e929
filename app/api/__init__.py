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


class HoaApi(Api):
    """flask-smorest's Api with errors rendered by app.core.web as problem+json."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = "Problem"

    def _register_error_handlers(self):
        # One error renderer for the whole app (app.core.web), which answers problem+json
        # under /api/ and HTML pages elsewhere.
        pass


api = HoaApi()


def init_api(app: Flask) -> None:
    """Register the API blueprints, bearer-token authentication and the spec."""
    from app.api import approvals, audit, auth, budgets, compliance, setup, vendors

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
    for blueprint in (
        auth.blp,
        setup.blp,
        audit.blp,
        approvals.blp,
        budgets.blp,
        compliance.blp,
        vendors.blp,
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
