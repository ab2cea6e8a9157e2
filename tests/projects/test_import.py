from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Project
from projects.selectors import participants

pytestmark = pytest.mark.django_db

GOOD = (
    "タイトル,地区,開始日,終了日,参加者数,目的\n"
    "鶴川の川をきれいに大作戦,鶴川,2019/05/01,2019/05/01,35,清掃\n"
    '忠生の昔あそび,tadao,2020-10-10,2020-10-10,"1,200",多世代\n'
    "市全域の防災ウォーク,市全域,2021-04-03,,20,防災\n"
)


def _upload(client: Any, text: str, encoding: str = "utf-8") -> Any:
    f = SimpleUploadedFile("past.csv", text.encode(encoding), content_type="text/csv")
    return client.post(reverse("projects:project_import"), {"file": f})


def test_preview_then_confirm_imports_every_row(client: Any, role_users: Any) -> None:
    client.force_login(role_users["coordinator"])
    preview = _upload(client, GOOD)
    assert "3 行を取り込めます" in preview.content.decode()
    assert Project.objects.count() == 0
    client.post(reverse("projects:project_import"), {"confirm": "1"})
    assert Project.objects.count() == 3
    p = Project.objects.get(title="忠生の昔あそび")
    assert p.imported_participants == 1200 and p.status == Project.Status.COMPLETED
    assert list(p.districts.values_list("code", flat=True)) == ["tadao"]
    assert participants(2020) == 1200


def test_shift_jis_files_are_read(client: Any, role_users: Any) -> None:
    client.force_login(role_users["coordinator"])
    assert "3 行を取り込めます" in _upload(client, GOOD, "cp932").content.decode()


def test_one_bad_row_imports_nothing_and_says_why_in_japanese(client: Any, role_users: Any) -> None:
    client.force_login(role_users["coordinator"])
    bad = GOOD + "日付の誤り,鶴川,2021-13-40,,5,x\n不明な地区,どこか,2021-04-01,,x,\n"
    page = _upload(client, bad).content.decode()
    assert "日付「2021-13-40」を読み取れません" in page
    assert "地区「どこか」が見つかりません" in page
    assert "参加者数「x」は0以上の整数" in page
    assert "2 行に誤りがあります" in page
    client.post(reverse("projects:project_import"), {"confirm": "1"})
    assert Project.objects.count() == 0


def test_importing_the_same_file_twice_is_refused(client: Any, role_users: Any) -> None:
    client.force_login(role_users["coordinator"])
    _upload(client, GOOD)
    client.post(reverse("projects:project_import"), {"confirm": "1"})
    page = _upload(client, GOOD).content.decode()
    assert "すでにあります" in page
    assert Project.objects.count() == 3


def test_missing_header_is_explained(client: Any, role_users: Any) -> None:
    client.force_login(role_users["coordinator"])
    page = _upload(client, "名前,場所\na,b\n").content.decode()
    assert "見出しに次の列がありません" in page
