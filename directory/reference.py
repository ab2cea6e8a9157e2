"""Reference data loaded by a data migration and kept by administrators afterwards."""

from typing import Any

# (code, Japanese name, English name) — Machida's ten districts, in the plan's order.
DISTRICTS: list[tuple[str, str, str]] = [
    ("machida-1", "町田第一", "Machida Daiichi"),
    ("machida-2", "町田第二", "Machida Daini"),
    ("minami", "南", "Minami"),
    ("tamagawagakuen-minamiohya", "玉川学園・南大谷", "Tamagawagakuen / Minami-Ohya"),
    ("kogasaka-naruse", "高ヶ坂・成瀬", "Kogasaka / Naruse"),
    ("tsurukawa", "鶴川", "Tsurukawa"),
    ("tadao", "忠生", "Tadao"),
    ("kiso", "木曽", "Kiso"),
    ("aihara", "相原", "Aihara"),
    ("oyama", "小山", "Oyama"),
]

# The domains a consultation agency can cover.
DOMAINS: list[tuple[str, str, str]] = [
    ("elderly", "高齢", "Elderly"),
    ("disability", "障がい", "Disability"),
    ("children", "子ども・家庭", "Children and families"),
    ("health", "健康", "Health"),
    ("livelihood", "生活困窮", "Livelihood / poverty"),
    ("housing", "住まい", "Housing"),
    ("employment", "就労", "Employment"),
    ("other", "その他", "Other"),
]

# The managed list of themes shared by ideas, projects, sessions, visions and resources.
THEMES: list[tuple[str, str, str]] = [
    ("childcare", "子育て", "Childcare"),
    ("elderly", "高齢者", "Older people"),
    ("disability", "障がい", "Disability"),
    ("intergenerational", "多世代交流", "Intergenerational exchange"),
    ("ibasho", "居場所", "Places to drop in"),
    ("disaster", "防災", "Disaster preparedness"),
    ("environment", "環境", "Environment"),
    ("food", "食", "Food"),
    ("health-sports", "健康・スポーツ", "Health and sports"),
    ("culture-learning", "文化・学び", "Culture and learning"),
    ("community", "まちづくり", "Community building"),
    ("mutual-support", "ささえあい", "Mutual support"),
    ("other", "その他", "Other"),
]


def load_reference_data(apps: Any = None) -> None:
    """Create the districts, domains and themes that are missing (never overwrites edits).

    Used by the data migrations and by ``seed_demo`` (tests that flush the database lose
    what migrations loaded).
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    for model_name, rows in (("District", DISTRICTS), ("Domain", DOMAINS), ("Theme", THEMES)):
        model = apps.get_model("directory", model_name)
        for order, (code, ja, en) in enumerate(rows, start=1):
            model.objects.get_or_create(
                code=code, defaults={"name_ja": ja, "name_en": en, "order": order}
            )
