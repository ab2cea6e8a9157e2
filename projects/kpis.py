"""Indicators computed from ideas and projects; definitions in ``projects.selectors``."""

from __future__ import annotations

from indicators.registry import ComputedIndicator, register

from . import selectors

register(
    ComputedIndicator(
        code="II-1",
        name_ja="課題解決プロジェクトへの参加者数",
        name_en="Participants in problem-solving projects",
        unit="persons",
        compute=lambda fiscal_year, district: selectors.participants(fiscal_year, district),
        list_url_name="projects:project_list",
        description="年度中に実施されたプロジェクトのメンバー（実人数）と、過去記録の参加者数の合計",
    )
)
register(
    ComputedIndicator(
        code="II-2",
        name_ja="課題解決プロジェクトの実施数",
        name_en="Problem-solving projects carried out",
        unit="cases",
        compute=lambda fiscal_year, district: selectors.projects_carried_out(
            fiscal_year, district
        ).count(),
        list_url_name="projects:project_list",
        description="活動中・完了・休止中で期間が年度に重なるか、年度内に活動記録があるプロジェクト",
    )
)
register(
    ComputedIndicator(
        code="OP-IDEAS-RECEIVED",
        name_ja="受け付けた「やりたい」などの件数",
        name_en="Ideas, offers and troubles received",
        unit="cases",
        compute=lambda fiscal_year, district: selectors.ideas_received(
            fiscal_year, district
        ).count(),
        list_url_name="projects:inbox",
        description="その年度にポータルで受け付けたやりたい・できる・困りごとの件数。",
    )
)
register(
    ComputedIndicator(
        code="OP-IDEAS-FIRST-RESPONSE-DAYS",
        name_ja="最初の応答までの日数（中央値）",
        name_en="Days to the first response to an idea (median)",
        unit="days",
        compute=lambda fiscal_year, district: selectors.median_days_to_first_response(
            fiscal_year, district
        ),
        list_url_name="projects:inbox",
        description="受け付けてからコーディネーターが最初に応答するまでの日数の中央値。",
        direction="down",
    )
)
