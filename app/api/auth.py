"""Tokens: POST /api/v1/auth/token exchanges e-mail and password for a bearer token."""

from __future__ import annotations

from flask import g, request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields

from app.api.schemas import BaseSchema
from app.auth import services
from app.core.errors import TooManyAttempts, ValidationError
from app.core.web import problem
from app.extensions import db

blp = Blueprint("api_auth", __name__, description="Authentication")


class TokenRequestSchema(BaseSchema):
    email = fields.String(required=True, metadata={"maxLength": 254})
    password = fields.String(required=True, metadata={"maxLength": 200})


class TokenSchema(BaseSchema):
    token = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True, format="iso")


class MeSchema(BaseSchema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    language = fields.String()
    is_admin = fields.Boolean()


@blp.route("/auth/token")
class Token(MethodView):
    @blp.doc(security=[])
    @blp.arguments(TokenRequestSchema)
    @blp.response(201, TokenSchema)
    @blp.alt_response(401, description="Wrong e-mail or password")
    @blp.alt_response(429, description="Too many failed attempts: locked for a while")
    def post(self, body):
        """Exchange e-mail and password for a bearer token."""
        try:
            user = services.authenticate(
                body["email"], body["password"], address=request.remote_addr or ""
            )
        except TooManyAttempts as error:
            db.session.commit()  # keep the lock
            wait = getattr(error, "retry_after", 60)
            return problem(429, error.message, headers={"Retry-After": str(wait)})
        except ValidationError:
            db.session.commit()  # keep the failure count
            return problem(
                401,
                _("The e-mail address or password is wrong."),
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            )
        token, expires_at = services.issue_api_token(user, address=request.remote_addr or "")
        db.session.commit()
        return {"token": token, "expires_at": expires_at}

    @blp.response(204)
    def delete(self):
        """Revoke the token this request is made with."""
        token = request.headers.get("Authorization", "").partition(" ")[2].strip()
        services.revoke_api_token(token)
        db.session.commit()
        return None


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """Return the caller's own account."""
        return g.api_user
