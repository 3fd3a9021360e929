"""Absolute links for mail, built the same inside a request and in a background job."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def base_url() -> str:
    """Return the site's address: BASE_URL when configured, else the current request's."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured.rstrip("/") + "/"
    if has_request_context():
        return request.host_url
    return "http://localhost/"


def external_url(base: str, endpoint: str, **values) -> str:
    """Return an absolute URL for an endpoint under ``base``."""
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def local_path(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site (a ``next`` to go back to), else None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None  # browsers read /\\host as another site
    return target
