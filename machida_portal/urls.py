from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from . import views

# The admin has no door of its own: /admin/login/ sends everyone to the portal's sign-in, where
# the second factor and the sign-in rate limits apply (issue #11).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/", views.switch_language, name="switch_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("notifications/", include("reminders.urls")),
    path("directory/", include("directory.urls")),
    path("api/hsds/", include("directory.hsds.urls")),
    path("ideas/", include("projects.urls")),
    path("sessions/", include("sessions.urls")),
    path("consultations/", include("consultations.urls")),
    path("indicators/", include("indicators.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_VIEWS:
    urlpatterns += [
        path("bench/bare/", views.bench_bare, name="bench_bare"),
        path("bench/bare-auth/", views.bench_bare_auth, name="bench_bare_auth"),
    ]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "machida_portal.views.permission_denied"
handler404 = "machida_portal.views.page_not_found"
handler500 = "machida_portal.views.server_error"
