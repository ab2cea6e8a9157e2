from django.urls import path

from . import views

app_name = "consultations"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.consultation_create, name="consultation_create"),
    path("<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("<int:pk>/consent/", views.consultation_consent, name="consultation_consent"),
    path("<int:pk>/close/", views.consultation_close, name="consultation_close"),
    path("<int:pk>/sheets/new/", views.sheet_create, name="sheet_create"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("sheets/<int:pk>/transition/", views.sheet_transition, name="sheet_transition"),
    path("sheets/<int:pk>/print/", views.sheet_print, name="sheet_print"),
    path("sheets/<int:pk>/pdf/", views.sheet_pdf, name="sheet_pdf"),
    path("<int:pk>/consent-form/", views.consent_form_print, name="consent_form_print"),
    path("<int:pk>/consent-form/pdf/", views.consent_form_pdf, name="consent_form_pdf"),
    path("overdue/", views.overdue_board, name="overdue_board"),
    path("access-log/", views.access_log, name="access_log"),
    path("conferences/", views.conference_list, name="conference_list"),
    path("conferences/new/", views.conference_create, name="conference_create"),
    path("conferences/<int:pk>/", views.conference_detail, name="conference_detail"),
    path("conferences/<int:pk>/record/", views.conference_record, name="conference_record"),
    path("conferences/<int:pk>/tasks/", views.conference_task_add, name="conference_task_add"),
    path("conferences/<int:pk>/needs/", views.conference_need_add, name="conference_need_add"),
    path("missing-resources/", views.missing_resources, name="missing_resources"),
    path("outreach/", views.outreach_list, name="outreach_list"),
    path("outreach/new/", views.outreach_create, name="outreach_create"),
    path("outreach/<int:pk>/", views.outreach_detail, name="outreach_detail"),
    path("outreach/<int:pk>/attempts/", views.outreach_attempt_add, name="outreach_attempt_add"),
    path("outreach/<int:pk>/convert/", views.outreach_convert, name="outreach_convert"),
    path("ideas/", views.idea_handoff_list, name="idea_handoff_list"),
    path("ideas/<int:pk>/handoff/", views.idea_handoff, name="idea_handoff"),
]
