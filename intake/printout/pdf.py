"""The printed chart as a PDF: the printout's HTML laid out by WeasyPrint, with the clinic's print styles.

WeasyPrint reads only files under ``static/``: its URL fetcher refuses every other address (no network, no
other file), so nothing a note or an answer contains can make the renderer fetch anything.
"""

import re
from datetime import date
from pathlib import Path

from flask import current_app, render_template
from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # no type hints shipped
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

from intake.printout.content import ChartPrintout

TEMPLATE = "printout/chart.html"
STYLESHEET = "css/printout.css"
_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9-]")


class StaticFilesOnly(URLFetcher):
    """Fetch files under the app's static folder; refuse any other URL (web, data, other files)."""

    def __init__(self, static_folder: str):
        super().__init__(allowed_protocols=("file",))
        self.root = Path(static_folder).resolve()

    def fetch(self, url, headers=None):
        if not url.startswith("file://"):
            raise ValueError(f"The printout reads only the clinic's own files, not {url[:80]!r}")
        path = Path(url.removeprefix("file://").split("?")[0].split("#")[0]).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError("The printout reads only files in the static folder")
        return URLFetcherResponse(path.as_uri(), path.read_bytes())


def printout_html(printout: ChartPrintout) -> str:
    """Render the printed chart's HTML (the template reads only what ``printout`` holds)."""
    return render_template(TEMPLATE, printout=printout, patient=printout.patient)


def render_pdf(printout: ChartPrintout) -> bytes:
    """Lay the printed chart out as a PDF."""
    static_folder = current_app.static_folder
    assert static_folder is not None  # the factory always sets it
    fetcher = StaticFilesOnly(static_folder)
    stylesheet = CSS(filename=str(Path(static_folder) / STYLESHEET), url_fetcher=fetcher)
    document = HTML(
        string=printout_html(printout),
        base_url=Path(static_folder).resolve().as_uri() + "/",
        url_fetcher=fetcher,
    )
    pdf = document.write_pdf(stylesheets=[stylesheet], uncompressed_pdf=False)
    assert pdf is not None  # no target given: the bytes are returned
    return pdf


def pdf_filename(chart_number: str, printed_on: date) -> str:
    """Name the file by chart number and date, never by the patient's name."""
    safe_number = _UNSAFE_IN_FILE_NAME.sub("", chart_number) or "unnumbered"
    return f"chart-{safe_number}-{printed_on.isoformat()}.pdf"
