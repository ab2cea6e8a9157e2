"""Demo districts, organizations and exactly one demo user per role."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from accounts.models import User

from .models import District, Domain, Membership, Organization, Role

DEMO_PASSWORD = "machida-demo-2026"  # noqa: S105 — documented in the README; demo only


@dataclass
class DemoContext:
    scale: str
    seed: int
    out: Any
    users: dict[str, User] = field(default_factory=dict)
    orgs: dict[str, Organization] = field(default_factory=dict)

    @property
    def large(self) -> bool:
        return self.scale == "large"

    def rng(self, salt: str) -> random.Random:
        # One generator per app, so adding data to one app does not change another's.
        return random.Random(f"{self.seed}:{salt}")  # noqa: S311 — demo data, not security


# key → (name, kana, kind, districts (codes, or "*" for all), domains)
ORGANIZATIONS: dict[str, tuple[str, str, str, list[str] | str, list[str]]] = {
    "city": (
        "町田市 地域福祉推進課",
        "まちだし ちいきふくしすいしんか",
        Organization.Kind.CITY_DEPARTMENT,
        "*",
        [],
    ),
    "shakyo": (
        "町田市社会福祉協議会",
        "まちだししゃかいふくしきょうぎかい",
        Organization.Kind.SHAKYO,
        "*",
        [],
    ),
    "elderly": (
        "高齢者支援センター 町田第一",
        "こうれいしゃしえんせんたー まちだだいいち",
        Organization.Kind.CONSULTATION_AGENCY,
        ["machida-1"],
        ["elderly", "health"],
    ),
    "disability": (
        "障がい者支援センター まちだ",
        "しょうがいしゃしえんせんたー まちだ",
        Organization.Kind.CONSULTATION_AGENCY,
        "*",
        ["disability"],
    ),
    "children": (
        "子ども家庭支援センター",
        "こどもかていしえんせんたー",
        Organization.Kind.CONSULTATION_AGENCY,
        "*",
        ["children"],
    ),
    "livelihood": (
        "生活援護課 くらしの相談窓口",
        "せいかつえんごか くらしのそうだんまどぐち",
        Organization.Kind.CONSULTATION_AGENCY,
        "*",
        ["livelihood", "housing", "employment"],
    ),
    "health": (
        "保健所 こころの相談",
        "ほけんじょ こころのそうだん",
        Organization.Kind.CONSULTATION_AGENCY,
        "*",
        ["health"],
    ),
    "hospital": (
        "町田みなみ病院 地域連携室",
        "まちだみなみびょういん ちいきれんけいしつ",
        Organization.Kind.MEDICAL,
        ["minami"],
        [],
    ),
    "npo": (
        "NPO法人 まちだ子ども食堂ネット",
        "えぬぴーおーほうじん まちだこどもしょくどうねっと",
        Organization.Kind.NPO,
        ["machida-1", "machida-2", "minami"],
        [],
    ),
    "company": (
        "まちだ運送株式会社",
        "まちだうんそうかぶしきがいしゃ",
        Organization.Kind.COMPANY,
        ["tadao", "kiso"],
        [],
    ),
    "university": (
        "まちだ福祉大学",
        "まちだふくしだいがく",
        Organization.Kind.UNIVERSITY,
        ["tsurukawa"],
        [],
    ),
    "group": (
        "鶴川ささえあいの会",
        "つるかわささえあいのかい",
        Organization.Kind.COMMUNITY_GROUP,
        ["tsurukawa"],
        [],
    ),
}

# email → (display name, real name, kana, organization key, role, supervisor)
USERS: dict[str, tuple[str, str, str, str | None, str | None, bool]] = {
    "resident@example.jp": ("やまびこ", "山田 花子", "やまだ はなこ", None, None, False),
    "member@example.jp": ("こども食堂の佐藤", "佐藤 健", "さとう けん", "npo", Role.MEMBER, False),
    "coordinator@example.jp": (
        "社協 鈴木",
        "鈴木 一郎",
        "すずき いちろう",
        "shakyo",
        Role.COORDINATOR,
        False,
    ),
    "staff.elderly@example.jp": (
        "高齢者支援センター 田中",
        "田中 美咲",
        "たなか みさき",
        "elderly",
        Role.CONSULTATION_STAFF,
        True,
    ),
    "staff.disability@example.jp": (
        "障がい者支援センター 高橋",
        "高橋 誠",
        "たかはし まこと",
        "disability",
        Role.CONSULTATION_STAFF,
        True,
    ),
    "cwc@example.jp": (
        "地域福祉コーディネーター 伊藤",
        "伊藤 さくら",
        "いとう さくら",
        "shakyo",
        Role.WELFARE_COORDINATOR,
        False,
    ),
    "city@example.jp": (
        "地域福祉推進課 渡辺",
        "渡辺 大輔",
        "わたなべ だいすけ",
        "city",
        Role.CITY_STAFF,
        False,
    ),
    "admin@example.jp": ("管理者", "小林 直子", "こばやし なおこ", None, None, False),
}


def _organization(key: str, spec: tuple[str, str, str, list[str] | str, list[str]]) -> Organization:
    name, kana, kind, district_codes, domain_codes = spec
    org, _ = Organization.objects.update_or_create(
        name=name,
        kind=kind,
        defaults={"name_kana": kana, "is_active": True, "email": f"{key}@example.jp"},
    )
    districts = (
        District.objects.all()
        if district_codes == "*"
        else District.objects.filter(code__in=district_codes)
    )
    org.districts.set(districts)
    org.domains.set(Domain.objects.filter(code__in=domain_codes))
    return org


def _user(
    email: str, spec: tuple[str, str, str, str | None, str | None, bool], ctx: DemoContext
) -> User:
    display, real, kana, org_key, role, supervisor = spec
    is_admin = email == "admin@example.jp"
    user, created = User.objects.update_or_create(
        email=email,
        defaults={
            "display_name": display,
            "full_name": real,
            "full_name_kana": kana,
            "is_staff": is_admin,
            "is_superuser": is_admin,
            "is_active": True,
        },
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if org_key and role:
        Membership.objects.update_or_create(
            user=user,
            organization=ctx.orgs[org_key],
            role=role,
            defaults={"is_supervisor": supervisor, "is_active": True},
        )
    return user


def seed(ctx: DemoContext) -> None:
    for key, org_spec in ORGANIZATIONS.items():
        ctx.orgs[key] = _organization(key, org_spec)
    for district in District.objects.all():
        ctx.orgs[f"council:{district.code}"] = _organization(
            f"council-{district.code}",
            (
                f"{district.name_ja}地区協議会",
                "",
                Organization.Kind.DISTRICT_COUNCIL,
                [district.code],
                [],
            ),
        )
    for email, user_spec in USERS.items():
        ctx.users[email] = _user(email, user_spec, ctx)
    if ctx.large:
        _seed_large(ctx)
    ctx.out.write(f"    {Organization.objects.count()} organizations, {User.objects.count()} users")


LARGE_RESIDENTS = 5_000
LARGE_GROUPS = 300


def _seed_large(ctx: DemoContext) -> None:
    """Benchmark volume: many residents and community groups, with bulk inserts."""
    rng = ctx.rng("directory")
    districts = list(District.objects.all())
    password = make_password(DEMO_PASSWORD)
    User.objects.bulk_create(
        [
            User(
                email=f"resident{i:05d}@example.jp", display_name=f"市民{i:05d}", password=password
            )
            for i in range(LARGE_RESIDENTS)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    Organization.objects.bulk_create(
        [
            Organization(name=f"地域活動団体 {i:04d}", kind=Organization.Kind.COMMUNITY_GROUP)
            for i in range(LARGE_GROUPS)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    through = Organization.districts.through
    groups = Organization.objects.filter(name__startswith="地域活動団体 ").only("id")
    through.objects.filter(organization__in=groups).delete()
    through.objects.bulk_create(
        [through(organization_id=g.id, district_id=rng.choice(districts).id) for g in groups],
        batch_size=1000,
    )
