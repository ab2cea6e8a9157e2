"""/api/hsds/: the resource directory as an Open Referral HSDS 3.0 API (read-only)."""

from django.urls import path

from . import views

app_name = "hsds"
urlpatterns = [
    path("", views.root, name="root"),
    path("openapi.json", views.openapi, name="openapi"),
    path("services", views.service_list, name="service_list"),
    path("services/<str:id>", views.service_detail, name="service_detail"),
    path("organizations", views.organization_list, name="organization_list"),
    path("organizations/<str:id>", views.organization_detail, name="organization_detail"),
    path("service_at_locations", views.service_at_location_list, name="service_at_location_list"),
    path(
        "service_at_locations/<str:id>",
        views.service_at_location_detail,
        name="service_at_location_detail",
    ),
]
