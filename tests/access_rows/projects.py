"""Ideas and projects. Private ideas (troubles, unpublished) exist only for their author and
coordinators; everyone else gets a 404. Coordinator pages are 403 for other roles."""

from typing import Any

from tests.access import LOGIN, ROLES, Row, everyone, only, signed_in

COORDINATORS = ["coordinator", "cwc", "admin"]


def _idea(users: dict[str, Any], **kw: Any) -> Any:
    from tests.factories import IdeaFactory

    return IdeaFactory(by=users["resident"], title="公園で体操", description="朝", **kw)


def _public_idea(users: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _idea(users).pk}


def _trouble(users: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _idea(users, kind="trouble").pk}


def _project(users: dict[str, Any], public: bool = True) -> dict[str, Any]:
    from tests.factories import ProjectFactory

    p = ProjectFactory(
        title="川をきれいに",
        purpose="清掃",
        by=users["coordinator"],
        is_public=public,
        lead_user=users["member"],
    )
    return {"pk": p.pk}


def _author_and_coordinators(
    ok: int, other: int = 404, anonymous: int | str = 404
) -> dict[str, int | str]:
    table: dict[str, int | str] = dict.fromkeys(ROLES, other)
    table["anonymous"] = anonymous
    table["resident"] = ok
    for role in COORDINATORS:
        table[role] = ok
    return table


def _coordinator_post(ok: int = 302) -> dict[str, int | str]:
    return only(COORDINATORS, ok=ok)


ROWS = [
    Row("projects:idea_board", everyone(200)),
    Row("projects:idea_create", signed_in(200)),
    Row("projects:idea_mine", signed_in(200)),
    Row("projects:idea_similar", everyone(200), query="q=公園"),
    Row("projects:inbox", only(COORDINATORS)),
    Row("projects:idea_detail", everyone(200), kwargs=_public_idea, id="public-idea"),
    Row(
        "projects:idea_detail",
        _author_and_coordinators(200),
        kwargs=_trouble,
        id="trouble-is-private",
    ),
    Row(
        "projects:idea_react",
        signed_in(302),
        method="post",
        kwargs=_public_idea,
        data=lambda u: {"kind": "join"},
    ),
    Row(
        "projects:idea_react",
        {**signed_in(404), "anonymous": LOGIN},
        method="post",
        kwargs=_trouble,
        data=lambda u: {"kind": "join"},
        id="react-to-trouble",
    ),
    Row("projects:idea_assign", _coordinator_post(), method="post", kwargs=_public_idea),
    Row(
        "projects:idea_note",
        _coordinator_post(),
        method="post",
        kwargs=_trouble,
        data=lambda u: {"text": "メモ"},
    ),
    Row(
        "projects:idea_reply",
        _coordinator_post(),
        method="post",
        kwargs=_trouble,
        data=lambda u: {"message": "返信"},
    ),
    Row(
        "projects:idea_transition",
        _coordinator_post(),
        method="post",
        kwargs=_public_idea,
        data=lambda u: {"to": "coordinating"},
    ),
    Row(
        "projects:idea_merge",
        _coordinator_post(),
        method="post",
        kwargs=_public_idea,
        data=lambda u: {"target": 999999},
    ),
    Row("projects:project_list", everyone(200)),
    Row("projects:project_create", only(COORDINATORS)),
    Row("projects:project_detail", everyone(200), kwargs=_project, id="public-project"),
    Row(
        "projects:project_detail",
        {**dict.fromkeys(ROLES, 404), **dict.fromkeys(COORDINATORS, 200)},
        kwargs=lambda u: _project(u, public=False),
        id="private-project",
    ),
    Row("projects:project_join", signed_in(302), method="post", kwargs=_project),
    Row(
        "projects:project_activity",
        {**signed_in(403), "member": 302, **dict.fromkeys(COORDINATORS, 302)},
        method="post",
        kwargs=_project,
        data=lambda u: {"date": "2026-05-01", "text": "活動"},
    ),
]


def _offer(users: dict[str, Any]) -> dict[str, Any]:
    from projects.services import offer_create

    o = offer_create(
        owner=users["member"],
        title="送迎できます",
        description="d",
        offer_types=["vehicle"],
        contact="member@example.jp",
    )
    return {"pk": o.pk}


def _need(users: dict[str, Any], public: bool = True) -> Any:
    from projects.services import need_create

    return need_create(
        by=users["coordinator"],
        owner=users["member"],
        title="送迎募集",
        description="d",
        source="recruitment",
        need_types=["vehicle"],
        is_public=public,
    )


