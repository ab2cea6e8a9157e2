"""Paper for a case: the tsunagu sheet and the consent form, as a print view and a PDF
(decision 0021).

One template per document renders both. The print view is a page of its own that the browser
prints (``static/css/print.css`` sets A4); the PDF is the same HTML drawn by WeasyPrint with
the same stylesheet and Debian's Noto CJK fonts. WeasyPrint fetches nothing: the stylesheet is
read from the static files, and any URL in the document is refused.

What a document holds is decided here, from what the views loaded through the policies:
a sheet carries only the fields its basis covers (``TsunaguSheet.readable_fields``), never the
rest of the consultation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from directory.models import Domain

from .models import Consultation, SharedField, SheetStatus, SheetTransition, TsunaguSheet
from .services.sheets import sheet_shared_data

PRINT_CSS = "css/print.css"


@dataclass(frozen=True)
class Callback:
    """Whom the receiving agency calls back at the sender."""

    agency: str
    phone: str
    staff: str


def sheet_callback(
    sheet: TsunaguSheet, *, history: Iterable[SheetTransition] | None = None
) -> Callback:
    """The sending agency's phone and the staff member who sent the sheet (who drafted it,
    while it is a draft). Reads the sheet's history (``history`` when the caller has it as a
    list, as the sheet page does) and ``created_by`` as loaded: no query of its own when the
    caller prefetched ``history__by`` or passed it, and selected ``created_by``."""
    transitions = sheet.history.all() if history is None else history
    staff = next(
        (h.by for h in transitions if h.to_status == SheetStatus.SENT and h.by),
        None,
    )
    staff = staff or sheet.created_by
    name = (staff.display_name or staff.get_full_name()) if staff is not None else ""
    return Callback(agency=sheet.sender.name, phone=sheet.sender.phone, staff=name)


def sheet_document(sheet: TsunaguSheet, *, show_shared: bool) -> dict[str, Any]:
    """What the printed sheet shows. The handed-over fields are the ones the basis covers
    today (``readable_fields``) for both sides — the sender's page may list a field the
    consent has since dropped, paper never does — and none when the receiver may no longer
    read them (``show_shared``), as on the sheet page."""
    return {
        "sheet": sheet,
        "show_shared": show_shared,
        "shared": sheet_shared_data(sheet, for_sender=False) if show_shared else [],
        "callback": sheet_callback(sheet),
        "is_draft": sheet.status == SheetStatus.DRAFT,
    }


@dataclass(frozen=True)
class Choice:
    label: str
    chosen: bool


def consent_document(consultation: Consultation) -> dict[str, Any]:
    """What the consent form shows: every field and domain a consent can cover, marked where
    the recorded consent covers it (so the person sees what is *not* shared too), the agencies
    it names, its expiry. Expects ``consent_domains`` and ``consent_agencies`` prefetched."""
    fields = set(consultation.consent_fields or [])
    chosen_domains = {d.pk for d in consultation.consent_domains.all()}
    return {
        "c": consultation,
        "fields": [Choice(str(label), value in fields) for value, label in SharedField.choices],
        "domains": [Choice(d.name, d.pk in chosen_domains) for d in Domain.objects.all()],
        "agencies": [a.name for a in consultation.consent_agencies.all()],
    }


def render_document(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    as_pdf: bool,
    filename: str,
) -> HttpResponse:
    """The print view, or the PDF download of the same page."""
    if not as_pdf:
        return HttpResponse(render_to_string(template, {**context, "pdf": False}, request))
    html = render_to_string(template, {**context, "pdf": True}, request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    # The name carries the record's number only: a download folder is no place for a name.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _weasyprint() -> tuple[Any, Any, Any]:
    """WeasyPrint's classes, imported on first use: it loads Pango and its fonts, which only a
    print request needs. Importing it sets Pillow's process-wide ``LOAD_TRUNCATED_IMAGES`` to
    True (``weasyprint/images.py``), which would let every later photo upload in this worker
    through half-decoded (decision 0011); the flag is put back. Our documents embed no images
    (every URL is refused), so WeasyPrint never needs it."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        from weasyprint import CSS, HTML
        from weasyprint.urls import URLFetcher
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    return CSS, HTML, URLFetcher


def html_to_pdf(html: str) -> bytes:
    """A4 PDF of a print template's HTML, with ``print.css`` and the system's fonts."""
    CSS, HTML, URLFetcher = _weasyprint()

    refuse_all = URLFetcher(allowed_protocols=())
    css_path = finders.find(PRINT_CSS)
    if not isinstance(css_path, str):
        raise RuntimeError(f"static file {PRINT_CSS} is missing")
    stylesheet = CSS(filename=css_path, url_fetcher=refuse_all)
    pdf = HTML(string=html, url_fetcher=refuse_all).write_pdf(stylesheets=[stylesheet])
    if pdf is None:
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)
