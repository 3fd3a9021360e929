"""Real PDF files for upload tests: a plain one, and ones with active content."""

from __future__ import annotations

import io

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def plain_pdf(pages: int = 1) -> bytes:
    """Return a valid PDF of blank pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    return _write(writer)


def javascript_pdf() -> bytes:
    """Return a PDF with document-level JavaScript (the /Names /JavaScript tree)."""
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    action = writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hello');"),
            }
        )
    )
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), action])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    return _write(writer)


def open_action_pdf() -> bytes:
    """Return a PDF whose /OpenAction is a JavaScript action, as the probe sent."""
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _write(writer)


def launch_pdf() -> bytes:
    """Return a PDF with a launch action (it would start a program)."""
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _write(writer)


def embedded_file_pdf() -> bytes:
    """Return a PDF carrying an attached file."""
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_attachment("payload.exe", b"MZ not really")
    return _write(writer)


def pdf_text(data: bytes) -> str:
    """Return the text a reader would extract from a PDF."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
