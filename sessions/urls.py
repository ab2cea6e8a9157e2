from django.urls import path

from . import views

app_name = "future_sessions"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("month/", views.calendar_month, name="calendar_month"),
    path("new/", views.session_create, name="session_create"),
    path("mine/", views.my_registrations, name="my_registrations"),
    path("feed/<slug:code>.ics", views.district_feed, name="district_feed"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/session.ics", views.session_ics, name="session_ics"),
    path("<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("<int:pk>/register/", views.register, name="register"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("<int:pk>/invitations/", views.invitations, name="invitations"),
    path("invitation/<str:token>/", views.invitation_respond, name="invitation_respond"),
    path("<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:pk>/checkin/<int:registration_pk>/", views.checkin_mark, name="checkin_mark"),
    path("<int:pk>/walk-in/", views.walk_in, name="walk_in"),
    path("<int:pk>/outcome/", views.outcome_edit, name="outcome_edit"),
    path("<int:pk>/project/", views.project_start, name="project_start"),
    path("visions/", views.vision_list, name="vision_list"),
    path("visions/actions/mine/", views.my_actions, name="my_actions"),
    path("visions/actions/<int:pk>/", views.action_update, name="action_update"),
    path("visions/<slug:code>/", views.vision_detail, name="vision_detail"),
    path("visions/<slug:code>/edit/", views.vision_edit, name="vision_edit"),
    path("visions/<slug:code>/actions/new/", views.action_create, name="action_create"),
    path("visions/<slug:code>/pack/", views.meeting_pack, name="meeting_pack"),
]
