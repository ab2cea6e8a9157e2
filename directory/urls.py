from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("districts/", views.district_list, name="district_list"),
    path("organizations/", views.organization_list, name="organization_list"),
]
