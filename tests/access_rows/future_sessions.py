from datetime import timedelta
from typing import Any

from tests.access import LOGIN, Row, everyone, only, signed_in

MANAGERS = ["coordinator", "admin"]


def _session(users: dict[str, Any]) -> Any:
    from django.utils import timezone

    from directory.models import Place
    from tests.factories import PlaceFactory, SessionFactory

    return SessionFactory(
        by=users["coordinator"],
        title="行列テスト",
        question="問い",
        starts_at=timezone.now() + timedelta(days=5),
        venue=Place.objects.first() or PlaceFactory(name="会場"),
        capacity=30,
    )


def _pk(users: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _session(users).pk}


def _resident_registration(users: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import RegistrationFactory

    return {"pk": RegistrationFactory(session=_session(users), user=users["resident"]).pk}


def _registration_in_session(users: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import RegistrationFactory

    session = _session(users)
    reg = RegistrationFactory(session=session, user=users["resident"])
    return {"pk": session.pk, "registration_pk": reg.pk}


def _invitation(users: dict[str, Any]) -> dict[str, Any]:
    from sessions.services import invitation_create, invitation_token

    inv = invitation_create(session=_session(users), by=users["coordinator"], user=users["member"])
    return {"token": invitation_token(inv)}


def _district(users: dict[str, Any]) -> dict[str, Any]:
    from directory.models import District

    return {"code": District.objects.first().code}  # type: ignore[union-attr]


def _vision(users: dict[str, Any]) -> dict[str, Any]:
    from directory.models import District
    from sessions.services import vision_save

    district = District.objects.first()
    vision_save(district=district, by=users["coordinator"], vision="誰もが集えるまち")
    return {"code": district.code}  # type: ignore[union-attr]


def _action(users: dict[str, Any]) -> dict[str, Any]:
    from directory.models import District
    from sessions.services import action_create, vision_save

    member_org = users["member"].memberships.first().organization
    vision = vision_save(
        district=District.objects.first(), by=users["coordinator"], vision="誰もが集えるまち"
    )
    action = action_create(
        vision=vision,
        by=users["coordinator"],
        title="子ども食堂を増やす",
        owner=member_org,
        target_year=2028,
    )
    return {"pk": action.pk}


def _managers(ok: int) -> dict[str, int | str]:
    return only(MANAGERS, ok=ok)


def _owner_of_registration(status: int) -> dict[str, int | str]:
    table = signed_in(404)
    table["resident"] = status
    return table


def _action_editors() -> dict[str, int | str]:
    return only([*MANAGERS, "member"])


ROWS = [
    Row("future_sessions:calendar", everyone(200)),
    Row("future_sessions:calendar_month", everyone(200)),
    Row("future_sessions:session_detail", everyone(200), kwargs=_pk),
    Row("future_sessions:session_ics", everyone(200), kwargs=_pk),
    Row("future_sessions:district_feed", everyone(200), kwargs=_district),
    Row("future_sessions:session_create", _managers(200)),
    Row("future_sessions:my_registrations", signed_in(200)),
    Row("future_sessions:session_edit", _managers(200), kwargs=_pk),
    Row("future_sessions:session_cancel", _managers(302), kwargs=_pk, method="post"),
    Row(
        "future_sessions:register",
        signed_in(302),
        kwargs=_pk,
        method="post",
        data=lambda users: {"seats": 1},
    ),
    Row(
        "future_sessions:registration_cancel",
        _owner_of_registration(302),
        kwargs=_resident_registration,
        method="post",
    ),
    Row("future_sessions:invitations", _managers(200), kwargs=_pk),
    # The personal link works without signing in; anyone holding it sees the invitation.
    Row("future_sessions:invitation_respond", everyone(200), kwargs=_invitation),
    Row("future_sessions:checkin", _managers(200), kwargs=_pk),
    Row(
        "future_sessions:checkin_mark",
        _managers(302),
        kwargs=_registration_in_session,
        method="post",
        data=lambda users: {"attendance": "attended"},
    ),
    Row(
        "future_sessions:walk_in",
        _managers(302),
        kwargs=_pk,
        method="post",
        data=lambda users: {"name": "当日の方"},
    ),
    Row("future_sessions:outcome_edit", _managers(200), kwargs=_pk),
    Row("future_sessions:project_start", _managers(200), kwargs=_pk),
    Row("future_sessions:vision_list", everyone(200)),
    Row("future_sessions:vision_detail", everyone(200), kwargs=_vision),
    Row("future_sessions:vision_edit", _managers(200), kwargs=_district),
    Row("future_sessions:action_create", _managers(200), kwargs=_vision),
    Row("future_sessions:action_update", _action_editors(), kwargs=_action),
    Row("future_sessions:my_actions", signed_in(200)),
    Row("future_sessions:meeting_pack", everyone(200), kwargs=_vision),
]

__all__ = ["LOGIN", "ROWS"]
