"""Writes: definitions, measurements (with their history), survey imports, computed values."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.fiscal import fiscal_year_of
from directory.models import District
from machida_portal.input_guard import (
    MAX_POSITIVE_INT,
    NUL,
    csv_cell_too_long,
    csv_records,
    parse_int,
)
from machida_portal.public_cache import pages_changed

from .apps import CACHE_SCOPE
from .models import (
    Indicator,
    IndicatorCode,
    Measurement,
    MeasurementChange,
    Target,
    Unit,
    fiscal_year_error,
    future_year_error,
    value_error,
)
from .policies import (
    MEASUREMENT_STATES,
    STAMPED_FIELDS,
    measurement_can,
    measurement_change,
    stamp_move,
)
from .registry import ComputedIndicator, registered


def _quantize(value: Decimal | int | float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


# --- definitions -------------------------------------------------------------------------


def parse_targets(text: str, *, unit: str) -> list[tuple[int, Decimal]]:
    """Lines of ``年度,値`` → [(fiscal year, value)]; ValidationError names the bad line."""
    targets: list[tuple[int, Decimal]] = []
    seen: set[int] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("，", ",")
        if not line:
            continue
        parts = [p.strip() for p in line.split(",")]
        try:
            year, value = int(parts[0]), Decimal(parts[1])
            if len(parts) != 2 or not value.is_finite():
                raise ValueError
        except (ValueError, IndexError, InvalidOperation):
            raise ValidationError(
                _("%(n)s行目：「年度,値」の形で入力してください。") % {"n": number}
            ) from None
        for msg in (fiscal_year_error(year), value_error(unit, value)):
            if msg:
                raise ValidationError(_("%(n)s行目：") % {"n": number} + msg)
        if year in seen:
            raise ValidationError(_("%(n)s行目：同じ年度が2回あります。") % {"n": number})
        seen.add(year)
        targets.append((year, _quantize(value)))
    return sorted(targets)


def indicator_update(
    *,
    indicator: Indicator,
    fields: dict[str, Any],
    targets: list[tuple[int, Decimal]] | None = None,
) -> Indicator:
    """Change a definition and (when given) replace its targets. Values entered by staff are
    real, so they lose the demo mark."""
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        before = (indicator.baseline_fiscal_year, indicator.baseline_value)
        for name, value in fields.items():
            setattr(indicator, name, value)
        if (indicator.baseline_fiscal_year, indicator.baseline_value) != before:
            indicator.baseline_is_demo = False
        indicator.full_clean()
        indicator.save()
        if targets is not None:
            # A definition that shows another's series shares its targets.
            holder = indicator.series
            current = {t.fiscal_year: t for t in holder.targets.all()}
            wanted = dict(targets)
            holder.targets.exclude(fiscal_year__in=list(wanted)).delete()
            for year, value in wanted.items():
                old = current.get(year)
                if old is None:
                    Target.objects.create(indicator=holder, fiscal_year=year, value=value)
                elif old.value != value:
                    old.value, old.is_demo = value, False
                    old.save(update_fields=["value", "is_demo"])
    return indicator


# --- measurements ------------------------------------------------------------------------


def _locked(
    indicator: Indicator, fiscal_year: int, district: District | None
) -> Measurement | None:
    return (
        Measurement.objects.select_for_update(of=("self",))
        .filter(indicator=indicator, fiscal_year=fiscal_year, district=district)
        .order_by()
        .first()
    )


def measurement_record(
    *,
    indicator: Indicator,
    fiscal_year: int,
    district: District | None,
    value: Decimal | int | float,
    by: Any,
    reason: str = "",
    sample_size: int | None = None,
    numerator: int | None = None,
    source: str | None = None,
    as_of: datetime | None = None,
    is_demo: bool = False,
) -> Measurement:
    """Create the value for (indicator, year, district), or correct the existing one.

    A correction of a different value needs a reason and leaves a history row; the status
    is kept (a correction of a published value is published at once, with its history).
    A definition that shows another one's series (``same_as``) records into that series."""
    indicator = indicator.series
    new_value = _quantize(value)
    with transaction.atomic():
        measurement = _locked(indicator, fiscal_year, district)
        if measurement is None:
            measurement = Measurement(
                indicator=indicator,
                fiscal_year=fiscal_year,
                district=district,
                value=new_value,
                sample_size=sample_size,
                numerator=numerator,
                source=source or indicator.source,
                as_of=as_of or timezone.now(),
                is_demo=is_demo,
                updated_by=by,
            )
            measurement.full_clean(validate_constraints=False)
            try:
                with transaction.atomic():
                    measurement.save()
            except IntegrityError:
                # Someone stored the same cell between our read and our insert (two staff,
                # or the nightly task and an on-demand run): theirs is corrected instead.
                measurement = _locked(indicator, fiscal_year, district)
                if measurement is None:
                    raise
            else:
                MeasurementChange.objects.create(
                    measurement=measurement,
                    old_value=None,
                    new_value=new_value,
                    new_status=measurement.status,
                    reason=reason or _("登録"),
                    by=by,
                )
                return measurement
        old_value = measurement.value
        changed = (old_value, measurement.sample_size, measurement.numerator) != (
            new_value,
            sample_size,
            numerator,
        )
        if changed and old_value != new_value and not reason.strip():
            raise ValidationError({"reason": _("値を訂正する理由を入力してください。")})
        measurement.value = new_value
        measurement.sample_size = sample_size
        measurement.numerator = numerator
        measurement.as_of = as_of or timezone.now()
        measurement.is_demo = is_demo
        measurement.updated_by = by
        measurement.full_clean()
        measurement.save()
        if changed:
            MeasurementChange.objects.create(
                measurement=measurement,
                old_value=old_value,
                new_value=new_value,
                old_status=measurement.status,
                new_status=measurement.status,
                reason=reason or _("再集計"),
                by=by,
            )
    return measurement


