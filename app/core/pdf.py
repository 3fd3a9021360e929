"""PDF rendering with WeasyPrint: one renderer for letters, reports and packets.

Templates get plain values, never ORM objects. The URL fetcher refuses file: and remote URLs,
so a document can only embed what the template inlines (data: URLs) and our own static files.
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app, render_template

STATIC = Path(__file__).resolve().parent.parent / "static"
# Relative URLs in documents resolve against this made-up origin, which only url_fetcher serves.
BASE_URL = "http://pdf.invalid/"


class RefusedURL(ValueError):
    """A document asked for a resource outside what we allow."""


def url_fetcher(url: str, timeout: int = 10, ssl_context=None, **kwargs) -> dict:
    """Serve data: URLs and /static/ files; refuse everything else."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    if url.startswith(BASE_URL + "static/"):
        path = (STATIC / url[len(BASE_URL + "static/") :]).resolve()
        if STATIC in path.parents and path.is_file():
            return {
                "string": path.read_bytes(),
                "mime_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
            }
    raise RefusedURL(f"refused to fetch {url!r} while rendering a PDF")


@lru_cache(maxsize=8)
def _stylesheet(name: str):
    """Parse a PDF stylesheet once per process (WeasyPrint's CSS parsing is costly)."""
    from weasyprint import CSS

    return CSS(string=(STATIC / "pdf" / name).read_text(), url_fetcher=url_fetcher)


def render_pdf(template: str, *, stylesheet: str = "document.css", **context) -> bytes:
    """Render a Jinja template to PDF bytes."""
    from weasyprint import HTML

    html = render_template(template, **context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher)
    pdf = document.write_pdf(stylesheets=[_stylesheet(stylesheet)])
    current_app.logger.debug("Rendered %s (%d bytes)", template, len(pdf))
    return pdf


def pdf_response(pdf: bytes, filename: str) -> Response:
    """Return PDF bytes for viewing in the browser, with a sensible file name."""
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
