from django.urls import path

from taperwell.patients import views
from taperwell.patients.language import language_change

app_name = "patients"
urlpatterns = [
    path("account/language/", language_change, name="language"),
    path("clinic/patients/", views.panel, name="panel"),
]
