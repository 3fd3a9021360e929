"""Rendering letters' HTML to PDF (WeasyPrint): one letter, or many at once spread over every
core, with the stylesheet, the fonts and decoded images shared within the process."""

from __future__ import annotations

import io
import os
from concurrent.futures import ProcessPoolExecutor


def render_letter(html: str) -> tuple[bytes, int]:
    """Render one letter's HTML to PDF; return the bytes and the page count."""
    return _render_one(html)


def _render_one(html: str) -> tuple[bytes, int]:
    from weasyprint import HTML

    _trim_image_cache()
    from app.core.pdf import BASE_URL, url_fetcher

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).render(
        stylesheets=[_letter_css()], font_config=_font_config(), cache=_IMAGES
    )
    return document.write_pdf(), len(document.pages)


_CSS = None
_FONTS = None
# Decoded images, shared by every letter this process renders (the same photo or logo is
# decoded once). Bounded: cleared when it grows past a few hundred entries.
_IMAGES: dict = {}


def _trim_image_cache() -> None:
    if len(_IMAGES) > 500:
        _IMAGES.clear()


def _letter_css():
    """Parse the letter stylesheet once per process."""
    global _CSS
    if _CSS is None:
        from weasyprint import CSS

        from app.core.pdf import STATIC, url_fetcher

        _CSS = CSS(
            string=(STATIC / "pdf" / "letter.css").read_text(),
            url_fetcher=url_fetcher(),
            font_config=_font_config(),
        )
    return _CSS


def _font_config():
    """Build the font configuration once per process."""
    global _FONTS
    if _FONTS is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONTS = FontConfiguration()
    return _FONTS


def render_many(htmls: list[str], *, workers: int | None = None) -> list[tuple[bytes, int]]:
    """Render many letters, each to its own PDF: the stylesheet and fonts are parsed once
    (before the worker processes fork, so they inherit them), decoded images are shared, and
    the letters are spread evenly over every core."""
    if not htmls:
        return []
    _letter_css()  # parsed here, inherited by the forked workers
    workers = min(workers or os.cpu_count() or 1, len(htmls))
    if workers <= 1:
        return [_render_one(html) for html in htmls]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    chunksize = max(1, len(htmls) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_render_one, htmls, chunksize=chunksize))


def page_count(pdf: bytes) -> int:
    """Return the number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
