"""The one place that decides whether an uploaded file is what it claims to be (D14).

- Images (JPEG, PNG) are opened and verified by Pillow.
- PDFs are parsed by pypdf, header to trailer, and refused when they carry JavaScript,
  embedded files, launch actions or other active content; a PDF must have pages.

Every refusal is a 415 saying why; a file over its size limit is a 413. Vendor documents,
signed contracts, insurance certificates, inspection photos and the documents and notices
to come all go through here.
"""

from __future__ import annotations

import io

from flask_babel import gettext as _

from app.core.errors import DomainError

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
MAGIC = {b"%PDF-": PDF, b"\xff\xd8\xff": JPEG, b"\x89PNG\r\n\x1a\n": PNG}
NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}

# PDF keys that make a document do something when opened or clicked, or carry other files.
_ACTIVE_KEYS = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/EmbeddedFile": "an embedded file",
    "/EmbeddedFiles": "embedded files",
    "/RichMedia": "embedded media",
    "/XFA": "an XFA form (which can run scripts)",
}
_ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "a launch action (it starts a program)",
    "/ImportData": "an import-data action",
    "/SubmitForm": "a submit-form action",
    "/GoToE": "a link into an embedded file",
    "/Rendition": "a media rendition action",
}


class UnsupportedMedia(DomainError):
    """The upload is not a type we accept, or not what it claims to be."""

    status = 415


class TooLarge(DomainError):
    """The upload is over the size limit."""

    status = 413


def check_size(data: bytes, limit: int, what: str) -> None:
    """Refuse a file over ``limit`` bytes (413)."""
    if len(data) > limit:
        raise TooLarge(
            _("%(what)s may be at most %(mb)d MB.", what=what, mb=max(1, limit // (1024 * 1024)))
        )


def kind_of(data: bytes) -> str | None:
    """Return the type a file's first bytes claim (PDF, JPEG, PNG), or None."""
    return next((kind for magic, kind in MAGIC.items() if data.startswith(magic)), None)


def accept(data: bytes, allowed: tuple[str, ...], *, what: str) -> str:
    """Return the content type of an upload that is one of ``allowed`` and really is it;
    raise UnsupportedMedia saying why not."""
    kind = kind_of(data)
    if kind not in allowed:
        names = [NAMES[k] for k in allowed]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + _(" or ") + names[-1]
        raise UnsupportedMedia(_("%(what)s must be a %(types)s file.", what=what, types=listed))
    if kind == PDF:
        check_pdf(data)
    else:
        check_image(data, kind)
    return kind


def check_image(data: bytes, kind: str) -> None:
    """Refuse an image Pillow cannot open and verify as the type it claims."""
    from PIL import Image, UnidentifiedImageError

    expected = {JPEG: "JPEG", PNG: "PNG"}[kind]
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            if image.format != expected:
                raise UnsupportedMedia(_("This file is not a readable JPEG or PNG image."))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UnsupportedMedia(_("This file is not a readable JPEG or PNG image.")) from error


def check_pdf(data: bytes) -> None:
    """Refuse a file that does not parse as a PDF with pages, or that carries active content."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise UnsupportedMedia(_("This file is not a complete PDF (no end-of-file marker)."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UnsupportedMedia(
                _("Encrypted PDFs are not accepted; send it without a password.")
            )
        if len(reader.pages) == 0:
            raise UnsupportedMedia(_("This PDF has no pages."))
        reason = _active_content(reader.trailer)
    except UnsupportedMedia:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise UnsupportedMedia(_("This file is not a readable PDF.")) from error
    if reason:
        raise UnsupportedMedia(
            _(
                "PDFs with %(what)s are not accepted. Print it to a new PDF and send that.",
                what=reason,
            )
        )


def _active_content(trailer) -> str | None:
    """Walk every object reachable from the trailer; return the first active content found."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    stack = [trailer]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        visited += 1
        if visited > 200_000:
            return _("more objects than a document needs")
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in _ACTIVE_KEYS:
                    return _ACTIVE_KEYS[key]
                if key == "/S" and isinstance(value, NameObject) and value in _ACTIVE_ACTIONS:
                    return _ACTIVE_ACTIONS[value]
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None
