from typing import Any

from tests.access import Row, signed_in


def _resident_notification(users: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import NotificationFactory

    n = NotificationFactory(recipient=users["resident"], subject="お知らせ", url="/")
    return {"pk": n.pk}


def _owner_only(status: int) -> dict[str, int | str]:
    # Someone else's notification does not exist for you.
    table = signed_in(404)
    table["resident"] = status
    return table


ROWS = [
    Row("reminders:notification_list", signed_in(200)),
    Row("reminders:notification_open", _owner_only(302), kwargs=_resident_notification),
    Row("reminders:notification_read_all", signed_in(302), method="post"),
]