def measurement_transition(
    *, measurement: Measurement, to: str, by: Any, reason: str = ""
) -> Measurement:
    """Publish or withdraw one value, if ``by`` may (``MEASUREMENT_STATES``)."""
    with transaction.atomic():
        measurement = Measurement.objects.select_for_update().get(pk=measurement.pk)
        stamp_move(measurement, to, by=by)  # saved with the move, or not at all
        MEASUREMENT_STATES.move(
            measurement,
            to,
            may=lambda action: measurement_can(by, action, measurement),
            by=by,
            update_fields=STAMPED_FIELDS,
            reason=reason,
        )
    return measurement


def measurements_publish(*, indicator: Indicator, by: Any) -> int:
    """Publish every draft of one indicator; returns how many were published. Each row's
    move is checked against ``MEASUREMENT_STATES`` as a single publish would be; the rows
    and their history are then written together (a constant number of queries)."""
    with transaction.atomic():
        drafts = list(
            Measurement.objects.select_for_update()
            .filter(indicator=indicator, status=Measurement.Status.DRAFT)
            .order_by("pk")
        )
        to = Measurement.Status.PUBLISHED.value
        old = MEASUREMENT_STATES.move_all(
            drafts, to, may=lambda m, action: measurement_can(by, action, measurement=m)
        )
        changes = []
        for m, frm in zip(drafts, old, strict=True):
            changes.append(measurement_change(m, frm, to, by=by))
            stamp_move(m, to, by=by)
        Measurement.objects.bulk_update(drafts, [MEASUREMENT_STATES.field, *STAMPED_FIELDS])
        MeasurementChange.objects.bulk_create(changes)
        if drafts:
            pages_changed(CACHE_SCOPE)  # bulk writes send no signals
    return len(drafts)


# --- survey CSV import -------------------------------------------------------------------

CSV_COLUMNS = ["code", "fiscal_year", "district", "value", "sample_size", "numerator"]


@dataclass
class ImportRow:
    line: int
    code: str
    fiscal_year: int | None
    district_code: str
    value: Decimal | None
    sample_size: int | None
    numerator: int | None
    indicator: Indicator | None = None
    district: District | None = None
    errors: list[str] = field(default_factory=list)
    existing: Decimal | None = None


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    errors: list[str]  # errors about the file as a whole

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and not any(r.errors for r in self.rows)


def _count_or_none(text: str) -> int | None:
    """An empty cell, or a count its column can hold; ``ValueError`` otherwise."""
    text = text.strip()
    if not text:
        return None
    value = parse_int(text, low=0, high=MAX_POSITIVE_INT)
    if value is None:
        raise ValueError(text)
    return value


