"""Sign in with LINE (issue 15): allauth's third-party pages and the LINE provider's URLs.

The matrix runs with LINE switched off (no channel settings), as a portal without LINE runs: the
LINE URLs do not exist then. With LINE on, ``tests/accounts/test_line_login.py`` covers them
against a fake LINE.
"""

from tests.access import LOGIN, Row, everyone, signed_in

ROWS = [
    Row("socialaccount_connections", signed_in(200)),
    Row("socialaccount_signup", {**everyone(302), "anonymous": LOGIN}),
    Row("socialaccount_login_cancelled", everyone(200)),
    Row("socialaccount_login_error", everyone(401)),
    Row("line_login", everyone(404)),
    Row("line_login", everyone(404), method="post", id="post:line_login"),
    Row("line_callback", everyone(404), query="code=x&state=y"),
]
