"""Printing a case (issue 13, decision 0021): the tsunagu sheet and the consent form, as a
print view and an A4 PDF.

Who may print is who may read (another agency: 404); every print is an access-log row; the
printed sheet carries only the fields the consent covers. The PDFs are read back with
implementations someone else wrote: pypdf, and poppler's pdftotext and qpdf when installed.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from consultations import services
from consultations.models import AccessLog, SharedField, SheetStatus
from consultations.selectors import agency_of
from directory.models import Domain
from tests.conftest import service_missing
from tests.factories import ConsultationFactory, OrganizationFactory, SheetFactory

pytestmark = pytest.mark.django_db

A4 = (595, 842)  # points, rounded
NARRATIVE = "自分の介護と、同居する息子のひきこもりについての相談。"
PERSON_PHONE = "042-000-1234"


def _url(name: str, pk: int) -> str:
    return reverse(f"consultations:{name}", kwargs={"pk": pk})


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def _consent(c: Any, by: Any, **changes: Any) -> None:
    """Record the consultation's consent again, with ``changes``."""
    current: dict[str, Any] = {
        "status": c.consent_status,
        "method": c.consent_method,
        "fields": c.consent_fields,
        "domains": list(c.consent_domains.all()),
        "agencies": list(c.consent_agencies.all()),
        "expires_on": c.consent_expires_on,
    }
    services.consultation_consent_update(consultation=c, by=by, **{**current, **changes})


def _narrow_consent(c: Any, by: Any, fields: list[str]) -> None:
    _consent(c, by, fields=fields)


def _sheet_sharing_phone(users: dict[str, Any]) -> Any:
    """A sent sheet that handed over name, troubles and phone, whose consent then dropped
    the phone: the sender's page still lists it, paper must not."""
    c = ConsultationFactory(
        consent_fields=[SharedField.NAME, SharedField.TROUBLES, SharedField.PHONE]
    )
    sheet = SheetFactory(
        consultation=c,
        shared_fields=[SharedField.NAME, SharedField.TROUBLES, SharedField.PHONE],
    )
    _narrow_consent(c, users["staff_elderly"], [SharedField.NAME, SharedField.TROUBLES])
    return sheet


# --- who may print -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sheet_print", "sheet_pdf"])
def test_sheet_from_other_agency_is_404_and_logs_nothing(
    users: dict[str, Any], client: Any, name: str
) -> None:
    sheet = SheetFactory()
    before = AccessLog.objects.count()
    client.force_login(users["staff_other"])
    assert client.get(_url(name, sheet.pk)).status_code == 404
    assert AccessLog.objects.count() == before


@pytest.mark.parametrize("name", ["consent_form_print", "consent_form_pdf"])
def test_consent_form_is_the_owning_agencys_only(
    users: dict[str, Any], client: Any, name: str
) -> None:
    sheet = SheetFactory()  # the disability agency received a sheet of this consultation
    for who in ("staff_disability", "staff_other", "city", "admin"):
        client.force_login(users[who])
        assert client.get(_url(name, sheet.consultation_id)).status_code == 404, who
    client.force_login(users["staff_elderly"])
    assert client.get(_url(name, sheet.consultation_id)).status_code == 200


def test_receivers_draft_is_404(users: dict[str, Any], client: Any) -> None:
    sheet = SheetFactory(status=SheetStatus.DRAFT)
    client.force_login(users["staff_disability"])
    assert client.get(_url("sheet_pdf", sheet.pk)).status_code == 404


# --- the access log ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_elderly", "staff_disability"])
def test_every_print_and_pdf_of_a_sheet_is_logged(
    users: dict[str, Any], client: Any, who: str
) -> None:
    sheet = SheetFactory()
    client.force_login(users[who])
    client.get(_url("sheet_print", sheet.pk))
    client.get(_url("sheet_pdf", sheet.pk))
    client.get(_url("sheet_pdf", sheet.pk))
    rows = list(AccessLog.objects.filter(action=AccessLog.Action.PRINT).order_by("id"))
    assert [r.path for r in rows] == [
        _url("sheet_print", sheet.pk),
        _url("sheet_pdf", sheet.pk),
        _url("sheet_pdf", sheet.pk),
    ]
    for row in rows:
        assert (row.object_type, row.object_id) == ("tsunagusheet", sheet.pk)
        assert row.user == users[who]
        assert row.agency == agency_of(users[who])
        assert row.owner_agency_id == sheet.sender_id