def survey_import_preview(text: str) -> ImportPreview:
    """Parse and check a CSV without changing anything (also the first step of the import)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        fieldnames = reader.fieldnames
    except csv.Error:
        return ImportPreview([], [_("見出し行を読み取れません。")])
    header = [h.strip() for h in (fieldnames or [])]
    missing = [c for c in ("code", "fiscal_year", "district", "value") if c not in header]
    if missing:
        return ImportPreview(
            [],
            [
                _("1行目に列名が必要です。足りない列：%(cols)s（使える列：%(all)s）")
                % {"cols": ", ".join(missing), "all": ", ".join(CSV_COLUMNS)}
            ],
        )
    reader.fieldnames = header
    # Former codes and a definition that shows another's series both import into the series.
    indicators = {
        c.code: c.indicator.series
        for c in IndicatorCode.objects.select_related("indicator__same_as")
    }
    indicators.update({i.code: i.series for i in Indicator.objects.select_related("same_as")})
    districts = {d.code: d for d in District.objects.filter(is_active=True)}
    existing = {
        (m.indicator_id, m.fiscal_year, m.district_id): m.value
        for m in Measurement.objects.filter(indicator__source=Indicator.Source.SURVEY).only(
            "indicator_id", "fiscal_year", "district_id", "value"
        )
    }
    rows: list[ImportRow] = []
    seen: dict[tuple[str, int | None, str], int] = {}
    for line, raw in csv_records(reader):
        if raw is None:
            return ImportPreview(rows, [csv_cell_too_long(line)])
        data = {k: v.strip() for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}
        if not any(data.values()):
            continue
        errors: list[str] = []
        if any(NUL in v for v in data.values()):
            errors.append(_("使えない文字（NUL）が含まれています。"))
        year: int | None = None
        value: Decimal | None = None
        sample: int | None = None
        numerator: int | None = None
        try:
            year = int(data.get("fiscal_year", ""))
        except ValueError:
            errors.append(_("年度が数字ではありません。"))
        try:
            value = Decimal(data.get("value", "").replace("%", ""))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append(_("値が数字ではありません。"))
        try:
            sample = _count_or_none(data.get("sample_size", ""))
            numerator = _count_or_none(data.get("numerator", ""))
            if (sample is not None and sample < 0) or (numerator is not None and numerator < 0):
                raise ValueError
        except ValueError:
            errors.append(
                _("回答者数・該当者数は0以上 %(max)s 以下の整数で入力してください。")
                % {"max": f"{MAX_POSITIVE_INT:,}"}
            )
        row = ImportRow(
            line=line,
            code=data.get("code", ""),
            fiscal_year=year,
            district_code=data.get("district", ""),
            value=value,
            sample_size=sample,
            numerator=numerator,
            errors=errors,
        )
        row.indicator = indicators.get(row.code)
        if row.indicator is None:
            errors.append(_("指標コード「%(code)s」はありません。") % {"code": row.code})
        elif row.indicator.source != Indicator.Source.SURVEY:
            errors.append(
                _("指標「%(code)s」はポータルのデータから算出するため、取り込めません。")
                % {"code": row.code}
            )
        if row.district_code:
            row.district = districts.get(row.district_code)
            if row.district is None:
                errors.append(
                    _("地区コード「%(code)s」はありません。") % {"code": row.district_code}
                )
        if year is not None and (msg := fiscal_year_error(year) or future_year_error(year)):
            errors.append(msg)
        if (
            row.indicator is not None
            and value is not None
            and (msg := value_error(row.indicator.unit, value))
        ):
            errors.append(msg)
        if sample is not None and numerator is not None and numerator > sample:
            errors.append(_("該当者数は回答者数以下にしてください。"))
        key = (row.code, year, row.district_code)
        if key in seen:
            errors.append(_("%(line)s行目と同じ指標・年度・地区です。") % {"line": seen[key]})
        seen[key] = line
        if row.indicator is not None and year is not None:
            row.existing = existing.get(
                (row.indicator.pk, year, row.district.pk if row.district else None)
            )
        rows.append(row)
    file_errors = [] if rows else [_("取り込む行がありません。")]
    return ImportPreview(rows, file_errors)


def survey_import(*, text: str, by: Any) -> ImportPreview:
    """All or nothing: if any row has an error, nothing is stored."""
    with transaction.atomic():
        preview = survey_import_preview(text)
        if not preview.ok:
            return preview
        for row in preview.rows:
            if row.indicator is None or row.fiscal_year is None or row.value is None:
                # preview.ok guarantees these; refuse rather than store half a row.
                raise ValidationError(_("取り込みデータが不完全です。"))
            measurement_record(
                indicator=row.indicator,
                fiscal_year=row.fiscal_year,
                district=row.district,
                value=row.value,
                sample_size=row.sample_size,
                numerator=row.numerator,
                source=Indicator.Source.SURVEY,
                by=by,
                reason=_("CSVから取り込み"),
            )
    return preview


# --- computed values ---------------------------------------------------------------------


def indicators_sync_registry() -> list[Indicator]:
    """Every registered computation has a definition; new ones appear as operational
    indicators, so another app's KPI shows up without a change here."""
    computed = registered()
    known = set(Indicator.objects.filter(code__in=list(computed)).values_list("code", flat=True))
    for code, item in computed.items():
        if code in known:
            continue
        unit = item.unit if item.unit in Unit.values else Unit.CASES
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name_ja": item.name_ja,
                "name_en": item.name_en,
                "unit": unit,
                "source": Indicator.Source.COMPUTED,
                "kind": Indicator.Kind.OPERATIONAL,
                "definition": item.description,
                "direction": item.direction,
                "order": 500,
            },
        )
    return list(Indicator.objects.filter(code__in=list(computed), source=Indicator.Source.COMPUTED))


