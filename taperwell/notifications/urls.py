from django.urls import path

from taperwell.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notices/", views.centre, name="centre"),
    path("notices/settings/", views.preferences, name="preferences"),
    path("notices/calendar/", views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
