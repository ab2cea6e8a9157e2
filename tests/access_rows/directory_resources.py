from typing import Any

from tests.access import Row, everyone


def _resource(users: dict[str, Any]) -> dict[str, Any]:
    from directory.models import Resource

    return {"pk": Resource.objects.filter(is_active=True).order_by("id").first().pk}  # type: ignore[union-attr]


ROWS = [
    Row("directory:resource_list", everyone(200)),
    Row(
        "directory:resource_list", everyone(200), query="q=介護", id="get:directory:resource_list:q"
    ),
    Row("directory:resource_detail", everyone(200), kwargs=_resource),
]
