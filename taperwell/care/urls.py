from django.urls import path

from taperwell.care import views

app_name = "care"
urlpatterns = [
    path("clinic/triage/", views.dashboard, name="dashboard"),
]
