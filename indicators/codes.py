"""One code convention for every indicator (decision 0023).

- **Plan indicators** keep the plan's codes, in ASCII: ``I-2``, ``II-1``, ``III-3``. Where the
  plan prints one number for two questions (Ⅲ-1), a lower-case suffix tells them apart:
  ``III-1-consult``, ``III-1-supported``.
- **Operational measures** (computed from the portal's records, not in the plan) are
  ``OP-`` + the area + the measure, upper case, words joined by hyphens:
  ``OP-IDEAS-RECEIVED``, ``OP-SHEETS-FIRST-CONTACT-DAYS``.

Codes used before (``ideas-received``, ``OP-sheets-sent`` …) are kept as
``IndicatorCode`` rows: old links redirect, old survey files still import.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

PLAN_CODE = re.compile(r"^(I|II|III|IV|V)-[1-9][0-9]?(-[a-z]+)?$")
OPERATIONAL_CODE = re.compile(r"^OP-[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")


def code_error(code: str, kind: str) -> str | None:
    """Why ``code`` does not follow the convention for its kind, or None."""
    if kind == "plan" and not PLAN_CODE.match(code):
        return _("計画の指標のコードは、計画の番号（例：I-2、III-1-consult）にしてください。")
    if kind == "operational" and not OPERATIONAL_CODE.match(code):
        return _(
            "運用の指標のコードは「OP-」で始め、英大文字・数字をハイフンでつないでください"
            "（例：OP-IDEAS-RECEIVED）。"
        )
    return None


def kind_of(code: str) -> str | None:
    """The kind a code belongs to by the convention, or None when it follows neither."""
    if PLAN_CODE.match(code):
        return "plan"
    if OPERATIONAL_CODE.match(code):
        return "operational"
    return None
