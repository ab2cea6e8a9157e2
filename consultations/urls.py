from django.urls import path

from . import views

app_name = "consultations"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.consultation_create, name="consultation_create"),
    path("<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("<int:pk>/close/", views.consultation_close, name="consultation_close"),
    path("<int:pk>/sheets/new/", views.sheet_create, name="sheet_create"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("sheets/<int:pk>/transition/", views.sheet_transition, name="sheet_transition"),
    path("overdue/", views.overdue_board, name="overdue_board"),
    path("access-log/", views.access_log, name="access_log"),
]
