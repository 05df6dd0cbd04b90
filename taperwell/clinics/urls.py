from django.urls import path

from taperwell.clinics import views

app_name = "clinics"
urlpatterns = [
    path("clinic/settings/", views.clinic_settings, name="settings"),
]
