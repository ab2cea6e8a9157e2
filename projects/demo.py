"""Demo ideas and projects. Small: a few dozen ideas of each kind in several states, and
projects with members and activities. Large: 20,000 ideas, 2,000 projects and 40,000
memberships, all with bulk inserts.

Idempotent by replacement: the app's demo rows are deleted and written again, so running it
twice leaves the same data (ideas and projects typed in by hand are kept: demo ideas are
recognised by their submission token, demo projects by their title prefix).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any, cast

from django.db import connection
from django.utils import timezone

from accounts.models import User
from directory.models import District, Theme
from directory.search import search_document

from .matching import skill_document
from .models import (
    Availability,
    HelpType,
    Idea,
    IdeaEvent,
    IdeaReaction,
    Need,
    Offer,
    OfferType,
    Project,
    ProjectActivity,
    ProjectMember,
)

DEMO_NS = uuid.UUID("6f1c1f4e-7d0e-4c39-9a53-1c0ad3a9e001")
PROJECT_PREFIX = "【デモ】"

TITLES = {
    Idea.Kind.WANT: [
        "公園で多世代の朝ラジオ体操をしたい",
        "空き店舗で子ども食堂を開きたい",
        "商店街でまちゼミを開きたい",
        "防災マップを親子でつくりたい",
        "図書館で読み聞かせの会をしたい",
        "河川敷のごみ拾いを続けたい",
        "介護している家族どうしで話せるカフェを開きたい",
    ],
    Idea.Kind.CAN: [
        "週末に車で送迎できます",
        "パソコン・スマホの使い方を教えられます",
        "集会所を平日の昼に貸せます",
        "野菜の直売で食材を提供できます",
        "イベントのチラシをデザインできます",
    ],
    Idea.Kind.TROUBLE: [
        "近所の高齢の方のごみ出しが心配",
        "子育ての相談相手がいない",
        "坂道が多く買い物に行けない",
        "自治会の担い手がいない",
    ],
    Idea.Kind.QUESTION: [
        "サークルを立ち上げたいが会場探しの相談",
        "活動資金の助成金について知りたい",
        "ボランティア保険について相談したい",
    ],
}

STATUS_CYCLE = [
    Idea.Status.RECEIVED,
    Idea.Status.COORDINATING,
    Idea.Status.SESSION,
    Idea.Status.PROJECT,
    Idea.Status.CONNECTED,
    Idea.Status.CLOSED,
    Idea.Status.RECEIVED,
    Idea.Status.COORDINATING,
]


def _token(scale: str, n: int) -> uuid.UUID:
    return uuid.uuid5(DEMO_NS, f"{scale}:{n}")


def _clear() -> None:
    Offer.objects.filter(title__startswith=PROJECT_PREFIX).delete()
    Need.objects.filter(title__startswith=PROJECT_PREFIX).delete()
    Project.objects.filter(title__startswith=PROJECT_PREFIX).delete()
    tokens = [_token("small", n) for n in range(200)]
    Idea.objects.filter(submission_token__in=tokens).delete()
    # Large ideas: the token namespace is checked by title prefix to avoid a 20,000-item IN.
    Idea.objects.filter(title__startswith="［大量］").delete()
    # Their edit history goes with them (it is not deleted with its idea or offer).
    Idea.history.exclude(id__in=Idea.objects.values("id")).delete()  # type: ignore[attr-defined]
    Offer.history.exclude(id__in=Offer.objects.values("id")).delete()  # type: ignore[attr-defined]


def seed(ctx: Any) -> None:
    _clear()
    rng = ctx.rng("projects")
    districts = list(District.objects.filter(is_active=True))
    themes = list(Theme.objects.filter(is_active=True))
    authors = [ctx.users["resident@example.jp"], ctx.users["member@example.jp"]]
    coordinator = ctx.users["coordinator@example.jp"]
    now = timezone.now()

    # --- small: ideas of every kind in several states -------------------------------------
    ideas: list[Idea] = []
    n = 0
    for kind, titles in TITLES.items():
        for i in range(24):
            status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
            created = now - timedelta(days=rng.randint(0, 400), hours=rng.randint(0, 23))
            title = titles[i % len(titles)]
            if i >= len(titles):
                title = f"{title}（{districts[i % len(districts)].name_ja}）"
            desc = f"{title}。地域の皆さんと一緒に取り組めたらうれしいです。"
            ideas.append(
                Idea(
                    kind=kind,
                    title=title,
                    description=desc,
                    district=None if i % 5 == 0 else districts[i % len(districts)],
                    help_types=rng.sample(HelpType.values, k=rng.randint(1, 2)),
                    is_public=kind != Idea.Kind.TROUBLE and i % 4 != 3,
                    author=authors[i % 2],
                    status=status,
                    assigned_to=coordinator if status != Idea.Status.RECEIVED else None,
                    first_response_at=None
                    if status == Idea.Status.RECEIVED
                    else min(created + timedelta(days=rng.randint(0, 9)), now),
                    submission_token=_token("small", n),
                    search_document=search_document(title, desc),
                    created_at=created,
                )
            )
            n += 1
    # One unsent draft for the demo resident.
    ideas.append(
        Idea(
            kind=Idea.Kind.WANT,
            title="下書き：夏休みの子ども向け工作教室",
            description="まだ考え中です。",
            author=authors[0],
            status=Idea.Status.DRAFT,
            submission_token=_token("small", 199),
            search_document=search_document("夏休みの子ども向け工作教室"),
            created_at=now,
        )
    )
    Idea.objects.bulk_create(ideas, batch_size=500)
    through = Idea.themes.through
    through.objects.bulk_create(
        [through(idea_id=i.pk, theme_id=rng.choice(themes).pk) for i in ideas]
    )
    events: list[IdeaEvent] = []
    for idea in ideas:
        if idea.status == Idea.Status.DRAFT:
            continue
        events.append(
            IdeaEvent(
                idea=idea,
                to_status=Idea.Status.RECEIVED,
                message="受け付けました。",
                created_at=idea.created_at,
            )
        )
        if idea.status != Idea.Status.RECEIVED:
            events.append(
                IdeaEvent(
                    idea=idea,
                    from_status=Idea.Status.RECEIVED,
                    to_status=idea.status,
                    by=coordinator,
                    message="コーディネーターから：お話をうかがいました。",
                    created_at=idea.first_response_at or idea.created_at,
                )
            )
    IdeaEvent.objects.bulk_create(events, batch_size=500)
    reactors = list(User.objects.filter(email__endswith="@example.jp").order_by("pk")[:8])
    IdeaReaction.objects.bulk_create(
        [
            IdeaReaction(idea=idea, user=u, kind=rng.choice(IdeaReaction.Kind.values))
            for idea in ideas
            if idea.is_public
            for u in rng.sample(reactors, k=rng.randint(0, 4))
        ],
        ignore_conflicts=True,
    )

    # --- small: projects with members and activities --------------------------------------
    project_ideas = [i for i in ideas if i.status == Idea.Status.PROJECT][:8]
    members_pool = reactors
    for k, idea in enumerate(project_ideas):
        start = date(2025, 4, 1) + timedelta(days=30 * k)
        project = Project.objects.create(
            title=f"{PROJECT_PREFIX}{idea.title}",
            purpose=idea.description,
            status=[Project.Status.ACTIVE, Project.Status.COMPLETED, Project.Status.PLANNING][
                k % 3
            ],
            start_date=start,
            end_date=start + timedelta(days=180) if k % 3 == 1 else None,
            lead_user=idea.author,
            lead_organization=ctx.orgs["npo"] if k % 2 else None,
            created_by=coordinator,
            search_document=search_document(idea.title, idea.description),
        )
        project.ideas.add(idea)
        if idea.district_id:
            project.districts.add(idea.district_id)
        project.themes.add(rng.choice(themes))
        ProjectMember.objects.bulk_create(
            [
                ProjectMember(
                    project=project,
                    user=u,
                    role=ProjectMember.Role.ORGANIZER
                    if u == idea.author
                    else ProjectMember.Role.MEMBER,
                    joined_on=start,
                )
                for u in {idea.author, *rng.sample(members_pool, k=3)}
                if u is not None
            ]
        )
        ProjectActivity.objects.bulk_create(
            [
                ProjectActivity(
                    project=project,
                    date=start + timedelta(days=14 * j),
                    text=f"第{j + 1}回の活動を行いました。参加者は{rng.randint(5, 30)}人でした。",
                    by=idea.author,
                )
                for j in range(3)
            ]
        )
    _seed_offers_and_needs(ctx, districts, themes, project_ideas)
    if ctx.large:
        _seed_large(ctx, districts, themes)
    ctx.out.write(f"    {Idea.objects.count()} ideas, {Project.objects.count()} projects")


# title, types, skills, availability, org key
OFFERS = [
    ("週末の送迎ボランティア", ["vehicle", "time"], "運転", ["weekend"], None),
    ("集会室を貸し出せます", ["venue"], "", ["weekday_day"], "npo"),
    ("子ども食堂の調理をお手伝い", ["skill", "time"], "料理、調理", ["weekend"], None),
    ("スマホ講座の講師", ["skill"], "スマホ、パソコン", ["weekday_evening"], "company"),
    ("学生ボランティアの派遣", ["time"], "学習支援", ["weekday_evening", "weekend"], "university"),
    ("防災用テントと発電機", ["equipment"], "テント、発電機", [], "group"),
    ("地域活動への助成", ["funds"], "", [], "company"),
    ("チラシのデザイン", ["skill"], "デザイン、チラシ", ["weekday_evening"], None),
]


def _seed_offers_and_needs(
    ctx: Any, districts: list[District], themes: list[Theme], project_ideas: list[Idea]
) -> None:
    rng = ctx.rng("projects-offers")
    owners = [ctx.users["member@example.jp"], ctx.users["resident@example.jp"]]
    for i, (title, types, skills, slots, org) in enumerate(OFFERS):
        offer = Offer.objects.create(
            title=f"{PROJECT_PREFIX}{title}",
            description=f"{title}。お気軽にご相談ください。",
            owner=owners[i % 2],
            organization=ctx.orgs[org] if org else None,
            offer_types=",".join(["", *sorted(types), ""]),
            skills=skills,
            skill_document=skill_document(skills),
            availability=",".join(["", *sorted(slots), ""]) if slots else "",
            contact=f"{owners[i % 2].email}",
            search_document=search_document(title, skills),
        )
        offer.themes.set(rng.sample(themes, k=2))
        if i % 3:
            offer.districts.set(rng.sample(districts, k=2))
    for i, idea in enumerate(project_ideas[:4]):
        need = Need.objects.create(
            title=f"{PROJECT_PREFIX}{idea.title}の担い手募集",
            description=idea.description,
            source=Need.Source.RECRUITMENT if i % 2 else Need.Source.IDEA,
            idea=idea if i % 2 == 0 else None,
            organization=ctx.orgs["npo"] if i % 2 else None,
            owner=idea.author,
            need_types=",".join(["", *sorted({OfferType.TIME, rng.choice(OfferType.values)}), ""]),
            skills=rng.choice(["料理", "運転", "スマホ", ""]),
            availability=f",{rng.choice(Availability.values)},",
            district=idea.district,
        )
        need.skill_document = skill_document(need.skills)
        need.save(update_fields=["skill_document"])
        need.themes.set(idea.themes.all())


LARGE_OFFERS = 5_000
LARGE_IDEAS = 20_000
LARGE_PROJECTS = 2_000
MEMBERS_PER_PROJECT = 20


def _seed_large(ctx: Any, districts: list[District], themes: list[Theme]) -> None:
    rng = ctx.rng("projects-large")
    residents = list(
        User.objects.filter(email__startswith="resident", email__endswith="@example.jp")
        .exclude(email="resident@example.jp")
        .values_list("pk", flat=True)
    )
    if len(residents) < MEMBERS_PER_PROJECT:
        residents = list(User.objects.values_list("pk", flat=True))
    now = timezone.now()
    kinds = Idea.Kind.values
    statuses = [s for s in Idea.Status.values if s != Idea.Status.MERGED]
    words = ["居場所", "子育て", "介護", "防災", "散歩", "料理", "清掃", "相談", "交流", "学習"]
    ideas = []
    for n in range(LARGE_IDEAS):
        kind = kinds[n % 4]
        word = words[n % len(words)]
        title = f"［大量］{word}の活動 {n:05d}"
        desc = f"{word}について地域で取り組みたいこと {n}"
        created = now - timedelta(days=rng.randint(0, 1500))
        status = statuses[n % len(statuses)]
        ideas.append(
            Idea(
                kind=kind,
                title=title,
                description=desc,
                district_id=districts[n % len(districts)].pk,
                help_types=[HelpType.values[n % 5]],
                is_public=kind != Idea.Kind.TROUBLE,
                author_id=residents[n % len(residents)],
                status=status,
                first_response_at=None if status == Idea.Status.RECEIVED else created,
                submission_token=uuid.uuid5(DEMO_NS, f"large:{n}"),
                search_document=search_document(title, desc),
                created_at=created,
            )
        )
    Idea.objects.bulk_create(ideas, batch_size=2000)
    large_ideas = list(
        Idea.objects.filter(title__startswith="［大量］").values_list("pk", flat=True)
    )
    through = Idea.themes.through
    through.objects.bulk_create(
        [through(idea_id=pk, theme_id=themes[pk % len(themes)].pk) for pk in large_ideas],
        batch_size=5000,
    )
    projects = [
        Project(
            title=f"{PROJECT_PREFIX}［大量］プロジェクト {n:04d}",
            purpose=f"{words[n % len(words)]}の課題に取り組むプロジェクト",
            status=Project.Status.values[n % 4],
            start_date=date(2019, 4, 1) + timedelta(days=n % 2500),
            search_document=search_document(f"プロジェクト {n}", words[n % len(words)]),
        )
        for n in range(LARGE_PROJECTS)
    ]
    Project.objects.bulk_create(projects, batch_size=2000)
    pids = list(
        Project.objects.filter(title__startswith=f"{PROJECT_PREFIX}［大量］").values_list(
            "pk", "start_date"
        )
    )
    pthrough = Project.districts.through
    pthrough.objects.bulk_create(
        [pthrough(project_id=pk, district_id=districts[pk % len(districts)].pk) for pk, _ in pids],
        batch_size=5000,
    )
    members = []
    for pk, start in pids:
        for user_id in rng.sample(residents, k=MEMBERS_PER_PROJECT):
            members.append(
                ProjectMember(
                    project_id=pk,
                    user_id=user_id,
                    role=ProjectMember.Role.MEMBER,
                    joined_on=cast(date, start),
                )
            )
    ProjectMember.objects.bulk_create(members, batch_size=5000)
    offers = [
        Offer(
            title=f"{PROJECT_PREFIX}［大量］できること {n:04d}",
            description=f"{words[n % len(words)]}でお手伝いできます",
            owner_id=residents[n % len(residents)],
            offer_types=f",{OfferType.values[n % len(OfferType.values)]},",
            skills=words[n % len(words)],
            skill_document=skill_document(words[n % len(words)]),
            availability=f",{Availability.values[n % 3]},",
            contact="demo@example.jp",
            search_document=search_document(words[n % len(words)]),
        )
        for n in range(LARGE_OFFERS)
    ]
    Offer.objects.bulk_create(offers, batch_size=2000)
    if connection.vendor == "postgresql":
        # Fresh statistics after bulk inserts: without them the planner guessed 50 rows for
        # "not merged" and a two-character search took 350 ms instead of 4 ms.
        with connection.cursor() as cursor:
            for table in (
                "projects_idea",
                "projects_idea_themes",
                "projects_ideareaction",
                "projects_project",
                "projects_project_districts",
                "projects_projectmember",
                "projects_offer",
            ):
                cursor.execute(f"ANALYZE {table}")
