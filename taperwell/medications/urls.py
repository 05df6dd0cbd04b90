from django.urls import path

from taperwell.medications import views, views_doses

app_name = "medications"
urlpatterns = [
    path("clinic/patients/<uuid:public_id>/medicines/", views.medication_list_view, name="list"),
    path("clinic/patients/<uuid:public_id>/risk/", views.risk_profile, name="risk"),
    path("clinic/medicines/<uuid:public_id>/edit/", views.medication_edit, name="edit"),
    path("clinic/medicines/<uuid:public_id>/status/", views.medication_status, name="status"),
]

# The patient's dose cards (Today and My medicines).
urlpatterns += [
    path("today/doses/taken/", views_doses.dose_taken, name="dose_taken"),
    path("today/doses/undo/", views_doses.dose_undo, name="dose_undo"),
]
