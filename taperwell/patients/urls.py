from django.urls import path

from taperwell.patients import views

app_name = "patients"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("clinic/patients/", views.panel, name="panel"),
    path("clinic/patients/<uuid:public_id>/", views.patient_record, name="record"),
    path("clinic/patients/<uuid:public_id>/identity/", views.identity_edit, name="identity"),
]
