"""The comparison report as a paginated PDF: the static rendering of the HTML report, by WeasyPrint.

WeasyPrint lays out HTML and CSS for paper (A4, page numbers in the margins) without a browser.
Its URL fetcher is limited to ``data:`` URIs, so rendering reads nothing from disk or network:
every picture is already inside the document.
"""

from __future__ import annotations

from ..compare import Comparison
from .html import compare_html

__all__ = ["compare_pdf"]


def compare_pdf(comparison: Comparison) -> bytes:
    """The report with every viewer as still frames, as PDF bytes."""
    # Imported here: WeasyPrint loads Pango through cffi, which only --pdf needs.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    document = compare_html(comparison, static=True)
    return HTML(string=document, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
