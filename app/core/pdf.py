"""PDF rendering with WeasyPrint: one renderer for letters, reports and packets.

Templates get plain values, never ORM objects. The URL fetcher refuses file: and remote URLs,
so a document can only embed what the template inlines (data: URLs) and our own static files.
"""

from __future__ import annotations

import io
import json
import mimetypes
import os
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


# Object numbers each segment of a merged PDF may use: segment i numbers its objects from
# 3 + i * SEGMENT_STRIDE (1 and 2 are the merged catalog and page tree). A letter takes ~26.
SEGMENT_STRIDE = 10_000


def write_segment(pdf: bytes, target: Path, position: int) -> int:
    """Write one part of a merged PDF (``merge_segments``) from a PDF's bytes: its objects,
    renumbered into the part's own range and serialized as they will stand in the merged
    file, after a first line that indexes them. Return the number of pages.

    The parsing and renumbering happen here, in each part's own job, so that the merge
    only copies bytes: it holds neither the document nor its objects.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    trailer = reader.trailer
    catalog = trailer.raw_get("/Root")
    tree = catalog.get_object().raw_get("/Pages").idnum
    skipped = {catalog.idnum}
    if "/Info" in trailer:
        skipped.add(trailer.raw_get("/Info").idnum)
    numbers = sorted(
        {number for section in reader.xref.values() for number in section} | set(reader.xref_objStm)
    )
    numbers = [n for n in numbers if n not in skipped and n > 0]
    if len(numbers) > SEGMENT_STRIDE:
        raise ValueError(f"a part of {len(numbers)} objects exceeds {SEGMENT_STRIDE}")
    first = 3 + position * SEGMENT_STRIDE
    renumber = {old: first + index for index, old in enumerate(numbers)}
    body = io.BytesIO()
    offsets = []
    for old in numbers:
        offsets.append(body.tell())
        body.write(b"%d 0 obj\n" % renumber[old])
        value = reader.get_object(old)
        if value is None:
            body.write(b"null")
        else:
            _write_object(value, body, renumber, parent=2 if old == tree else None)
        body.write(b"\nendobj\n")
    index = {"first": first, "offsets": offsets, "tree": renumber[tree], "pages": len(reader.pages)}
    temporary = target.with_suffix(".part")
    try:
        with open(temporary, "wb") as out:
            out.write(json.dumps(index).encode() + b"\n")
            out.write(body.getbuffer())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return index["pages"]


def merge_segments(paths: list[Path], target: Path) -> int:
    """Write the parts (``write_segment``), in order, into one PDF file; return its pages.

    Each part's objects are copied as bytes, a part at a time, and its page tree becomes a
    branch of the merged one; the cross-reference table gives each part's range its own
    subsection. Memory stays that of one part's index whatever the document's size (pypdf's
    and qpdf's own merges hold every copied page until they write: measured, 190 MiB more
    at 1,000 letters than at 200).
    """
    sections: list[tuple[int, list[int]]] = []
    kids: list[int] = []
    pages = 0
    with open(target, "wb") as out:
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        for path in paths:
            with open(path, "rb") as part:
                index = json.loads(part.readline())
                start = out.tell()
                shutil.copyfileobj(part, out, 1024 * 1024)
            sections.append((index["first"], [start + offset for offset in index["offsets"]]))
            kids.append(index["tree"])
            pages += index["pages"]
        tree_at = out.tell()
        out.write(
            b"2 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n"
            % (b" ".join(b"%d 0 R" % kid for kid in kids), pages)
        )
        catalog_at = out.tell()
        out.write(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
        xref_at = out.tell()
        out.write(
            b"xref\n0 3\n0000000000 65535 f \n%010d 00000 n \n%010d 00000 n \n"
            % (catalog_at, tree_at)
        )
        size = 3
        for first, offsets in sections:
            if not offsets:
                continue
            out.write(b"%d %d\n" % (first, len(offsets)))
            out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
            size = max(size, first + len(offsets))
        out.write(
            b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref_at)
        )
    return pages


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
