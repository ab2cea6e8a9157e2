"""The plan's KPIs and the portal's operational indicators (definitions only: no values).

Real baselines and targets are entered by city staff; the plan text gives none. The
operational indicators name the registry codes the other apps register in ``<app>/kpis.py``.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SURVEY = "survey"
COMPUTED = "computed"
DEPT = "地域福祉部 福祉総務課"

# code, name_ja, name_en, unit, source, kind, definition, order
DEFINITIONS: list[tuple[str, str, str, str, str, str, str, int]] = [
    (
        "I-2",
        "地域活動に参加している市民の割合",
        "Share of residents taking part in community activities",
        "%",
        SURVEY,
        "plan",
        "市民意識調査で「地域活動に参加している」と答えた人の割合（回答者に対する該当者）。",
        10,
    ),
    (
        "II-1",
        "課題解決プロジェクトの参加人数",
        "Participants in problem-solving projects",
        "persons",
        COMPUTED,
        "plan",
        "その年度に課題解決プロジェクトに参加した人の数（ポータルの記録から算出）。",
        20,
    ),
    (
        "II-2",
        "課題解決プロジェクトの実施件数",
        "Problem-solving projects carried out",
        "cases",
        COMPUTED,
        "plan",
        "その年度に実施された課題解決プロジェクトの件数（ポータルの記録から算出）。",
        30,
    ),
    (
        "III-1-consult",
        "困ったときに身近に安心して相談できる相談支援機関があると感じる市民の割合",
        "Share of residents who feel there is a nearby consultation agency they can consult"
        " safely when in trouble",
        "%",
        SURVEY,
        "plan",
        "市民意識調査で「困ったときに身近に安心して相談できる相談支援機関がある」と感じると"
        "答えた人の割合。計画では施策の指標Ⅲ-1として掲げられています。",
        40,
    ),
    (
        "III-1-supported",
        "地域の市民や地域活動団体に支えられて暮らしていると感じる市民の割合",
        "Share of residents who feel supported by local people and community groups",
        "%",
        SURVEY,
        "plan",
        "市民意識調査で「地域の市民や地域活動団体に支えられて暮らしている」と感じると答えた人の"
        "割合。計画では、包括的な相談支援体制のプロジェクトで施策の指標Ⅲ-1として掲げられています"
        "（同じ文言がⅢ-3にもあります）。",
        50,
    ),
    (
        "III-3",
        "地域の市民や地域活動団体に支えられて暮らしていると感じる市民の割合",
        "Share of residents who feel supported by local people and community groups",
        "%",
        SURVEY,
        "plan",
        "市民意識調査で「地域の市民や地域活動団体に支えられて暮らしている」と感じると答えた人の"
        "割合。計画では、「やりたい」をかなえつづけるプロジェクトの指標Ⅲ-3として掲げられています。",
        60,
    ),
    (
        "OP-ideas-received",
        "受け付けた「やりたい」などの件数",
        "Ideas, offers and troubles received",
        "cases",
        COMPUTED,
        "operational",
        "その年度にポータルで受け付けたやりたい・できる・困りごとの件数。",
        110,
    ),
    (
        "OP-idea-first-response-days",
        "最初の応答までの日数（中央値）",
        "Days to the first response to an idea (median)",
        "days",
        COMPUTED,
        "operational",
        "受け付けてからコーディネーターが最初に応答するまでの日数の中央値。",
        120,
    ),
    (
        "OP-sessions-held",
        "フューチャーセッションの開催回数",
        "Future sessions held",
        "cases",
        COMPUTED,
        "operational",
        "その年度に開催したフューチャーセッション・地区別懇談会の回数。",
        130,
    ),
    (
        "OP-session-participants",
        "フューチャーセッションの参加者数",
        "Participants in future sessions",
        "persons",
        COMPUTED,
        "operational",
        "その年度に開催したセッションの参加者数の合計。",
        140,
    ),
    (
        "OP-sheets-sent",
        "つなぐシートの送付件数",
        "Tsunagu sheets sent",
        "cases",
        COMPUTED,
        "operational",
        "その年度に相談支援機関から送られたつなぐシートの件数。",
        150,
    ),
    (
        "OP-sheets-received-on-time",
        "期限内に受け取られたつなぐシートの割合",
        "Tsunagu sheets received within the deadline",
        "%",
        COMPUTED,
        "operational",
        "送られたつなぐシートのうち、期限内に受け取りが確認された割合。",
        160,
    ),
    (
        "OP-sheet-first-contact-days",
        "つなぐシートから最初の連絡までの日数（中央値）",
        "Days from a tsunagu sheet to the first contact (median)",
        "days",
        COMPUTED,
        "operational",
        "シートを受け取った機関が本人に最初に連絡するまでの日数の中央値。",
        170,
    ),
    (
        "OP-conferences-held",
        "多機関協働会議の開催回数",
        "Multi-agency conferences held",
        "cases",
        COMPUTED,
        "operational",
        "その年度に開催した多機関協働会議の回数。",
        180,
    ),
    (
        "OP-outreach-contacts",
        "潜在的な相談者への訪問・手紙の件数",
        "Outreach contacts with latent consulters",
        "cases",
        COMPUTED,
        "operational",
        "地域福祉コーディネーターが記録した訪問・手紙などの件数。",
        190,
    ),
]
# Fewer days is better for these; everything else should grow.
DOWN = {"OP-idea-first-response-days", "OP-sheet-first-contact-days"}


def load(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("indicators", "Indicator")
    for code, ja, en, unit, source, kind, definition, order in DEFINITIONS:
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name_ja": ja,
                "name_en": en,
                "unit": unit,
                "source": source,
                "kind": kind,
                "definition": definition,
                "owner_department": DEPT,
                "order": order,
                "direction": "down" if code in DOWN else "up",
            },
        )


def unload(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("indicators", "Indicator")
    Indicator.objects.filter(code__in=[d[0] for d in DEFINITIONS], measurements=None).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
