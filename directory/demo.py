"""Demo districts, organizations and exactly one demo user per role."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from accounts.models import User
from accounts.roles import roles_changed

from .models import District, Domain, Membership, Mode, Organization, Place, Resource, Role, Theme
from .reference import load_reference_data
from .search import search_document

DEMO_PASSWORD = "machida-demo-2026"  # noqa: S105  # nosec B105 — documented demo password


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
        return random.Random(f"{self.seed}:{salt}")  # noqa: S311  # nosec B311 — demo data


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

# The organizations' phone numbers: a tsunagu sheet shows the sender's for the call back.
# Fictional: a Japanese subscriber number never starts with 0, so none of these rings anyone.
PHONES: dict[str, str] = {
    "city": "042-000-0100",
    "shakyo": "042-000-0200",
    "elderly": "042-000-0301",
    "disability": "042-000-0302",
    "children": "042-000-0303",
    "livelihood": "042-000-0304",
    "health": "042-000-0305",
    "hospital": "042-000-0400",
    "npo": "042-000-0500",
    "company": "042-000-0600",
    "university": "042-000-0700",
    "group": "042-000-0800",
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
        defaults={
            "name_kana": kana,
            "is_active": True,
            "email": f"{key}@example.jp",
            "phone": PHONES.get(key, ""),
        },
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
    roles_changed(user.pk)
    return user


def seed(ctx: DemoContext) -> None:
    load_reference_data()
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
    _seed_places_and_resources(ctx)
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


# name → (district code, mode, organization key, drop-in, capacity, address)
PLACES: dict[str, tuple[str | None, str, str, bool, int | None, str]] = {
    "町田市民フォーラム（フューチャーセンター）": (
        "machida-1",
        Mode.HYBRID,
        "city",
        False,
        80,
        "原町田4-9-8",
    ),
    "鶴川市民センター": ("tsurukawa", Mode.PHYSICAL, "city", False, 60, "能ヶ谷1-2-1"),
    "忠生市民センター": ("tadao", Mode.PHYSICAL, "city", False, 50, "忠生3-14-2"),
    "なるせ駅前ひろば": ("kogasaka-naruse", Mode.PHYSICAL, "shakyo", True, 20, "南成瀬1-2-5"),
    "みなみ子ども食堂": ("minami", Mode.PHYSICAL, "npo", True, 30, "鶴間3-4-1"),
    "オンライン居場所「まちだの縁側」": (None, Mode.ONLINE, "shakyo", True, None, ""),
}

# Postal codes of the places above (the HSDS API publishes an address only with one).
POSTAL_CODES: dict[str, str] = {
    "町田市民フォーラム（フューチャーセンター）": "194-0013",
    "鶴川市民センター": "195-0053",
    "忠生市民センター": "194-0035",
    "なるせ駅前ひろば": "194-0045",
    "みなみ子ども食堂": "194-0004",
}

# resource name → (place name, opening hours): where and when some resources are offered.
RESOURCE_PLACES: dict[str, tuple[str, str]] = {
    "子ども食堂": ("みなみ子ども食堂", "毎週水曜 17:00〜19:30"),
    "認知症カフェ": ("なるせ駅前ひろば", "毎月第2土曜 13:30〜15:30"),
    "オンラインおしゃべり会": ("オンライン居場所「まちだの縁側」", "毎週金曜 14:00〜15:00"),
}

# name → (kind, organization key, domains, themes, description)
RESOURCES: dict[str, tuple[str, str, list[str], list[str], str]] = {
    "介護保険の相談": (
        Resource.Kind.SUPPORT_MENU,
        "elderly",
        ["elderly"],
        ["elderly"],
        "介護保険の申請や、介護サービスの使い方について相談できます。",
    ),
    "認知症カフェ": (
        Resource.Kind.DROP_IN,
        "elderly",
        ["elderly", "health"],
        ["elderly", "ibasho"],
        "認知症の方やご家族が気軽に集える場です。",
    ),
    "障がい福祉サービスの相談": (
        Resource.Kind.SUPPORT_MENU,
        "disability",
        ["disability"],
        ["disability"],
        "障がい福祉サービスの利用や、就労の相談に応じます。",
    ),
    "ひきこもり相談": (
        Resource.Kind.SUPPORT_MENU,
        "health",
        ["health", "disability"],
        ["mutual-support"],
        "ご本人やご家族からの、ひきこもりに関する相談を受けます。",
    ),
    "子育て相談": (
        Resource.Kind.SUPPORT_MENU,
        "children",
        ["children"],
        ["childcare"],
        "子育ての悩みや、子どもの発達について相談できます。",
    ),
    "くらしと仕事の相談": (
        Resource.Kind.SUPPORT_MENU,
        "livelihood",
        ["livelihood", "employment", "housing"],
        [],
        "生活費や家賃、仕事探しなどの困りごとを一緒に考えます。",
    ),
    "フードパントリー": (
        Resource.Kind.SOCIAL_RESOURCE,
        "npo",
        ["livelihood", "children"],
        ["food"],
        "食べるものに困っているご家庭に食品をお渡しします。",
    ),
    "子ども食堂": (
        Resource.Kind.DROP_IN,
        "npo",
        ["children"],
        ["food", "ibasho"],
        "子どもも大人も、誰でも一緒にごはんを食べられます。",
    ),
    "買い物支援の送迎": (
        Resource.Kind.SOCIAL_RESOURCE,
        "company",
        ["elderly"],
        ["elderly"],
        "買い物に行きにくい方を、週に一度スーパーまで送迎します。",
    ),
    "オンラインおしゃべり会": (
        Resource.Kind.DROP_IN,
        "shakyo",
        ["other"],
        ["ibasho"],
        "外出が難しい方も、自宅から参加できるおしゃべりの場です。",
    ),
}


def _seed_places_and_resources(ctx: DemoContext) -> None:
    from datetime import date

    districts = {d.code: d for d in District.objects.all()}
    for name, (code, mode, org_key, drop_in, capacity, address) in PLACES.items():
        Place.objects.update_or_create(
            name=name,
            defaults={
                "district": districts.get(code) if code else None,
                "mode": mode,
                "organization": ctx.orgs[org_key],
                "is_drop_in": drop_in,
                "capacity": capacity,
                "address": address,
                "postal_code": POSTAL_CODES.get(name, ""),
            },
        )
    domains = {d.code: d for d in Domain.objects.all()}
    themes = {t.code: t for t in Theme.objects.all()}
    places = {p.name: p for p in Place.objects.filter(name__in=PLACES)}
    for name, (kind, org_key, domain_codes, theme_codes, text) in RESOURCES.items():
        org = ctx.orgs[org_key]
        place_name, hours = RESOURCE_PLACES.get(name, ("", ""))
        resource, _ = Resource.objects.update_or_create(
            name=name,
            organization=org,
            defaults={
                "kind": kind,
                "description": text,
                "last_verified_on": date(2026, 4, 1),
                "contact": org.phone or org.email,
                "mode": Mode.ONLINE if "オンライン" in name else Mode.PHYSICAL,
                "search_document": search_document(name, text, org.name),
                "place": places.get(place_name),
                "hours": hours,
            },
        )
        resource.domains.set([domains[c] for c in domain_codes])
        resource.themes.set([themes[c] for c in theme_codes])
