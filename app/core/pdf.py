"""PDF rendering with WeasyPrint: one renderer for letters, reports and packets.

Templates get plain values, never ORM objects. The URL fetcher refuses file: and remote URLs,
so a document can only embed what the template inlines (data: URLs) and our own static files.
"""

from __future__ import annotations

import mimetypes
import shutil
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app, render_template

STATIC = Path(__file__).resolve().parent.parent / "static"
# Relative URLs in documents resolve against this made-up origin, which only url_fetcher serves.
BASE_URL = "http://pdf.invalid/"


class RefusedURL(ValueError):
    """A document asked for a resource outside what we allow."""


def _make_fetcher():
    """Build the URL fetcher class once WeasyPrint is imported (it is imported lazily)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        """Serve data: URLs and our own /static/ files; refuse file:, http: and the rest."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(BASE_URL + "static/"):
                path = (STATIC / url[len(BASE_URL + "static/") :]).resolve()
                if STATIC in path.parents and path.is_file():
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            raise RefusedURL(f"refused to fetch {url!r} while rendering a PDF")

    return SafeFetcher(allowed_protocols=("data", "http"))


_FETCHER = None


def url_fetcher():
    """Return the one fetcher every document uses."""
    global _FETCHER
    if _FETCHER is None:
        _FETCHER = _make_fetcher()
    return _FETCHER


@lru_cache(maxsize=8)
def _stylesheet(name: str):
    """Parse a PDF stylesheet once per process (WeasyPrint's CSS parsing is costly)."""
    from weasyprint import CSS

    return CSS(string=(STATIC / "pdf" / name).read_text(), url_fetcher=url_fetcher())


def _page_label() -> str:
    from flask_babel import gettext as _

    return _("Page %(page)s of %(pages)s", page="\x00page\x00", pages="\x00pages\x00")


@lru_cache(maxsize=16)
def _page_numbers(label: str):
    """The footer's "Page 1 of 3" in the language being rendered, as CSS content."""
    from weasyprint import CSS

    parts = []
    for index, piece in enumerate(label.split("\x00")):
        if index % 2:
            parts.append(f"counter({piece})" if piece in ("page", "pages") else "")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    content = " ".join(p for p in parts if p)
    return CSS(string=f"@page {{ @bottom-right {{ content: {content}; }} }}")


def render_pdf(template: str, *, stylesheet: str = "document.css", **context) -> bytes:
    """Render a Jinja template to PDF bytes."""
    from weasyprint import HTML

    html = render_template(template, **context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher())
    sheets = [_stylesheet(stylesheet)]
    if stylesheet == "document.css":
        sheets.append(_page_numbers(_page_label()))
    pdf = document.write_pdf(stylesheets=sheets)
    current_app.logger.debug("Rendered %s (%d bytes)", template, len(pdf))
    return pdf


def pdf_response(pdf: bytes, filename: str) -> Response:
    """Return PDF bytes for viewing in the browser, with a sensible file name."""
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def merge_files(paths: list[Path], target: Path) -> None:
    """Write the pages of PDF files, in order, into one file ``target``.

    qpdf (through pikepdf) copies each source's pages without reading their content until
    it writes them, straight from the source files: what is held is the pages' object
    structure, not the batch, so merging 1,000 letters takes little more memory than 100.
    """
    if len(paths) == 1:
        shutil.copyfile(paths[0], target)
        return
    import pikepdf

    sources = []
    try:
        with pikepdf.new() as merged:
            for path in paths:
                source = pikepdf.open(path)
                sources.append(source)
                merged.pages.extend(source.pages)
            merged.save(target)
    finally:
        for source in sources:
            source.close()
