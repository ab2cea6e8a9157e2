from typing import Any

from tests.access import LOGIN, ROLES, Row, everyone


def _resource(users: dict[str, Any]) -> dict[str, Any]:
    from directory.models import Resource

    return {"pk": Resource.objects.filter(is_active=True).order_by("id").first().pk}  # type: ignore[union-attr]


def _npo_resource(users: dict[str, Any]) -> dict[str, Any]:
    from directory.models import Membership, Resource
    from tests.factories import ResourceFactory

    org = Membership.objects.get(user=users["member"]).organization
    # Not indexed: the row as an organization's member first saves it.
    r = ResourceFactory(
        name="こども食堂", kind=Resource.Kind.DROP_IN, organization=org, indexed=False
    )
    return {"pk": r.pk}


_OWNER_ONLY: dict[str, int | str] = {r: 403 for r in ROLES}
_OWNER_ONLY.update({"anonymous": LOGIN, "member": 302, "admin": 302})

ROWS = [
    Row("directory:resource_list", everyone(200)),
    Row(
        "directory:resource_list", everyone(200), query="q=介護", id="get:directory:resource_list:q"
    ),
    Row("directory:resource_detail", everyone(200), kwargs=_resource),
    Row("directory:resource_verify", _OWNER_ONLY, method="post", kwargs=_npo_resource),
]
