from django.urls import path

from taperwell.rtm import views

app_name = "rtm"
urlpatterns = [
    path("clinic/patients/<uuid:public_id>/care-time/", views.patient_care_time, name="patient"),
    path(
        "clinic/care-time/<uuid:public_id>/entered-in-error/",
        views.care_time_error,
        name="entered_in_error",
    ),
    path("clinic/remote-monitoring/", views.report, name="report"),
    path("clinic/remote-monitoring/csv/", views.report_csv, name="report_csv"),
]
