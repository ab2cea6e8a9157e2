from typing import Any

from tests.access import Row, everyone, only

EDITORS = ["city", "admin"]


def _code(users: dict[str, Any]) -> dict[str, Any]:
    return {"code": "I-2"}


def _measurement(users: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import MeasurementFactory

    return {"pk": MeasurementFactory(fiscal_year=2024, value=40, by=users["city"]).pk}


ROWS = [
    # The overview and the indicator pages are public (published values); editors also see
    # drafts, every value with its history, and their tools (decision 0023).
    Row("indicators:dashboard", everyone(200)),
    Row("indicators:open_data", everyone(200)),
    Row("indicators:export_csv", everyone(200)),
    Row("indicators:export_json", everyone(200)),
    Row("indicators:export_standard_csv", everyone(200)),
    Row("indicators:district_codes_csv", everyone(200)),
    Row("indicators:datapackage", everyone(200)),
    Row("indicators:export_json_schema", everyone(200)),
    Row("indicators:import", only(EDITORS)),
    Row(
        "indicators:import",
        only(EDITORS, ok=200),
        method="post",
        id="post:indicators:import",
        data=lambda u: {"text": "code,fiscal_year,district,value\nI-2,2024,,40\n"},
    ),
    Row(
        "indicators:compute",
        only(EDITORS, ok=302),
        method="post",
        data=lambda u: {"fiscal_year": "2024"},
    ),
    Row("indicators:indicator_detail", everyone(200), kwargs=_code),
    Row(
        "indicators:indicator_detail",
        everyone(200),
        kwargs=lambda u: {"code": "III-1-supported"},
        id="indicators:indicator_detail:same-series",
    ),
    # A former code answers with a permanent redirect to the indicator's code.
    Row(
        "indicators:indicator_detail",
        everyone(301),
        kwargs=lambda u: {"code": "ideas-received"},
        id="indicators:indicator_detail:former-code",
    ),
    Row("indicators:indicator_edit", only(EDITORS), kwargs=_code),
    Row("indicators:measurement_new", only(EDITORS), kwargs=_code),
    Row("indicators:indicator_publish", only(EDITORS, ok=302), kwargs=_code, method="post"),
    Row("indicators:measurement_edit", only(EDITORS), kwargs=_measurement),
    Row(
        "indicators:measurement_status",
        only(EDITORS, ok=302),
        kwargs=_measurement,
        method="post",
        data=lambda u: {"to": "published"},
    ),
]
