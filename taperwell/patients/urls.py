from django.urls import path

from taperwell.patients import views
from taperwell.patients.language import language_change

app_name = "patients"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("account/language/", language_change, name="language"),
    path("clinic/patients/", views.panel, name="panel"),
    path("clinic/patients/<uuid:public_id>/", views.patient_record, name="record"),
    path("clinic/patients/<uuid:public_id>/identity/", views.identity_edit, name="identity"),
]
