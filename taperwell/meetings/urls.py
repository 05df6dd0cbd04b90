from django.urls import path

from taperwell.meetings import views

app_name = "meetings"
urlpatterns = [
    path("sessions/", views.index, name="index"),
    path("sessions/new/", views.new, name="new"),
    path("sessions/<uuid:public_id>/", views.detail, name="detail"),
    path("sessions/<uuid:public_id>/rsvp/", views.rsvp, name="rsvp"),
    path("sessions/<uuid:public_id>/attendance/", views.attendance, name="attendance"),
]
