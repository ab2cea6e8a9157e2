"""Demo future sessions, registrations, outcomes and the ten district future visions.

Small: a few past sessions with outcomes and upcoming ones with registrations; a vision with
actions and last year's reviews for every district. Large: 3,000 sessions and 60,000
registrations made with bulk inserts (no reminders: the benchmark measures pages, not mail).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from directory.fiscal import TOKYO, fiscal_year_of
from directory.models import District, Mode, Organization, Place, Theme
from reminders.services import reminders_cancel_matching

from .models import (
    ActionReview,
    DistrictVision,
    FutureSession,
    OrganizationConnection,
    Registration,
    SessionOutcome,
    VisionAction,
)
from .services import _schedule_session_reminders

LARGE_SESSIONS = 3_000
LARGE_REGISTRATIONS_PER_SESSION = 20  # 3,000 × 20 = 60,000
LARGE_PREFIX = "【大規模デモ】"

# title → (days from today, hour, hours long, kind, district code or None, place name prefix,
#          online, capacity, question, outcome summary or "")
# The upcoming sessions the demo resident is already registered for (all past ones too).
RESIDENT_REGISTERED = {"南地区 地区別懇談会"}

SESSIONS: dict[str, tuple[int, int, int, str, str | None, str, bool, int | None, str, str]] = {
    "フューチャーセッション「子どもの居場所」": (
        -40,
        14,
        3,
        FutureSession.Kind.FUTURE_SESSION,
        None,
        "町田市民フォーラム",
        True,
        60,
        "10年後、町田のどの子にも「ただいま」と言える場所があるには？",
        "子ども食堂、運送会社、大学が集まり、食材の配送と学生ボランティアの仕組みを話し合いました。"
        "「放課後の居場所マップ」をつくるアイデアが生まれました。",
    ),
    "鶴川地区 地区別懇談会": (
        -20,
        10,
        2,
        FutureSession.Kind.DISTRICT_MEETING,
        "tsurukawa",
        "鶴川市民センター",
        False,
        50,
        "鶴川の未来ビジョン、この1年でどこまで進んだ？",
        "ビジョンの取り組み5件の進み具合を確かめ、見守り散歩を他の自治会にも広げることにしました。",
    ),
    "オンライン対話「ひきこもりと家族」": (
        -7,
        19,
        2,
        FutureSession.Kind.OTHER,
        None,
        "",
        True,
        None,
        "家族だけで抱えこまないために、地域にできることは？",
        "",
    ),
    "フューチャーセッション「買い物に困らないまち」": (
        5,
        14,
        3,
        FutureSession.Kind.FUTURE_SESSION,
        "tadao",
        "忠生市民センター",
        False,
        2,  # full with the member's group of two: the resident goes on the waiting list
        "車がなくても、80歳で買い物に困らない忠生にするには？",
        "",
    ),
    "南地区 地区別懇談会": (
        21,
        10,
        2,
        FutureSession.Kind.DISTRICT_MEETING,
        "minami",
        "みなみ子ども食堂",
        False,
        40,
        "南地区の未来ビジョン、次の一歩は？",
        "",
    ),
    "フューチャーセッション「災害時に誰も取り残さない」": (
        35,
        13,
        3,
        FutureSession.Kind.FUTURE_SESSION,
        None,
        "町田市民フォーラム",
        True,
        80,
        "大きな地震の夜、ひとり暮らしの隣人にどう気づける？",
        "",
    ),
}

# district code → (vision, [(title, kind, owner org key, target year, status last year)])
VISION_ACTIONS = [
    ("顔の見える見守り散歩を、地区の全自治会で", "can_do", "council", 2028, "in_progress"),
    ("子ども食堂と高齢者サロンを同じ日に開く", "want_to_do", "npo", 2027, "not_started"),
    ("買い物の送迎を週2回に増やす", "want_to_do", "company", 2028, "in_progress"),
    ("大学生と一緒に防災マップをつくる", "can_do", "university", 2027, "done"),
]
VISION_TEXT = {
    "machida-1": "駅の近くに、誰でも立ち寄れて話せる場所があるまち",
    "machida-2": "子育て世代と高齢者が、お互いに頼り合えるまち",
    "minami": "子どもから高齢者まで、顔の見える関係があるまち",
    "tamagawagakuen-minamiohya": "坂の多いまちでも、外出をあきらめないまち",
    "kogasaka-naruse": "新しく来た人もすぐに仲間になれるまち",
    "tsurukawa": "団地の暮らしを、住民どうしで支え合うまち",
    "tadao": "里山のみどりと共に、みんなで見守り合うまち",
    "kiso": "働く世代も地域活動に関われるまち",
    "aihara": "少ない人数でも、ひとりも取り残さないまち",
    "oyama": "新しい住宅地と昔からの集落がつながるまち",
}


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=TOKYO)


def seed(ctx: Any) -> None:
    coordinator = ctx.users["coordinator@example.jp"]
    _seed_sessions(ctx, coordinator)
    _link_ideas_and_projects()
    _seed_visions(ctx, coordinator)
    if ctx.large:
        started = time.monotonic()
        _seed_large(ctx, coordinator)
        ctx.out.write(
            f"    future_sessions large: {LARGE_SESSIONS} sessions, "
            f"{LARGE_SESSIONS * LARGE_REGISTRATIONS_PER_SESSION} registrations "
            f"in {time.monotonic() - started:.1f} s"
        )
    sessions, registrations = FutureSession.objects.count(), Registration.objects.count()
    ctx.out.write(f"    {sessions} sessions, {registrations} registrations")


def _seed_sessions(ctx: Any, coordinator: User) -> None:
    districts = {d.code: d for d in District.objects.all()}
    themes = list(Theme.objects.all()[:3])
    resident = ctx.users["resident@example.jp"]
    member = ctx.users["member@example.jp"]
    for title, spec in SESSIONS.items():
        days, hour, length, kind, code, place, online, capacity, question, summary = spec
        venue = Place.objects.filter(name__startswith=place).first() if place else None
        mode = Mode.HYBRID if venue and online else Mode.ONLINE if online else Mode.PHYSICAL
        starts = _at(days, hour)
        session, _ = FutureSession.objects.update_or_create(
            title=title,
            defaults={
                "kind": kind,
                "question": question,
                "description": "どなたでも参加できます。はじめての方も歓迎します。",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=length),
                "mode": mode,
                "venue": venue,
                "online_url": "https://meet.example.jp/machida-future" if online else "",
                "capacity": capacity,
                "district": districts.get(code) if code else None,
                "audience": "地区協議会、企業・NPO・大学の方、関心のある市民の方",
                "organizer": coordinator,
                "organizer_organization": ctx.orgs["shakyo"],
                "status": FutureSession.Status.SCHEDULED,
            },
        )
        session.themes.set(themes)
        past = days < 0
        people: list[tuple[User, Organization | None, int]] = [(member, ctx.orgs["npo"], 2)]
        if past or title in RESIDENT_REGISTERED:
            people.append((resident, None, 1))
        else:
            # Left open, so the demo resident can try registering (the README's "try it").
            Registration.objects.filter(session=session, user=resident).delete()
        for user, org, seats in people:
            Registration.objects.update_or_create(
                session=session,
                user=user,
                defaults={
                    "organization": org,
                    "seats": seats,
                    "status": Registration.Status.REGISTERED,
                    "needs_childcare": user == resident,
                    "attendance": Registration.Attendance.ATTENDED
                    if past
                    else Registration.Attendance.UNKNOWN,
                },
            )
        if summary:
            SessionOutcome.objects.update_or_create(
                session=session,
                defaults={
                    "summary": summary,
                    "participant_count": 24,
                    "recorded_by": coordinator,
                },
            )
            OrganizationConnection.objects.get_or_create(
                session=session, first=ctx.orgs["npo"], second=ctx.orgs["company"]
            )
        # Seeding again moves the demo sessions (their times are relative to today) and may
        # drop the resident's registration: the registrants' pending reminders of the earlier
        # seed are cancelled, and the current ones scheduled afresh.
        reminders_cancel_matching(key_prefix=f"session:{session.pk}:registration:")
        if not past:
            _schedule_session_reminders(session)


def _link_ideas_and_projects() -> None:
    """Put a few of the ideas app's demo ideas on the agenda, and link a project to a past
    session (plain links: the demo does not replay the ideas' notifications)."""
    from projects.models import Idea, Project

    ideas = list(Idea.objects.public().order_by("id")[:4])
    upcoming = FutureSession.objects.filter(title="フューチャーセッション「買い物に困らないまち」")
    past = FutureSession.objects.filter(title="フューチャーセッション「子どもの居場所」")
    for session in upcoming:
        session.agenda_ideas.set(ideas[:2])
    for session in past:
        session.agenda_ideas.set(ideas[2:4])
        session.generated_ideas.set(ideas[:1])
        session.resulting_projects.set(
            list(Project.objects.filter(is_public=True).order_by("id")[:1])
        )


def _seed_visions(ctx: Any, coordinator: User) -> None:
    last_year = fiscal_year_of(timezone.now()) - 1
    themes = list(Theme.objects.all())
    for district in District.objects.all():
        vision, _ = DistrictVision.objects.update_or_create(
            district=district,
            defaults={"vision": VISION_TEXT.get(district.code, f"{district.name_ja}の未来")},
        )
        vision.themes.set(themes[district.order % max(len(themes), 1) :][:2])
        for title, kind, owner_key, target, status in VISION_ACTIONS:
            owner = (
                ctx.orgs[f"council:{district.code}"]
                if owner_key == "council"
                else ctx.orgs[owner_key]
            )
            action, _ = VisionAction.objects.update_or_create(
                vision=vision,
                title=title,
                defaults={"kind": kind, "owner": owner, "target_year": target, "status": status},
            )
            ActionReview.objects.update_or_create(
                action=action,
                fiscal_year=last_year,
                defaults={
                    "status": status,
                    "note": "地区別懇談会で確認しました。",
                    "evidence": "活動記録あり",
                    "reviewed_by": coordinator,
                },
            )


def _seed_large(ctx: Any, coordinator: User) -> None:
    rng = ctx.rng("future_sessions")
    # Recreate rather than update: the same rows come back on every run.
    FutureSession.objects.filter(title__startswith=LARGE_PREFIX).delete()
    districts = list(District.objects.all())
    places = list(Place.objects.filter(is_active=True))
    residents = list(
        User.objects.filter(email__startswith="resident", email__endswith="@example.jp")
        .exclude(email="resident@example.jp")
        .values_list("pk", flat=True)
    )
    base = _at(-365, 10)
    kinds = FutureSession.Kind.values
    sessions = []
    for i in range(LARGE_SESSIONS):
        starts = base + timedelta(days=rng.randint(0, 730), hours=rng.randint(0, 9))
        sessions.append(
            FutureSession(
                title=f"{LARGE_PREFIX}セッション {i:04d}",
                question="地域の未来について話しましょう",
                kind=rng.choice(kinds),
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                mode=Mode.PHYSICAL,
                venue=rng.choice(places) if places else None,
                capacity=30,
                district=rng.choice(districts) if rng.random() < 0.8 else None,
                organizer=coordinator,
            )
        )
    created = FutureSession.objects.bulk_create(sessions, batch_size=1000)
    now = timezone.now()
    registrations = []
    outcomes = []
    for session in created:
        past = session.ends_at < now
        for user_id in rng.sample(residents, min(LARGE_REGISTRATIONS_PER_SESSION, len(residents))):
            registrations.append(
                Registration(
                    session=session,
                    user_id=user_id,
                    status=Registration.Status.REGISTERED,
                    attendance=Registration.Attendance.ATTENDED
                    if past
                    else Registration.Attendance.UNKNOWN,
                )
            )
        if past:
            outcomes.append(
                SessionOutcome(
                    session=session,
                    summary="話し合いの記録",
                    participant_count=LARGE_REGISTRATIONS_PER_SESSION,
                    recorded_by=coordinator,
                )
            )
    Registration.objects.bulk_create(registrations, batch_size=2000)
    SessionOutcome.objects.bulk_create(outcomes, batch_size=1000)
