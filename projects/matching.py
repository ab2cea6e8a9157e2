"""Ranking offers for a need (and needs for an offer), with the reasons shown to people.

A transparent points table rather than a learned model, so a coordinator can see why a
match was proposed and the labelled test set in ``tests/projects/test_matching.py`` can pin
the behaviour down:

- shared kind of help (人手・会場・車両 …): 3 points each
- shared theme: 2 points each
- district: 3 points when the offer serves the need's district, 1 when either is city-wide
- shared skill keyword: 2 points each (Japanese-normalised, see ``directory.search``)
- shared availability slot: 1 point each

An offer with no shared kind of help and no shared skill is not a candidate at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Value
from django.utils.translation import gettext as _

from directory.models import Organization
from directory.search import normalize

from .models import Availability, Need, Offer, OfferType, unpack_codes

_SPLIT = re.compile(r"[\s,、，・/／]+")
CANDIDATE_LIMIT = 400


def skill_words(text: str) -> set[str]:
    return {w for w in _SPLIT.split(normalize(text)) if w}


def skill_document(text: str) -> str:
    words = sorted(skill_words(text))
    return f" {' '.join(words)} " if words else ""


@dataclass
class Ranked:
    score: int
    reasons: list[str] = field(default_factory=list)
    offer: Offer | None = None
    need: Need | None = None


def score(
    *,
    need_types: set[str],
    offer_types: set[str],
    need_themes: dict[int, str],
    offer_themes: dict[int, str],
    need_district: int | None,
    offer_districts: set[int],
    district_name: str,
    need_skills: set[str],
    offer_skills: set[str],
    need_slots: set[str],
    offer_slots: set[str],
) -> Ranked | None:
    shared_types = need_types & offer_types
    shared_skills = need_skills & offer_skills
    if not shared_types and not shared_skills:
        return None
    points = 0
    reasons: list[str] = []
    type_labels = dict(OfferType.choices)
    if shared_types:
        points += 3 * len(shared_types)
        reasons.append(
            _("求めるもの：%(x)s")
            % {"x": "、".join(str(type_labels[t]) for t in sorted(shared_types))}
        )
    shared_themes = set(need_themes) & set(offer_themes)
    if shared_themes:
        points += 2 * len(shared_themes)
        reasons.append(
            _("同じテーマ：%(x)s") % {"x": "、".join(sorted(need_themes[t] for t in shared_themes))}
        )
    if need_district is not None and need_district in offer_districts:
        points += 3
        reasons.append(_("地区：%(x)s で活動できます") % {"x": district_name})
    elif need_district is None or not offer_districts:
        points += 1
        reasons.append(_("市全域"))
    if shared_skills:
        points += 2 * len(shared_skills)
        reasons.append(_("技能：%(x)s") % {"x": "、".join(sorted(shared_skills))})
    shared_slots = need_slots & offer_slots
    if shared_slots:
        points += len(shared_slots)
        slot_labels = dict(Availability.choices)
        reasons.append(
            _("都合の合う時間：%(x)s")
            % {"x": "、".join(str(slot_labels[s]) for s in sorted(shared_slots))}
        )
    return Ranked(score=points, reasons=reasons)


def _need_facts(need: Need) -> dict[str, Any]:
    return {
        "need_types": unpack_codes(need.need_types),
        "need_themes": {t.pk: t.name for t in need.themes.all()},
        "need_district": need.district_id,
        "district_name": need.district.name if need.district else "",
        "need_skills": skill_words(need.skills),
        "need_slots": unpack_codes(need.availability),
    }


def _offer_facts(offer: Offer) -> dict[str, Any]:
    return {
        "offer_types": unpack_codes(offer.offer_types),
        "offer_themes": {t.pk: t.name for t in offer.themes.all()},
        "offer_districts": {d.pk for d in offer.districts.all()},
        "offer_skills": skill_words(offer.skills),
        "offer_slots": unpack_codes(offer.availability),
    }


def offers_for_need(need: Need, limit: int = 10) -> list[Ranked]:
    """Active offers ranked for ``need``, best first, each with its reasons."""
    facts = _need_facts(need)
    condition = Q()
    for t in facts["need_types"]:
        condition |= Q(offer_types__contains=f",{t},")
    for w in facts["need_skills"]:
        condition |= Q(skill_document__contains=f" {w} ")
    if not condition:
        return []
    candidates = (
        Offer.objects.filter(is_active=True)
        .filter(condition)
        .select_related("organization")
        .prefetch_related("themes", "districts")
        .order_by("-created_at")[:CANDIDATE_LIMIT]
    )
    ranked: list[Ranked] = []
    for offer in candidates:
        result = score(**facts, **_offer_facts(offer))
        if result is not None:
            result.offer = offer
            ranked.append(result)
    ranked.sort(key=lambda r: (-r.score, -(r.offer.pk if r.offer else 0)))
    return ranked[:limit]


def needs_for_offer(offer: Offer, limit: int = 10) -> list[Ranked]:
    """Open public needs this offer fits, best first."""
    facts = _offer_facts(offer)
    condition = Q()
    for t in facts["offer_types"]:
        condition |= Q(need_types__contains=f",{t},")
    for w in facts["offer_skills"]:
        condition |= Q(skill_document__contains=f" {w} ")
    if not condition:
        return []
    candidates = (
        Need.objects.filter(is_open=True, is_public=True)
        .filter(condition)
        .select_related("district")
        .prefetch_related("themes")
        .order_by("-created_at")[:CANDIDATE_LIMIT]
    )
    ranked: list[Ranked] = []
    for need in candidates:
        result = score(**_need_facts(need), **facts)
        if result is not None:
            result.need = need
            ranked.append(result)
    ranked.sort(key=lambda r: (-r.score, -(r.need.pk if r.need else 0)))
    return ranked[:limit]


ORGANIZATION_KINDS = (
    Organization.Kind.NPO,
    Organization.Kind.COMPANY,
    Organization.Kind.COMMUNITY_GROUP,
    Organization.Kind.UNIVERSITY,
    Organization.Kind.DISTRICT_COUNCIL,
)


@dataclass
class RankedOrganization:
    organization: Organization
    score: int
    reasons: list[str]


def organizations_for_need(need: Need, limit: int = 10) -> list[RankedOrganization]:
    """Groups, NPOs, companies, universities and district councils to approach for a need,
    even without an offer registered: those serving the need's district first (3 points),
    then city-wide ones (1), with 2 more for each of their open offers of a kind the need
    asks for."""
    need_types = unpack_codes(need.need_types)
    type_filter = Q()
    for t in need_types:
        type_filter |= Q(offers__offer_types__contains=f",{t},")
    qs = Organization.objects.filter(is_active=True, kind__in=ORGANIZATION_KINDS)
    if need.district_id is not None:
        qs = qs.filter(Q(districts=need.district_id) | Q(districts__isnull=True))
    qs = (
        qs.annotate(
            serves=Count("districts", filter=Q(districts=need.district_id), distinct=True)
            if need.district_id is not None
            else Value(0),
            fitting_offers=Count(
                "offers", filter=type_filter & Q(offers__is_active=True), distinct=True
            )
            if type_filter
            else Value(0),
        )
        .order_by("-serves", "-fitting_offers", "name")
        .distinct()[:limit]
    )
    ranked: list[RankedOrganization] = []
    for org in qs:
        reasons: list[str] = []
        points = 0
        if getattr(org, "serves", 0):
            points += 3
            reasons.append(
                _("地区：%(x)s で活動しています")
                % {"x": need.district.name if need.district else ""}
            )
        else:
            points += 1
            reasons.append(_("市全域で活動しています"))
        fitting = getattr(org, "fitting_offers", 0)
        if fitting:
            points += 2 * fitting
            reasons.append(_("合う「できること」を %(n)d 件登録しています") % {"n": fitting})
        ranked.append(RankedOrganization(organization=org, score=points, reasons=reasons))
    ranked.sort(key=lambda r: (-r.score, r.organization.name))
    return ranked
