"""What every feature's pages share: the signed-in actor, the association at hand, the
403 refusal and the list arguments.

The association at hand (``g.association``) is what the navigation and the date filters
read. Finding it is access control, which belongs to the package that knows associations
and memberships: it registers the loader (``set_association_loader``), so that core
imports no feature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, g, request
from flask_login import current_user

_loader: Callable[[Any, int], Any] | None = None


def set_association_loader(loader: Callable[[Any, int], Any]) -> None:
    """Say how to find an association for a user: ``loader(user, aid)``, 404 outside it."""
    global _loader
    _loader = loader


def actor():
    """Return the signed-in user (the real object, not Flask-Login's proxy)."""
    return current_user._get_current_object()


def load_association(aid: int):
    """Return the association for this request, or 404 when the user is not in it."""
    if _loader is None:  # pragma: no cover - registered by create_app
        raise RuntimeError("No association loader is registered.")
    association = _loader(actor(), aid)
    g.association = association
    return association


def require(allowed: bool) -> None:
    """Refuse with 403 when a predicate says no."""
    if not allowed:
        abort(403)


def list_args() -> dict:
    """Return the search, sort and page arguments of a list page (with the cursor of the
    next or previous link, ``after`` / ``before``)."""
    args = request.args
    return {
        "page": args.get("page", 1),
        "after": args.get("after"),
        "before": args.get("before"),
        "per_page": args.get("per_page"),
        "q": args.get("q"),
        "sort": args.get("sort"),
        "direction": args.get("dir"),
    }


def record_in(model, object_id: int, aid: int, message: str):
    """Return a record of the association at hand, or 404 (never another tenant's)."""
    from app.core.errors import NotFound
    from app.extensions import db

    record = db.session.get(model, object_id)
    if record is None or record.association_id != aid:
        raise NotFound(message)
    return record
