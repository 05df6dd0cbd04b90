from django.urls import path

from taperwell.checkins import progress, views

app_name = "checkins"
urlpatterns = [
    path("checkin/", views.checkin_new, name="new"),
    path("checkin/saved/", views.checkin_saved, name="saved"),
    path("checkin/history/", views.history, name="history"),
    path(
        "checkin/<uuid:public_id>/entered-in-error/",
        views.entered_in_error,
        name="entered_in_error",
    ),
    path("help-now/", views.crisis, name="crisis"),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/<slug:instrument>/", views.questionnaire, name="questionnaire"),
    path("my-medicines/", views.medicines, name="medicines"),
    path("my-medicines/pause/", views.pause_request, name="pause_request"),
    path("my-medicines/reasons/", views.reasons, name="reasons"),
    path("my-medicines/naloxone/", views.naloxone, name="naloxone"),
    path("progress/", progress.progress, name="progress"),
]
