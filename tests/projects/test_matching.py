"""Matching: a labelled set of a dozen needs with the offer that should come first, plus
the rule that contact details are exchanged only when both sides accept."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from directory.models import District, Theme
from projects.matching import needs_for_offer, offers_for_need
from projects.models import Match
from projects.services import (
    match_propose,
    match_respond,
    need_create,
    need_from_idea,
    offer_create,
)
from tests.factories import IdeaFactory, OrganizationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

# key → (offer types, skills, availability, theme codes, district codes)
OFFERS = {
    "driver": (["vehicle"], "運転", ["weekend"], ["elderly"], ["tsurukawa"]),
    "hall": (["venue"], "", ["weekday_day"], ["ibasho"], ["machida-1"]),
    "cook": (["skill", "time"], "料理、調理師", ["weekend"], ["food", "childcare"], []),
    "pc": (["skill"], "パソコン、スマホ", ["weekday_evening"], ["culture-learning"], []),
    "sign": (["skill"], "手話", ["weekday_day"], ["disability"], []),
    "fund": (["funds"], "", [], ["community"], []),
    "design": (["skill"], "デザイン、チラシ", ["weekday_evening"], ["community"], []),
    "garden": (["time"], "園芸", ["weekend"], ["environment"], ["tadao"]),
    "nurse": (["staff"], "看護", ["weekday_day"], ["health-sports"], []),
    "tools": (["equipment"], "テント、発電機", [], ["disaster"], ["kiso"]),
    "tutor": (["time", "skill"], "学習支援、数学", ["weekday_evening"], ["childcare"], ["minami"]),
    "van": (["vehicle"], "運転", ["weekday_day"], ["food"], ["oyama"]),
}

# need → (types, skills, availability, themes, district, expected top offer)
NEEDS = [
    (["vehicle"], "", ["weekend"], ["elderly"], "tsurukawa", "driver"),
    (["venue"], "", ["weekday_day"], ["ibasho"], "machida-1", "hall"),
    (["time"], "料理", ["weekend"], ["food"], "minami", "cook"),
    (["skill"], "スマホ", [], ["culture-learning"], None, "pc"),
    (["skill"], "手話", [], ["disability"], "aihara", "sign"),
    (["funds"], "", [], ["community"], None, "fund"),
    (["skill"], "チラシ", ["weekday_evening"], ["community"], None, "design"),
    (["time"], "", ["weekend"], ["environment"], "tadao", "garden"),
    (["staff"], "看護", [], ["health-sports"], None, "nurse"),
    (["equipment"], "発電機", [], ["disaster"], "kiso", "tools"),
    (["time"], "数学", ["weekday_evening"], ["childcare"], "minami", "tutor"),
    (["vehicle"], "", ["weekday_day"], ["food"], "oyama", "van"),
]


@pytest.fixture
def offers(db: Any, demo: Any) -> dict[str, Any]:
    owner = UserFactory()
    made = {}
    for key, (types, skills, slots, themes, districts) in OFFERS.items():
        made[key] = offer_create(
            owner=owner,
            title=key,
            description=key,
            offer_types=types,
            skills=skills,
            availability=slots,
            themes=Theme.objects.filter(code__in=themes),
            districts=District.objects.filter(code__in=districts),
            contact=f"{key}@example.jp",
        )
    return made


def _need(by: Any, i: int, spec: tuple[Any, ...]) -> Any:
    types, skills, slots, themes, district, _expected = spec
    return need_create(
        by=by,
        title=f"need {i}",
        description="d",
        source="recruitment",
        need_types=types,
        skills=skills,
        availability=slots,
        themes=Theme.objects.filter(code__in=themes),
        district=District.objects.get(code=district) if district else None,
    )


def test_labelled_needs_rank_the_expected_offer_first(offers: Any, role_users: Any) -> None:
    hits = []
    for i, spec in enumerate(NEEDS):
        ranked = offers_for_need(_need(role_users["coordinator"], i, spec))
        assert ranked, f"need {i}: nothing ranked"
        hits.append(ranked[0].offer.title == spec[-1] if ranked[0].offer else False)
    assert all(hits), [n[-1] for n, hit in zip(NEEDS, hits, strict=True) if not hit]


def test_reasons_are_given(offers: Any, role_users: Any) -> None:
    ranked = offers_for_need(_need(role_users["coordinator"], 0, NEEDS[0]))
    reasons = " ".join(ranked[0].reasons)
    assert "車両" in reasons and "高齢者" in reasons and "鶴川" in reasons and "土日" in reasons


def test_an_offer_finds_the_needs_it_fits(offers: Any, role_users: Any) -> None:
    for i, spec in enumerate(NEEDS):
        _need(role_users["coordinator"], i, spec)
    ranked = needs_for_offer(offers["sign"])
    assert ranked[0].need is not None and ranked[0].need.title == "need 4"


def test_katakana_and_hiragana_skills_meet(role_users: Any, demo: Any) -> None:
    offer_create(
        owner=role_users["member"],
        title="ぱそこん",
        description="d",
        offer_types=["time"],
        skills="パソコン",
        contact="x",
    )
    need = need_create(
        by=role_users["coordinator"],
        title="n",
        description="d",
        source="recruitment",
        need_types=["skill"],
        skills="ぱそこん",
    )
    assert [r.offer.title for r in offers_for_need(need) if r.offer] == ["ぱそこん"]


def test_contacts_are_shown_only_when_both_sides_accept(
    client: Any, offers: Any, role_users: Any
) -> None:
    need = _need(role_users["member"], 0, NEEDS[0])
    offer = offers["driver"]
    match = match_propose(need=need, offer=offer, by=role_users["coordinator"])
    url = reverse("projects:match_detail", kwargs={"pk": match.pk})
    client.force_login(role_users["member"])
    client.post(reverse("projects:match_respond", kwargs={"pk": match.pk}), {"answer": "accept"})
    assert "driver@example.jp" not in client.get(url).content.decode()
    client.force_login(offer.owner)
    client.post(reverse("projects:match_respond", kwargs={"pk": match.pk}), {"answer": "accept"})
    assert "driver@example.jp" in client.get(url).content.decode()
    client.force_login(role_users["member"])
    assert "driver@example.jp" in client.get(url).content.decode()


def test_a_declined_match_never_shows_contacts(offers: Any, role_users: Any) -> None:
    need = _need(role_users["member"], 0, NEEDS[0])
    match = match_propose(need=need, offer=offers["driver"], by=role_users["member"])
    assert match.need_accepted_at is not None  # the proposer's own side
    match = match_respond(match=match, user=offers["driver"].owner, accept=False)
    assert not match.both_accepted


def test_strangers_cannot_see_or_answer_a_match(client: Any, offers: Any, role_users: Any) -> None:
    need = _need(role_users["member"], 0, NEEDS[0])
    match = match_propose(need=need, offer=offers["driver"], by=role_users["coordinator"])
    client.force_login(role_users["resident"])
    assert client.get(reverse("projects:match_detail", kwargs={"pk": match.pk})).status_code == 404
    r = client.post(
        reverse("projects:match_respond", kwargs={"pk": match.pk}), {"answer": "accept"}
    )
    assert r.status_code == 404
    assert Match.objects.get().offer_accepted_at is None


def test_need_from_a_trouble_stays_private(role_users: Any) -> None:
    idea = IdeaFactory(kind="trouble", help_types=["people"])
    need = need_from_idea(idea=idea, by=role_users["coordinator"])
    assert need.is_public is False and need.need_types == ",time,"


def test_a_project_organizer_opens_a_role_that_feeds_matching(
    client: Any, offers: Any, role_users: Any
) -> None:
    project = ProjectFactory(
        title="送迎プロジェクト",
        purpose="p",
        by=role_users["coordinator"],
        lead_user=role_users["member"],
    )
    client.force_login(role_users["member"])
    url = reverse("projects:project_need_create", kwargs={"pk": project.pk})
    response = client.post(
        url, {"title": "土曜の運転手", "description": "送迎", "need_types": ["vehicle"]}
    )
    need = project.needs.get()
    assert response["Location"] == reverse("projects:need_detail", kwargs={"pk": need.pk})
    assert need.source == "project"
    page = client.get(response["Location"]).content.decode()
    assert "つなぐ提案をする" in page  # the organizer speaks for the need
    assert (
        "土曜の運転手"
        in client.get(
            reverse("projects:project_detail", kwargs={"pk": project.pk})
        ).content.decode()
    )


def test_organizations_serving_the_district_come_first(role_users: Any, demo: Any) -> None:
    from projects.matching import organizations_for_need

    tsurukawa = District.objects.get(code="tsurukawa")
    near = OrganizationFactory(name="鶴川の見守りの会", kind="community_group")
    near.districts.add(tsurukawa)
    far = OrganizationFactory(name="相原の会", kind="community_group")
    far.districts.add(District.objects.get(code="aihara"))
    everywhere = OrganizationFactory(name="市全域のNPO", kind="npo")
    offer_create(
        owner=role_users["member"],
        title="送迎",
        description="d",
        offer_types=["vehicle"],
        contact="x",
        organization=None,
    )
    need = need_create(
        by=role_users["coordinator"],
        title="送迎",
        description="d",
        source="recruitment",
        need_types=["vehicle"],
        district=tsurukawa,
    )
    ranked = organizations_for_need(need, limit=50)
    names = [r.organization.name for r in ranked]
    top = [r.organization.name for r in ranked if r.score == ranked[0].score]
    assert "鶴川の見守りの会" in top and "市全域のNPO" not in top
    assert "相原の会" not in names
    assert "市全域のNPO" in names
    assert "鶴川" in " ".join(ranked[0].reasons)
    assert everywhere.pk and far.pk
