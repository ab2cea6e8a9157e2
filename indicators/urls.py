from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("open/", views.open_data, name="open_data"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
    path("open-data/standard.csv", views.export_standard_csv, name="export_standard_csv"),
    path("open-data/districts.csv", views.district_codes_csv, name="district_codes_csv"),
    path("open-data/datapackage.json", views.datapackage_json, name="datapackage"),
    path("open-data/schema.json", views.export_json_schema, name="export_json_schema"),
    path("import/", views.survey_import_view, name="import"),
    path("compute/", views.compute, name="compute"),
    path("i/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path("i/<str:code>/edit/", views.indicator_edit, name="indicator_edit"),
    path("i/<str:code>/values/new/", views.measurement_new, name="measurement_new"),
    path("i/<str:code>/publish/", views.indicator_publish, name="indicator_publish"),
    path("values/<int:pk>/edit/", views.measurement_edit, name="measurement_edit"),
    path("values/<int:pk>/status/", views.measurement_status, name="measurement_status"),
]
