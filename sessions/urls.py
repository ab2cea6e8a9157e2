from django.urls import URLPattern

app_name = "future_sessions"
urlpatterns: list[URLPattern] = []
