from django.urls import path

from taperwell.care import clinic_settings, views, views_pages, views_record

app_name = "care"
urlpatterns = [
    path("clinic/triage/", views.dashboard, name="dashboard"),
    path("clinic/settings/", clinic_settings.clinic_settings, name="clinic_settings"),
    path("clinic/patients/<uuid:public_id>/", views_record.patient_record, name="record"),
    path(
        "clinic/patients/<uuid:public_id>/identity/", views_record.identity_edit, name="identity"
    ),
    path("clinic/patients/<uuid:public_id>/care/", views.patient_care, name="patient"),
    path(
        "clinic/flags/<uuid:public_id>/acknowledge/",
        views.flag_acknowledge_view,
        name="flag_acknowledge",
    ),
    path("clinic/flags/<uuid:public_id>/resolve/", views.flag_resolve_view, name="flag_resolve"),
    path("clinic/patients/<uuid:public_id>/notes/", views.note_create_view, name="note_create"),
    path(
        "clinic/notes/<uuid:public_id>/entered-in-error/", views.note_error_view, name="note_error"
    ),
    path("clinic/patients/<uuid:public_id>/encourage/", views.encourage_view, name="encourage"),
    path("clinic/patients/<uuid:public_id>/phase/", views.phase_view, name="phase"),
    path("clinic/patients/<uuid:public_id>/visit/", views_pages.visit, name="visit"),
    path("clinic/patients/<uuid:public_id>/timeline/", views_pages.timeline, name="timeline"),
    path(
        "clinic/patients/<uuid:public_id>/timeline/data/",
        views_pages.timeline_data,
        name="timeline_data",
    ),
    path("clinic/outcomes/", views_pages.outcomes, name="outcomes"),
    path("clinic/guidelines/", views_pages.guidelines, name="guidelines"),
]