@dataclass
class ComputeResult:
    fiscal_year: int
    stored: int = 0
    skipped: list[str] = field(default_factory=list)  # codes that raised


def _computed_values(
    item: ComputedIndicator, indicator: Indicator, fiscal_year: int, districts: list[Any]
) -> dict[int | None, Decimal] | None:
    """All cells of one indicator, or None when its computation fails or gives a value out
    of range (then nothing of it is stored: no half-updated year)."""
    values: dict[int | None, Decimal] = {}
    try:
        for district in districts:
            raw = item.compute(fiscal_year, district)
            if raw is None:
                continue
            value = _quantize(raw)
            if value_error(indicator.unit, value):
                return None
            values[district.pk if district else None] = value
    except Exception:
        return None
    return values


def _store_computed(
    *,
    indicator: Indicator,
    fiscal_year: int,
    values: dict[int | None, Decimal],
    as_of: datetime,
    by: Any,
    is_demo: bool,
) -> None:
    """A constant number of queries per indicator, whatever the number of districts."""
    reason = _("自動集計")
    with transaction.atomic():
        existing = {
            m.district_id: m
            for m in Measurement.objects.select_for_update(of=("self",))
            .filter(indicator=indicator, fiscal_year=fiscal_year)
            .order_by()
        }
        new = [
            Measurement(
                indicator=indicator,
                fiscal_year=fiscal_year,
                district_id=key,
                value=value,
                source=Indicator.Source.COMPUTED,
                as_of=as_of,
                is_demo=is_demo,
                updated_by=by,
            )
            for key, value in values.items()
            if key not in existing
        ]
        try:
            with transaction.atomic():
                Measurement.objects.bulk_create(new)
                pages_changed(CACHE_SCOPE)  # bulk writes send no signals
        except IntegrityError:
            # A concurrent run stored some of these cells first: go one by one, correcting.
            for key, value in values.items():
                measurement_record(
                    indicator=indicator,
                    fiscal_year=fiscal_year,
                    district=District.objects.get(pk=key) if key else None,
                    value=value,
                    source=Indicator.Source.COMPUTED,
                    as_of=as_of,
                    by=by,
                    reason=reason,
                    is_demo=is_demo,
                )
            return
        changes = [
            MeasurementChange(
                measurement=m,
                old_value=None,
                new_value=m.value,
                new_status=m.status,
                reason=reason,
                by=by,
            )
            for m in new
        ]
        touched = []
        for key, m in existing.items():
            if key not in values:
                continue
            if m.value != values[key]:
                changes.append(
                    MeasurementChange(
                        measurement=m,
                        old_value=m.value,
                        new_value=values[key],
                        old_status=m.status,
                        new_status=m.status,
                        reason=reason,
                        by=by,
                    )
                )
            m.value, m.as_of, m.is_demo, m.updated_by = values[key], as_of, is_demo, by
            touched.append(m)
        Measurement.objects.bulk_update(touched, ["value", "as_of", "is_demo", "updated_by"])
        MeasurementChange.objects.bulk_create(changes)
        pages_changed(CACHE_SCOPE)  # bulk writes send no signals


def indicators_compute(
    *, fiscal_year: int, by: Any = None, as_of: datetime | None = None, is_demo: bool = False
) -> ComputeResult:
    """Compute every registered indicator for a year, city-wide and per district, and store
    the values with their "as of" time. Idempotent: a second run changes only ``as_of`` (and
    writes history only where a number moved)."""
    if msg := fiscal_year_error(fiscal_year) or future_year_error(fiscal_year):
        raise ValidationError(msg)
    as_of = as_of or timezone.now()
    computed = registered()
    result = ComputeResult(fiscal_year)
    districts: list[District | None] = [None, *District.objects.filter(is_active=True)]
    for indicator in indicators_sync_registry():
        values = _computed_values(computed[indicator.code], indicator, fiscal_year, districts)
        if values is None:
            result.skipped.append(indicator.code)
            continue
        _store_computed(
            indicator=indicator,
            fiscal_year=fiscal_year,
            values=values,
            as_of=as_of,
            by=by,
            is_demo=is_demo,
        )
        result.stored += len(values)
    return result


def indicators_compute_current(*, now: datetime | None = None) -> int:
    """What the nightly task runs: the current fiscal year, and the previous one during
    April and May, when last year's records are still being completed."""
    now = now or timezone.now()
    year = fiscal_year_of(now)
    years = [year - 1, year] if timezone.localtime(now).month in (4, 5) else [year]
    stored = 0
    for y in years:
        if fiscal_year_error(y) is None:
            stored += indicators_compute(fiscal_year=y, as_of=now).stored
    return stored
