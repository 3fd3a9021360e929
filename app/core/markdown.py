"""Markdown to safe HTML: markdown-it-py renders, nh3 keeps only an allow-list.

markdown-it-py is CommonMark-compliant and maintained (the executable book project); raw
HTML in the source is not passed through (``html=False``), and nh3 (Rust's ammonia) then
removes anything outside the allow-list: no scripts, no event-handler attributes, no
``javascript:`` or ``data:`` links. Two layers, so a bug in one is not a hole.
"""

from __future__ import annotations

from functools import lru_cache

TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "del",
    "s",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
# No style attributes: the pages' CSP refuses inline styles anyway.
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


@lru_cache(maxsize=1)
def _renderer():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def to_html(source: str) -> str:
    """Render Markdown to sanitized HTML."""
    import nh3

    html = _renderer().render(source or "")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
