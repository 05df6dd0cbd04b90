from django.urls import path

from taperwell.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path(
        "clinic/patients/<uuid:public_id>/monitoring/",
        views.patient_monitoring,
        name="patient",
    ),
    path(
        "clinic/monitoring/<uuid:public_id>/entered-in-error/",
        views.record_entered_in_error,
        name="entered_in_error",
    ),
]
