from django.urls import path

from taperwell.today import views

app_name = "today"
urlpatterns = [
    path("today/", views.today, name="today"),
]
