from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.idea_board, name="idea_board"),
    path("new/", views.idea_create, name="idea_create"),
    path("mine/", views.idea_mine, name="idea_mine"),
    path("similar/", views.idea_similar, name="idea_similar"),
    path("inbox/", views.inbox, name="inbox"),
    path("<int:pk>/", views.idea_detail, name="idea_detail"),
    path("<int:pk>/edit/", views.idea_edit, name="idea_edit"),
    path("<int:pk>/react/", views.idea_react, name="idea_react"),
    path("<int:pk>/assign/", views.idea_assign, name="idea_assign"),
    path("<int:pk>/note/", views.idea_note, name="idea_note"),
    path("<int:pk>/reply/", views.idea_reply, name="idea_reply"),
    path("<int:pk>/transition/", views.idea_transition, name="idea_transition"),
    path("<int:pk>/merge/", views.idea_merge, name="idea_merge"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/import/", views.project_import, name="project_import"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/join/", views.project_join, name="project_join"),
    path("projects/<int:pk>/activity/", views.project_activity, name="project_activity"),
    path("projects/<int:pk>/need/", views.project_need_create, name="project_need_create"),
    path("<int:pk>/need/", views.idea_need, name="idea_need"),
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("needs/", views.need_list, name="need_list"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/propose/", views.need_propose, name="need_propose"),
    path("matches/", views.match_list, name="match_list"),
    path("matches/<int:pk>/", views.match_detail, name="match_detail"),
    path("matches/<int:pk>/respond/", views.match_respond, name="match_respond"),
]
