"""The comparison report as a paginated PDF: the static rendering of the HTML report, by WeasyPrint.

WeasyPrint lays out HTML and CSS for paper (A4, page numbers in the margins) without a browser.
Its URL fetcher is limited to ``data:`` URIs, so rendering reads nothing from disk or network:
every picture is already inside the document.
"""

from __future__ import annotations

from PIL import ImageFile

from ..compare import Comparison
from .html import compare_html

__all__ = ["compare_pdf"]


def compare_pdf(comparison: Comparison) -> bytes:
    """The report with every viewer as still frames, as PDF bytes."""
    # Imported here: WeasyPrint loads Pango through cffi, which only --pdf needs. Its import turns
    # on Pillow's LOAD_TRUNCATED_IMAGES for the whole process, after which a truncated picture
    # decodes grey-padded without a word: put back at once (the report's own pictures are whole).
    accept_truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = accept_truncated

    document = compare_html(comparison, static=True)
    return HTML(string=document, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
