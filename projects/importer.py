"""CSV import of past projects (e.g. まちだ〇ごと大作戦 2018–2021 records).

Columns (a header row is required; Japanese or English names):
タイトル/title, 地区/district, 開始日/start_date, 終了日/end_date, 参加者数/participants,
目的/purpose (optional). A district is its Japanese name, its code, or 市全域/empty.
UTF-8 (with or without BOM) and Shift_JIS (Excel's default in Japan) are read.

Every row is checked first; when any row is wrong nothing is imported. A cell the database
could not hold (a NUL character, a number beyond its column, a cell over the CSV reader's
131,072-character limit) is a row error like any other, never a failed import halfway.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from directory.models import District
from directory.search import search_document
from machida_portal.input_guard import (
    MAX_POSITIVE_INT,
    NUL,
    csv_cell_too_long,
    csv_records,
    parse_int,
)

from .models import Project

MAX_ROWS = 5000
COLUMNS = {
    "title": ("タイトル", "title", "作戦名", "プロジェクト名"),
    "district": ("地区", "district"),
    "start_date": ("開始日", "start_date"),
    "end_date": ("終了日", "end_date"),
    "participants": ("参加者数", "participants"),
    "purpose": ("目的", "purpose", "内容"),
}
REQUIRED = ("title", "start_date")
MAX_PURPOSE = Project._meta.get_field("purpose").max_length or 4000
# Past projects: nothing before the city's modern records, nothing beyond the plan's horizon.
FIRST_YEAR, LAST_YEAR = 1950, 2100


@dataclass
class ImportRow:
    line: int
    title: str
    district: District | None
    start_date: date | None
    end_date: date | None
    participants: int
    purpose: str
    errors: list[str] = field(default_factory=list)


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(_("文字コードを読み取れません。UTF-8 か Shift_JIS で保存してください。"))


def _date(value: str) -> date:
    value = value.strip().replace("/", "-").replace(".", "-")
    return datetime.strptime(value, "%Y-%m-%d").date()


def parse(text: str) -> tuple[list[ImportRow], list[str]]:
    """Rows with their own errors, and errors about the file as a whole."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], [_("ファイルが空です。")]
    except csv.Error:
        return [], [_("見出し行を読み取れません。")]
    index: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                index[key] = i
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in index]
    if missing:
        return [], [_("見出しに次の列がありません：%(c)s") % {"c": "、".join(missing)}]
    districts: dict[str, District] = {}
    for d in District.objects.all():
        districts[d.name_ja] = d
        districts[d.code] = d
    existing = set(Project.objects.values_list("title", "start_date"))
    rows: list[ImportRow] = []
    seen: set[tuple[str, date | None]] = set()
    for n, read in csv_records(reader):
        if read is None:
            return rows, [csv_cell_too_long(n)]
        cells = read
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            return rows, [_("一度に取り込めるのは %(n)d 行までです。") % {"n": MAX_ROWS}]

        def cell(key: str, cells: list[str] = cells) -> str:
            i = index.get(key)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        row = ImportRow(
            line=n,
            title=cell("title"),
            district=None,
            start_date=None,
            end_date=None,
            participants=0,
            purpose=cell("purpose"),
        )
        if any(NUL in c for c in cells):
            row.errors.append(_("使えない文字（NUL）が含まれています。"))
        if not row.title:
            row.errors.append(_("タイトルが空です。"))
        elif len(row.title) > 100:
            row.errors.append(_("タイトルは100字以内にしてください。"))
        if len(row.purpose) > MAX_PURPOSE:
            row.errors.append(_("目的は %(n)d 字以内にしてください。") % {"n": MAX_PURPOSE})
        if "<script" in (row.title + row.purpose).lower():
            row.errors.append(_("スクリプトを含む文章は受け付けられません。"))
        name = cell("district")
        if name and name != "市全域":
            row.district = districts.get(name)
            if row.district is None:
                row.errors.append(_("地区「%(d)s」が見つかりません。") % {"d": name})
        for key in ("start_date", "end_date"):
            value = cell(key)
            if value:
                try:
                    day = _date(value)
                except ValueError:
                    row.errors.append(
                        _("日付「%(v)s」を読み取れません（例：2019-04-01）。") % {"v": value}
                    )
                    continue
                if FIRST_YEAR <= day.year <= LAST_YEAR:
                    setattr(row, key, day)
                else:
                    row.errors.append(
                        _("日付「%(v)s」は %(first)d〜%(last)d 年の間にしてください。")
                        % {"v": value, "first": FIRST_YEAR, "last": LAST_YEAR}
                    )
            elif key == "start_date":
                row.errors.append(_("開始日が空です。"))
        if row.start_date and row.end_date and row.end_date < row.start_date:
            row.errors.append(_("終了日が開始日より前です。"))
        value = cell("participants")
        if value:
            participants = parse_int(value.replace(",", ""), low=0, high=MAX_POSITIVE_INT)
            if participants is None:
                row.errors.append(
                    _("参加者数「%(v)s」は0以上の整数にしてください。") % {"v": value}
                )
            else:
                row.participants = participants
        key_ = (row.title, row.start_date)
        if key_ in existing:
            row.errors.append(_("同じタイトルと開始日のプロジェクトがすでにあります。"))
        elif key_ in seen:
            row.errors.append(_("ファイルの中で同じ行が重なっています。"))
        seen.add(key_)
        rows.append(row)
    if not rows:
        return [], [_("取り込む行がありません。")]
    return rows, []


def import_rows(*, rows: list[ImportRow], by: User) -> int:
    """Store every row as a completed past project, all or nothing."""
    if any(r.errors for r in rows):
        raise ValueError("rows with errors")
    with transaction.atomic():
        projects = Project.objects.bulk_create(
            [
                Project(
                    title=r.title,
                    purpose=r.purpose or _("過去の記録から取り込み"),
                    status=Project.Status.COMPLETED,
                    start_date=r.start_date,
                    end_date=r.end_date or r.start_date,
                    imported_participants=r.participants,
                    created_by=by,
                    search_document=search_document(r.title, r.purpose),
                )
                for r in rows
            ],
            batch_size=1000,
        )
        through = Project.districts.through
        through.objects.bulk_create(
            [
                through(project_id=p.pk, district_id=r.district.pk)
                for p, r in zip(projects, rows, strict=True)
                if r.district is not None
            ],
            batch_size=1000,
        )
    return len(projects)