def _match(users: dict[str, Any]) -> dict[str, Any]:
    from projects.models import Offer
    from projects.services import match_propose

    need = _need(users)
    offer = Offer.objects.get(pk=_offer(users)["pk"])
    return {"pk": match_propose(need=need, offer=offer, by=users["coordinator"]).pk}


def _match_parties(ok: int) -> dict[str, int | str]:
    # The member speaks for both sides here; coordinators see every match.
    table: dict[str, int | str] = {**signed_in(404), "member": ok}
    for role in COORDINATORS:
        table[role] = ok if ok == 200 else 403
    return table


ROWS += [
    Row("projects:idea_need", _coordinator_post(), method="post", kwargs=_public_idea),
    Row("projects:offer_list", everyone(200)),
    Row("projects:offer_create", signed_in(200)),
    Row("projects:offer_detail", everyone(200), kwargs=_offer),
    Row("projects:need_list", everyone(200)),
    Row("projects:need_create", only(["member", *COORDINATORS])),
    Row("projects:need_detail", everyone(200), kwargs=lambda u: {"pk": _need(u).pk}),
    Row(
        "projects:need_detail",
        {**dict.fromkeys(ROLES, 404), "member": 200, **dict.fromkeys(COORDINATORS, 200)},
        kwargs=lambda u: {"pk": _need(u, public=False).pk},
        id="private-need",
    ),
    Row(
        "projects:need_propose",
        {**signed_in(403), "member": 302, **dict.fromkeys(COORDINATORS, 302)},
        method="post",
        kwargs=lambda u: {"pk": _need(u).pk},
        data=lambda u: {"offer": _offer(u)["pk"]},
    ),
    Row("projects:match_list", signed_in(200)),
    Row("projects:match_detail", _match_parties(200), kwargs=_match),
    Row(
        "projects:match_respond",
        {**signed_in(404), "member": 302, **dict.fromkeys(COORDINATORS, 403)},
        method="post",
        kwargs=_match,
        data=lambda u: {"answer": "accept"},
    ),
]

ROWS += [Row("projects:project_import", only(COORDINATORS))]

ROWS += [
    Row(
        "projects:project_need_create",
        {**signed_in(403), "member": 200, **dict.fromkeys(COORDINATORS, 200)},
        kwargs=_project,
    )
]

ROWS += [
    Row(
        "projects:project_edit",
        {**signed_in(403), "member": 200, **dict.fromkeys(COORDINATORS, 200)},
        kwargs=_project,
    )
]


def _draft(users: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _idea(users, draft=True).pk}


def _draft_access(author: int) -> dict[str, int | str]:
    # Someone else's draft does not exist for you; coordinators may read it but not edit it.
    table: dict[str, int | str] = {**signed_in(404), "resident": author}
    for role in COORDINATORS:
        table[role] = 403
    return table


ROWS += [
    Row("projects:idea_edit", _draft_access(200), kwargs=_draft),
    Row(
        "projects:idea_detail",
        {**_author_and_coordinators(200)},
        kwargs=_draft,
        id="draft-is-private",
    ),
]


# An idea already sent (issue 13): its author corrects it; coordinators read it but may not
# change a resident's words (403); others see a public idea (403) or nothing (404).
ROWS += [
    Row(
        "projects:idea_edit",
        {**signed_in(403), "resident": 200},
        kwargs=_public_idea,
        id="get:projects:idea_edit:sent",
    ),
    Row(
        "projects:idea_edit",
        {**signed_in(403), "resident": 302},
        method="post",
        kwargs=_public_idea,
        id="post:projects:idea_edit:sent",
        data=lambda u: {
            "title": "公園で体操と散歩",
            "description": "朝",
            "contact_method": "portal",
            "is_public": "on",
        },
    ),
    Row(
        "projects:idea_edit",
        _draft_access(200),
        kwargs=_trouble,
        id="get:projects:idea_edit:sent-trouble",
        notes="a trouble is the author's and coordinators' only",
    ),
]

# An offer is changed by its owner only (issue 13); coordinators see what changed.
ROWS += [
    Row("projects:offer_edit", {**signed_in(403), "member": 200}, kwargs=_offer),
    Row(
        "projects:offer_edit",
        {**signed_in(403), "member": 302},
        method="post",
        kwargs=_offer,
        id="post:projects:offer_edit",
        data=lambda u: {
            "title": "送迎できます（土日も）",
            "description": "d",
            "offer_types": ["vehicle"],
            "contact": "member@example.jp",
        },
    ),
]
