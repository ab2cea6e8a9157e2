"""Every input the probe of issue #11 sent (finding 10) answers a clear 4xx, never a 5xx,
and changes nothing: NUL bytes in paths and query strings, Unicode digits and huge integers
where an id is expected, broken photos, and CSV cells the database cannot hold."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.security.forms import (
    HUGE_INTEGERS,
    UNICODE_DIGITS,
    broken_images,
    model_counts,
    png_of_zeros,
    truncated_jpeg,
)

pytestmark = pytest.mark.django_db

GUARD = "machida_portal.input_guard.InputGuardMiddleware"

NUL_URLS = [
    "/sessions/?district=%00",
    "/directory/resources/?district=%00",
    "/directory/organizations/?district=%00",
    "/indicators/i/%00/",
    "/ideas/?q=%00",
    "/ideas/?district=1%00",
    "/?%00=1",
    "/directory/resources/?q=a%00b&kind=place",
]


# --- NUL bytes: the guard ------------------------------------------------------------------


@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_in_a_path_or_query_is_a_400_page_in_japanese(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert "使えない文字" in response.content.decode()


def test_the_nul_page_speaks_the_visitors_language(client: Any) -> None:
    response = client.get("/directory/resources/?district=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "character that cannot be used" in response.content.decode()


@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_in_a_path_or_query_never_reaches_postgresql(
    postgres: None, client: Any, role_users: Any, url: str
) -> None:
    client.force_login(role_users["coordinator"])
    assert client.get(url).status_code == 400


def test_a_nul_in_a_post_to_a_query_string_is_refused_and_stores_nothing(
    client: Any, role_users: Any
) -> None:
    client.force_login(role_users["resident"])
    before = model_counts()
    response = client.post(reverse("projects:idea_create") + "?next=%00", {"title": "x"})
    assert response.status_code == 400
    assert model_counts() == before


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken", "django_language"])
def test_a_cookie_with_a_nul_is_ignored_not_a_500(
    client: Any, role_users: Any, cookie: str
) -> None:
    client.force_login(role_users["resident"])
    client.cookies[cookie] = "abcdefgh\x00ijklmnop"
    response = client.get(reverse("projects:idea_board"))
    assert response.status_code == 200


def test_the_guard_is_early_in_the_middleware() -> None:
    middleware = django_settings.MIDDLEWARE
    assert GUARD in middleware
    assert middleware.index(GUARD) < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )


# --- NUL bytes: the views themselves, without the guard (PostgreSQL) ----------------------

OWN_VIEWS_WITH_NUL = [
    "/directory/resources/?district=%00",
    "/directory/resources/?q=%00",
    "/directory/organizations/?district=%00",
    "/indicators/i/%00/",
    "/indicators/?district=%00",
    "/ideas/?q=%00",
    "/ideas/offers/?q=%00",
    "/ideas/needs/?q=%00",
    "/ideas/projects/?q=%00",
    "/ideas/similar/?q=%00",
    "/ideas/inbox/?q=%00",
]


@pytest.mark.parametrize("url", OWN_VIEWS_WITH_NUL)
def test_own_views_answer_nul_without_the_guard(
    postgres: None, client: Any, role_users: Any, settings: Any, url: str
) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != GUARD]
    client.force_login(role_users["city" if url.startswith("/indicators/") else "coordinator"])
    assert client.get(url).status_code in (200, 404)


# --- Unicode digits and huge integers where an id is expected ------------------------------

BAD_IDS = [*UNICODE_DIGITS, *HUGE_INTEGERS, "1,²", "9" * 5000]


@pytest.mark.parametrize("raw", BAD_IDS)
def test_project_creation_from_bad_idea_ids_shows_an_empty_form(
    client: Any, role_users: Any, raw: str
) -> None:
    client.force_login(role_users["coordinator"])
    response = client.get(reverse("projects:project_create"), {"ideas": raw})
    assert response.status_code == 200


@pytest.mark.parametrize("raw", BAD_IDS)
def test_proposing_a_bad_offer_id_is_a_clear_message(
    client: Any, role_users: Any, raw: str
) -> None:
    from projects.models import Match
    from projects.services import need_create

    need = need_create(
        by=role_users["coordinator"],
        owner=role_users["member"],
        title="送迎の手伝い",
        description="週1回",
        source="recruitment",
        need_types=["vehicle"],
        is_public=True,
    )
    client.force_login(role_users["coordinator"])
    response = client.post(
        reverse("projects:need_propose", kwargs={"pk": need.pk}), {"offer": raw}, follow=True
    )
    assert response.status_code == 200
    assert "見つかりません" in response.content.decode()
    assert not Match.objects.exists()


@pytest.mark.parametrize("raw", BAD_IDS)
def test_idea_filters_with_a_bad_district_answer_the_board(client: Any, raw: str) -> None:
    assert client.get(reverse("projects:idea_board"), {"district": raw}).status_code == 200


@pytest.mark.parametrize("raw", BAD_IDS)
def test_merging_into_a_bad_idea_number_is_a_clear_message(
    client: Any, role_users: Any, raw: str
) -> None:
    from projects.services import idea_create

    idea = idea_create(
        by=role_users["resident"], kind="want", title="体操", description="朝", is_public=True
    )
    client.force_login(role_users["coordinator"])
    response = client.post(
        reverse("projects:idea_merge", kwargs={"pk": idea.pk}), {"target": raw}, follow=True
    )
    assert response.status_code == 200
    idea.refresh_from_db()
    assert idea.merged_into_id is None


def test_parse_id_takes_decimal_digits_within_the_id_range() -> None:
    from machida_portal.input_guard import parse_id, parse_ids

    assert parse_id("42") == 42
    assert parse_id(" １２ ") == 12  # full-width digits typed with a Japanese IME
    assert parse_id("٣") == 3  # any decimal digit int() reads
    assert parse_id("99999999999") == 99999999999  # an id column holds it; no row has it
    beyond = [str(2**63), "-" + str(2**63), "1e309", "9" * 5000]
    not_ids = ["²", "⑤", "½", *beyond, "1,²", "", "0", "-1", "1.5", "\x00"]
    for raw in [*not_ids, None]:
        assert parse_id(raw) is None, raw
    assert parse_ids("3,²,4,99999999999999999999,5", limit=2) == [3, 4]


# --- broken photos through the forms -------------------------------------------------------


@pytest.mark.parametrize("name", sorted(broken_images()))
def test_a_broken_photo_on_an_idea_is_a_form_error_and_stores_nothing(
    client: Any, role_users: Any, name: str
) -> None:
    client.force_login(role_users["resident"])
    before = model_counts()
    response = client.post(
        reverse("projects:idea_create"),
        {
            "kind": "want",
            "title": "空き店舗で子ども食堂",
            "description": "商店街で",
            "contact_method": "portal",
            "photo1": SimpleUploadedFile(name, broken_images()[name]),
        },
    )
    assert response.status_code == 200
    assert "写真" in response.content.decode()
    assert model_counts() == before


def test_three_huge_decoded_photos_on_one_idea_are_refused_before_decoding(
    client: Any, role_users: Any, no_decoding: list[str]
) -> None:
    client.force_login(role_users["resident"])
    huge = png_of_zeros(6240, 6240)
    response = client.post(
        reverse("projects:idea_create"),
        {
            "kind": "want",
            "title": "写真つき",
            "description": "三枚",
            "contact_method": "portal",
            **{f"photo{i}": SimpleUploadedFile(f"{i}.png", huge) for i in (1, 2, 3)},
        },
    )
    assert response.status_code == 200
    assert "展開すると" in response.content.decode()
    assert no_decoding == []


def test_a_truncated_jpeg_on_a_project_activity_is_a_form_error(
    client: Any, role_users: Any
) -> None:
    from projects.services import project_create

    project = project_create(title="川をきれいに", purpose="清掃", by=role_users["coordinator"])
    client.force_login(role_users["coordinator"])
    before = model_counts()
    response = client.post(
        reverse("projects:project_activity", kwargs={"pk": project.pk}),
        {
            "date": "2026-04-01",
            "text": "清掃しました",
            "photo": SimpleUploadedFile("cut.jpg", truncated_jpeg()),
        },
    )
    assert response.status_code in (200, 302)
    assert model_counts() == before


# --- CSV imports: cells the database cannot hold -------------------------------------------

LONG = "あ" * 131_073

PROJECT_CSV = {
    "nul-title": "タイトル,開始日\n川を\x00きれいに,2019-04-01\n",
    "nul-purpose": "タイトル,開始日,目的\n川,2019-04-01,清\x00掃\n",
    "nul-district": "タイトル,開始日,地区\n川,2019-04-01,鶴\x00川\n",
    "huge-participants": "タイトル,開始日,参加者数\n川,2019-04-01,99999999999\n",
    "huge-participants-2**63": f"タイトル,開始日,参加者数\n川,2019-04-01,{2**63}\n",
    "many-digit-participants": f"タイトル,開始日,参加者数\n川,2019-04-01,{'9' * 5000}\n",
    "unicode-participants": "タイトル,開始日,参加者数\n川,2019-04-01,²\n",
    "long-cell": f"タイトル,開始日,目的\n川,2019-04-01,{LONG}\n",
    "long-title-cell": f"タイトル,開始日\n{LONG},2019-04-01\n",
    "long-purpose": f"タイトル,開始日,目的\n川,2019-04-01,{'あ' * 20_000}\n",
    "year-one": "タイトル,開始日\n川,0001-04-01\n",
}


@pytest.mark.parametrize("name", sorted(PROJECT_CSV))
def test_project_import_refuses_cells_the_database_cannot_hold(
    client: Any, role_users: Any, name: str
) -> None:
    from projects.models import Project

    client.force_login(role_users["coordinator"])
    upload = SimpleUploadedFile("past.csv", PROJECT_CSV[name].encode())
    preview = client.post(reverse("projects:project_import"), {"file": upload})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert 'data-testid="row-errors"' in page or 'data-testid="problems"' in page
    confirm = client.post(reverse("projects:project_import"), {"confirm": "1"})
    assert confirm.status_code in (200, 302)
    assert not Project.objects.exists()


def test_one_bad_cell_keeps_every_good_project_row_out(client: Any, role_users: Any) -> None:
    from projects.models import Project

    client.force_login(role_users["coordinator"])
    text = "タイトル,開始日,参加者数\n良い行,2019-04-01,10\n悪い行,2019-04-01,99999999999\n"
    response = client.post(
        reverse("projects:project_import"), {"file": SimpleUploadedFile("p.csv", text.encode())}
    )
    assert 'data-testid="row-errors"' in response.content.decode()
    assert "99999999999" in response.content.decode()
    client.post(reverse("projects:project_import"), {"confirm": "1"})
    assert not Project.objects.exists()


SURVEY_HEADER = "code,fiscal_year,district,value,sample_size,numerator\n"
SURVEY_CSV = {
    "nul-code": "I-2\x00,2024,,50,,\n",
    "nul-district": "I-2,2024,tsuru\x00kawa,50,,\n",
    "nul-value": "I-2,2024,,5\x000,,\n",
    "huge-sample": "I-2,2024,,50,99999999999,\n",
    "huge-both": f"I-2,2024,,50,{2**63},{2**63}\n",
    "huge-year": "I-2,99999999999,,50,,\n",
    "many-digit-year": f"I-2,{'9' * 5000},,50,,\n",
    "unicode-year": "I-2,²⁰²⁴,,50,,\n",
    "unicode-sample": "I-2,2024,,50,²,\n",
    "long-cell": f"I-2,2024,,50,,{LONG}\n",
    "huge-value": "I-2,2024,,1e999999,,\n",
    "many-digit-value": f"I-2,2024,,{'9' * 5000},,\n",
}


@pytest.mark.parametrize("name", sorted(SURVEY_CSV))
def test_survey_import_refuses_cells_the_database_cannot_hold(
    client: Any, role_users: Any, name: str
) -> None:
    from indicators.models import Measurement

    client.force_login(role_users["city"])
    text = SURVEY_HEADER + "I-2,2023,,40,,\n" + SURVEY_CSV[name]
    upload = SimpleUploadedFile("survey.csv", text.encode())
    preview = client.post(reverse("indicators:import"), {"file": upload})
    assert preview.status_code == 200
    assert 'name="confirm"' not in preview.content.decode()
    # A hand-made confirmation of the same text is refused too.
    confirm = client.post(reverse("indicators:import"), {"confirm": "1", "csv": text})
    assert confirm.status_code == 200
    assert not Measurement.objects.exists()


# --- ids beyond an integer column in a multiple choice ------------------------------------


@pytest.mark.parametrize("raw", [str(2**63), "-" + str(2**64), str(2**70)])
def test_an_id_no_column_holds_in_a_multiple_choice_is_invalid_not_a_500(
    client: Any, role_users: Any, raw: str
) -> None:
    from projects.models import Idea

    client.force_login(role_users["resident"])
    response = client.post(
        reverse("projects:idea_create"),
        {
            "kind": "want",
            "title": "空き店舗で子ども食堂",
            "description": "商店街で",
            "contact_method": "portal",
            "themes": [raw],
        },
    )
    assert response.status_code == 200
    assert not Idea.objects.exists()


def test_an_in_query_leaves_out_numbers_the_column_cannot_hold() -> None:
    from directory.models import Theme

    some = Theme.objects.order_by("pk").first()
    assert some is not None
    assert list(Theme.objects.filter(pk__in=[some.pk, 2**63, -(2**64)])) == [some]
    assert list(Theme.objects.filter(pk__in=[2**63])) == []
    assert Theme.objects.exclude(pk__in=[2**63]).count() == Theme.objects.count()


@pytest.mark.parametrize("field", ["sample_size", "numerator"])
@pytest.mark.parametrize("raw", ["99999999999", str(2**63)])
def test_a_count_beyond_its_column_is_a_form_error_on_a_measurement(
    client: Any, role_users: Any, field: str, raw: str
) -> None:
    from indicators.models import Measurement

    client.force_login(role_users["city"])
    data = {"fiscal_year": "2024", "value": "40", "reason": "", field: raw}
    response = client.post(reverse("indicators:measurement_new", kwargs={"code": "I-2"}), data)
    assert response.status_code == 200
    assert not Measurement.objects.exists()
