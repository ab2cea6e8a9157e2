from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("districts/", views.district_list, name="district_list"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("resources/<int:pk>/verify/", views.resource_verify, name="resource_verify"),
]
