"""Domain errors raised by services and mapped by the web layer and the API."""

from __future__ import annotations


class DomainError(Exception):
    """Base of the errors a service raises for a refused request."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist, or is outside the caller's associations."""

    status = 404


class NotAllowed(DomainError):
    """The caller is known but may not do this."""

    status = 403


class Conflict(DomainError):
    """The current state forbids the request (a duplicate, a locked record, a rule)."""

    status = 409


class InvalidTransition(Conflict):
    """A workflow step that the subject's state does not allow."""


class ValidationError(DomainError):
    """One or more field values are invalid; ``errors`` maps field to messages."""

    status = 422

    def __init__(self, field: str | dict[str, list[str]], message: str | None = None):
        if isinstance(field, dict):
            self.errors = {k: list(v) for k, v in field.items()}
        else:
            self.errors = {field: [message or ""]}
        first = next(iter(self.errors.values()))[0] if self.errors else ""
        super().__init__(first)


class TooManyAttempts(DomainError):
    """Sign-in is locked for a while after repeated failures."""

    status = 429
