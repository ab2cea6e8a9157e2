"""One code per measure (decision 0023).

- Each operational measure had two definitions: ``OP-ideas-received`` (loaded by 0002, no
  values) and ``ideas-received`` (made when the projects app's computation first ran, with
  the values). They become one definition, ``OP-IDEAS-RECEIVED``: the older row keeps its
  text, targets and staff edits, the values move to it, and both former codes are kept as
  ``IndicatorCode`` rows so old links and files still find it.
- ``III-1-supported`` and ``III-3`` are one survey question: ``III-3`` holds the series,
  ``III-1-supported`` shows it (``same_as``). Values it held move to ``III-3`` where that
  year and district is empty; where both had one, ``III-3``'s stays and the other is written
  into its history. Its demo values are dropped (the demo makes one series).
- Demo values for fiscal years that have not begun are removed, and demo survey values for
  the current one (its survey has not been reported yet).

Idempotent: ``indicators.definitions.ensure_definitions`` runs it again after a flush.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import migrations

# new code → former codes (the 0002 definition's first, then the registry's)
RENAMES: dict[str, list[str]] = {
    "OP-IDEAS-RECEIVED": ["OP-ideas-received", "ideas-received"],
    "OP-IDEAS-FIRST-RESPONSE-DAYS": ["OP-idea-first-response-days", "ideas-first-response-days"],
    "OP-SESSIONS-HELD": ["OP-sessions-held", "future_sessions_held"],
    "OP-SESSIONS-PARTICIPANTS": ["OP-session-participants", "future_session_participants"],
    "OP-SHEETS-SENT": ["OP-sheets-sent", "consult_sheets_sent"],
    "OP-SHEETS-RECEIVED-ON-TIME": ["OP-sheets-received-on-time", "consult_sheets_on_time_pct"],
    "OP-SHEETS-FIRST-CONTACT-DAYS": [
        "OP-sheet-first-contact-days",
        "consult_median_days_first_contact",
    ],
    "OP-CONFERENCES-HELD": ["OP-conferences-held", "consult_conferences_held"],
    "OP-OUTREACH-CONTACTS": ["OP-outreach-contacts", "consult_outreach_contacts"],
}

# Definitions whose text said something other than what the owning app computes: replaced
# only where the text is still the one 0002 loaded (staff edits are kept).
DEFINITION_FIXES: dict[str, tuple[str, str]] = {
    "OP-SESSIONS-HELD": (
        "その年度に開催したフューチャーセッション・地区別懇談会の回数。",
        "開催結果が記録されたフューチャーセッション・地区別懇談会・対話の場の数",
    ),
    "OP-SESSIONS-PARTICIPANTS": (
        "その年度に開催したセッションの参加者数の合計。",
        "開催結果に記録された参加者数の合計",
    ),
    "OP-OUTREACH-CONTACTS": (
        "地域福祉コーディネーターが記録した訪問・手紙などの件数。",
        "地域福祉コーディネーターが記録した訪問・手紙などのうち、会えた・話せた件数。",
    ),
}

SERIES, ALIAS = "III-3", "III-1-supported"


def _current_fiscal_year() -> int:
    today = datetime.now(ZoneInfo("Asia/Tokyo")).date()
    return today.year if today.month >= 4 else today.year - 1


def _move_values(apps: Any, donor: Any, keeper: Any) -> None:
    Measurement = apps.get_model("indicators", "Measurement")
    MeasurementChange = apps.get_model("indicators", "MeasurementChange")
    Target = apps.get_model("indicators", "Target")
    kept = {(m.fiscal_year, m.district_id): m for m in Measurement.objects.filter(indicator=keeper)}
    for m in Measurement.objects.filter(indicator=donor):
        other = kept.get((m.fiscal_year, m.district_id))
        if other is None:
            m.indicator = keeper
            m.save(update_fields=["indicator"])
            continue
        if other.value != m.value:
            MeasurementChange.objects.create(
                measurement=other,
                old_value=m.value,
                new_value=other.value,
                old_status=m.status,
                new_status=other.status,
                reason=f"{donor.code} の値を {keeper.code} に統合（{keeper.code} の値を残す）"[:300],
            )
        m.delete()
    years = set(Target.objects.filter(indicator=keeper).values_list("fiscal_year", flat=True))
    for t in Target.objects.filter(indicator=donor):
        if t.fiscal_year in years:
            t.delete()
        else:
            t.indicator = keeper
            t.save(update_fields=["indicator"])
    if keeper.baseline_value is None and donor.baseline_value is not None:
        keeper.baseline_fiscal_year = donor.baseline_fiscal_year
        keeper.baseline_value = donor.baseline_value
        keeper.baseline_is_demo = donor.baseline_is_demo
        keeper.save(update_fields=["baseline_fiscal_year", "baseline_value", "baseline_is_demo"])


def forward(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorCode = apps.get_model("indicators", "IndicatorCode")
    Measurement = apps.get_model("indicators", "Measurement")
    for new, former in RENAMES.items():
        rows = {i.code: i for i in Indicator.objects.filter(code__in=[new, *former])}
        keeper = rows.get(new) or next((rows[c] for c in former if c in rows), None)
        if keeper is None:
            continue
        for row in rows.values():
            if row.pk != keeper.pk:
                _move_values(apps, row, keeper)
                IndicatorCode.objects.filter(indicator=row).update(indicator=keeper)
                row.delete()
        keeper.code = new
        keeper.kind = "operational"
        keeper.source = "computed"
        old_text, new_text = DEFINITION_FIXES.get(new, ("", ""))
        if old_text and keeper.definition == old_text:
            keeper.definition = new_text
        keeper.save()
        for code in former:
            IndicatorCode.objects.update_or_create(code=code, defaults={"indicator": keeper})
    series = Indicator.objects.filter(code=SERIES).first()
    alias = Indicator.objects.filter(code=ALIAS).first()
    if series is not None and alias is not None:
        Measurement.objects.filter(indicator=alias, is_demo=True).delete()
        _move_values(apps, alias, series)
        alias.same_as = series
        alias.baseline_fiscal_year = alias.baseline_value = None
        alias.baseline_is_demo = False
        alias.save()
    current = _current_fiscal_year()
    Measurement.objects.filter(is_demo=True, fiscal_year__gt=current).delete()
    # A year's survey is reported once that fiscal year is over (decision 0023).
    Measurement.objects.filter(is_demo=True, source="survey", fiscal_year__gte=current).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_former_codes_and_same_series")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
