from tests.access import Row, everyone, only, signed_in

ROWS = [
    Row("home", everyone(200)),
    Row("healthz", everyone(200)),
    Row("favicon", everyone(200)),
    Row("javascript-catalog", everyone(200)),
    Row(
        "set_language", everyone(302), method="post", data=lambda u: {"language": "en", "next": "/"}
    ),
    Row("accounts:profile", signed_in(200)),
    Row(
        "accounts:profile",
        signed_in(302),
        method="post",
        id="post:accounts:profile",
        data=lambda u: {"display_name": "新しい表示名"},
    ),
    Row("directory:district_list", everyone(200)),
    Row("directory:organization_list", everyone(200)),
    Row("admin:index", only(["admin"], denied=302, anonymous=302)),
]

ROWS += [
    Row("switch_language", everyone(302), query="language=en&next=/"),
]
