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
    """Write the pages of PDF files, in order, into one file ``target``, one file at a time.

    Each source's objects are written out as they are read, numbered after the previous
    source's, and its page tree becomes a branch of the merged one: what is held in memory
    is one source (a batch's chunk) and the objects' offsets, never the whole document, so
    merging 1,000 letters takes the memory of merging 50. (pypdf's and qpdf's own merges
    hold every copied page until they write; measured, 190 MiB more at 1,000 letters.)
    """
    if len(paths) == 1:
        shutil.copyfile(paths[0], target)
        return
    from pypdf import PdfReader

    offsets: dict[int, int] = {}
    kids: list[int] = []
    pages = 0
    following = 3  # 1: the catalog, 2: the root of the page tree, both written last
    with open(target, "wb") as out:
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        for path in paths:
            reader = PdfReader(path)
            trailer = reader.trailer
            catalog = trailer.raw_get("/Root")
            tree = catalog.get_object().raw_get("/Pages").idnum
            skipped = {catalog.idnum}
            if "/Info" in trailer:
                skipped.add(trailer.raw_get("/Info").idnum)
            numbers = sorted(
                {number for section in reader.xref.values() for number in section}
                | set(reader.xref_objStm)
            )
            numbers = [n for n in numbers if n not in skipped and n > 0]
            renumber = {old: following + index for index, old in enumerate(numbers)}
            following += len(numbers)
            for old in numbers:
                value = reader.get_object(old)
                if value is None:
                    continue
                offsets[renumber[old]] = out.tell()
                out.write(b"%d 0 obj\n" % renumber[old])
                _write_object(value, out, renumber, parent=2 if old == tree else None)
                out.write(b"\nendobj\n")
            kids.append(renumber[tree])
            pages += len(reader.pages)
        offsets[2] = out.tell()
        out.write(
            b"2 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n"
            % (b" ".join(b"%d 0 R" % kid for kid in kids), pages)
        )
        offsets[1] = out.tell()
        out.write(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
        start = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % following)
        for number in range(1, following):
            if number in offsets:
                out.write(b"%010d 00000 n \n" % offsets[number])
            else:
                out.write(b"0000000000 65535 f \n")
        out.write(
            b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (following, start)
        )


def _write_object(value, out, renumber: dict[int, int], *, parent: int | None = None) -> None:
    """Write a pypdf object with its references renumbered (``parent``: give a page-tree
    node a /Parent); a stream keeps its encoded bytes, with their length written direct."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if isinstance(value, IndirectObject):
        out.write(b"%d 0 R" % renumber[value.idnum])
    elif isinstance(value, DictionaryObject):
        stream = isinstance(value, StreamObject)
        out.write(b"<<")
        for key, item in value.items():
            if key == "/Parent" and parent is not None:
                continue
            if stream and key == "/Length":
                continue
            out.write(b" ")
            key.write_to_stream(out)
            out.write(b" ")
            _write_object(item, out, renumber)
        if parent is not None:
            out.write(b" /Parent %d 0 R" % parent)
        if stream:
            data = value._data  # the bytes as stored (still encoded by their /Filter)
            out.write(b" /Length %d >>\nstream\n" % len(data))
            out.write(data)
            out.write(b"\nendstream")
        else:
            out.write(b" >>")
    elif isinstance(value, ArrayObject):
        out.write(b"[")
        for item in value:
            out.write(b" ")
            _write_object(item, out, renumber)
        out.write(b" ]")
    else:
        value.write_to_stream(out)