def test_consent_form_print_is_logged_and_shown_on_the_access_log_page(
    users: dict[str, Any], client: Any
) -> None:
    c = ConsultationFactory()
    client.force_login(users["staff_elderly"])
    client.get(_url("consent_form_pdf", c.pk))
    row = AccessLog.objects.get(action=AccessLog.Action.PRINT)
    assert (row.object_type, row.object_id) == ("consultation", c.pk)
    assert row.owner_agency_id == c.agency_id
    page = client.get(reverse("consultations:access_log")).content.decode()
    assert "印刷・PDF" in page
    assert _url("consent_form_pdf", c.pk) in page


# --- what the sheet carries ----------------------------------------------------------------


def test_sheet_pdf_is_a4_japanese_and_holds_only_the_consented_fields(
    users: dict[str, Any], client: Any
) -> None:
    sheet = _sheet_sharing_phone(users)
    client.force_login(users["staff_elderly"])
    # The sender's own page lists every field it handed over …
    assert PERSON_PHONE in client.get(_url("sheet_detail", sheet.pk)).content.decode()
    response = client.get(_url("sheet_pdf", sheet.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="tsunagu-sheet-{sheet.pk}.pdf"'
    assert "no-store" in response["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.content))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4
    text = _pdf_text(response.content)
    assert f"つなぐシート #{sheet.pk}" in text
    assert "町田 太郎" in text and "まちだ たろう" in text
    assert "介護" in text
    # … paper only what the consent covers today.
    assert PERSON_PHONE not in text
    assert NARRATIVE not in text
    assert "1948" not in text  # the birth date was never handed over
    assert "長男" not in text  # nor the household


def test_print_view_holds_only_the_consented_fields(users: dict[str, Any], client: Any) -> None:
    sheet = _sheet_sharing_phone(users)
    client.force_login(users["staff_disability"])
    html = client.get(_url("sheet_print", sheet.pk)).content.decode()
    assert "町田 太郎" in html
    assert PERSON_PHONE not in html
    assert NARRATIVE not in html


def test_sheet_shows_the_senders_phone_and_the_staff_to_call_back(
    users: dict[str, Any], client: Any
) -> None:
    sheet = SheetFactory()
    sender = sheet.sender
    assert sender.phone, "the demo agencies have phone numbers"
    staff = users["staff_elderly"].display_name
    client.force_login(users["staff_disability"])
    page = client.get(_url("sheet_detail", sheet.pk)).content.decode()
    assert sender.phone in page and staff in page
    text = _pdf_text(client.get(_url("sheet_pdf", sheet.pk)).content)
    assert sender.phone in text
    assert staff in text
    assert sender.name in text


def test_closed_sheet_prints_nothing_of_the_person_for_the_receiver(
    users: dict[str, Any], client: Any
) -> None:
    sheet = SheetFactory()
    services.sheet_transition(
        sheet_id=sheet.pk,
        to=SheetStatus.WITHDRAWN,
        by=users["staff_elderly"],
        agency=agency_of(users["staff_elderly"]),  # type: ignore[arg-type]
        note="",
    )
    client.force_login(users["staff_disability"])
    text = _pdf_text(client.get(_url("sheet_pdf", sheet.pk)).content)
    assert "町田 太郎" not in text
    assert sheet.reason not in text
    assert sheet.sender.phone in text  # whom to ask stays


def test_sheet_pdf_passes_pdftotext_and_qpdf(
    users: dict[str, Any], client: Any, tmp_path: Any
) -> None:
    for tool in ("pdftotext", "qpdf", "pdffonts"):
        if not shutil.which(tool):
            service_missing(f"{tool} is not installed (apt-get install poppler-utils qpdf)")
    sheet = _sheet_sharing_phone(users)
    client.force_login(users["staff_elderly"])
    path = tmp_path / "sheet.pdf"
    path.write_bytes(client.get(_url("sheet_pdf", sheet.pk)).content)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "町田 太郎" in text
    assert PERSON_PHONE not in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "NotoSansCJK" in fonts.replace("-", "") or "Noto Sans CJK" in fonts, fonts


# --- the consent form ----------------------------------------------------------------------


def test_consent_form_is_filled_in_from_the_consent(users: dict[str, Any], client: Any) -> None:
    hospital = OrganizationFactory(name="町田みどり病院 相談室", kind="medical")
    c = ConsultationFactory()
    expires = timezone.localdate() + timedelta(days=90)
    _consent(c, users["staff_elderly"], agencies=[hospital], expires_on=expires)
    client.force_login(users["staff_elderly"])
    response = client.get(_url("consent_form_pdf", c.pk))
    assert response["Content-Disposition"] == f'attachment; filename="consent-form-{c.pk}.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert (
        round(float(reader.pages[0].mediabox.width)),
        round(float(reader.pages[0].mediabox.height)),
    ) == A4
    text = _pdf_text(response.content)
    assert "情報提供に関する同意書" in text
    assert "町田 太郎" in text
    assert "■氏名・ふりがな" in text.replace(" ", "")
    assert "□電話番号" in text.replace(" ", "")  # not consented: shown, unmarked
    assert "■障がい" in text.replace(" ", "")
    assert "町田みどり病院 相談室" in text
    assert f"{expires.year}年{expires.month}月{expires.day}日" in text
    assert "本人の署名" in text and "同意した日" in text
    # The form asks for consent; what the person told the agency stays off it.
    assert NARRATIVE not in text and PERSON_PHONE not in text


def test_print_view_in_english(users: dict[str, Any], client: Any) -> None:
    sheet = SheetFactory()
    client.force_login(users["staff_elderly"])
    html = client.get(_url("sheet_print", sheet.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tsunagu sheet" in html and "Call back" in html
    html = client.get(
        _url("consent_form_print", sheet.consultation_id), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Consent to share information" in html


# --- queries -------------------------------------------------------------------------------


def _count(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_sheet_print_query_count_is_flat(users: dict[str, Any], client: Any) -> None:
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    client.force_login(users["staff_elderly"])
    one = _count(client, _url("sheet_print", sheet.pk))
    receiver = users["staff_disability"]
    services.sheet_transition(
        sheet_id=sheet.pk,
        to=SheetStatus.FIRST_CONTACT,
        by=receiver,
        agency=agency_of(receiver),  # type: ignore[arg-type]
        contact_on=timezone.localdate(),
        contact_method="phone",
        note="電話しました",
    )
    services.sheet_transition(
        sheet_id=sheet.pk,
        to=SheetStatus.SUPPORTING,
        by=receiver,
        agency=agency_of(receiver),  # type: ignore[arg-type]
    )
    assert _count(client, _url("sheet_print", sheet.pk)) == one
    assert _count(client, _url("sheet_pdf", sheet.pk)) == one


def test_consent_form_query_count_is_flat(users: dict[str, Any], client: Any) -> None:
    client.force_login(users["staff_elderly"])
    small = ConsultationFactory()
    one = _count(client, _url("consent_form_print", small.pk))
    agencies = [
        OrganizationFactory(name=f"相談機関 {i}", kind="consultation_agency") for i in range(6)
    ]
    big = ConsultationFactory(consent_domains=list(Domain.objects.all()))
    _consent(big, users["staff_elderly"], agencies=agencies)
    assert _count(client, _url("consent_form_print", big.pk)) == one


# --- WeasyPrint fetches nothing ------------------------------------------------------------


def test_pdf_renderer_refuses_every_url(caplog: Any) -> None:
    from consultations.printing import html_to_pdf

    html = (
        '<html lang="ja"><body><p>テスト</p>'
        '<img src="file:///etc/hostname" alt=""><img src="http://127.0.0.1:9/x.png" alt="">'
        "</body></html>"
    )
    with caplog.at_level("WARNING", logger="weasyprint"):
        pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF-")
    refused = [r.getMessage() for r in caplog.records if "disallowed protocol" in r.getMessage()]
    assert len(refused) == 2, [r.getMessage() for r in caplog.records]
