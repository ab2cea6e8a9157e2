"""Reference data loaded by a data migration and kept by administrators afterwards."""

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
