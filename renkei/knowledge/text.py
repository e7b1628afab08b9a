"""Bodies in Markdown, rendered and sanitised; text taken out of PDFs for the search."""

from __future__ import annotations

import html
import io
import logging
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

log = logging.getLogger(__name__)

# CommonMark with tables and strikethrough; raw HTML in the source is shown as text, not run.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"])
ALLOWED_TAGS = {"p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote",
                "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td"}
MAX_EXTRACTED_CHARS = 400_000


def render_markdown(source: str) -> str:
    """Safe HTML for a Markdown body: only a small set of tags survives; links get
    ``rel="nofollow noopener"``; headings start at h2 (the page has the h1)."""
    rendered = _markdown.render(source or "").replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(rendered, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "th": {"style"},
                                                              "td": {"style"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener")


def markdown_text(source: str) -> str:
    """The plain text of a Markdown body (for search and snippets)."""
    stripped = nh3.clean(_markdown.render(source or ""), tags=set())
    return " ".join(html.unescape(stripped).split())


@dataclass(frozen=True)
class Extracted:
    text: str
    pages: int | None
    readable: bool
    problem: str = ""


def pdf_text(content: bytes) -> Extracted:
    """All the text of a PDF, page by page. A PDF pypdf cannot open is reported as unreadable
    (the caller refuses it); one with no text layer (a scan) is readable but has no text."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    return Extracted("", None, False, "encrypted")
            except (NotImplementedError, PyPdfError):
                return Extracted("", None, False, "encrypted")
        parts, total = [], 0
        for page in reader.pages:
            piece = page.extract_text() or ""
            parts.append(piece)
            total += len(piece)
            if total > MAX_EXTRACTED_CHARS:
                break
        text = " ".join(" ".join(parts).split())[:MAX_EXTRACTED_CHARS]
        return Extracted(text, len(reader.pages), True)
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        log.info("unreadable PDF: %s", exc)
        return Extracted("", None, False, "unreadable")
