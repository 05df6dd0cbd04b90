from django.urls import path

from taperwell.community import views

app_name = "community"
urlpatterns = [
    path("group/", views.index, name="index"),
    path("group/join/", views.join, name="join"),
    path("group/leave/", views.leave, name="leave"),
    path("group/new/", views.new, name="new"),
    path("group/moderation/", views.moderation, name="moderation"),
    path("group/<uuid:public_id>/", views.topic, name="topic"),
    path("group/p/<uuid:public_id>/support/", views.react, name="react"),
    path("group/p/<uuid:public_id>/report/", views.report, name="report"),
    path("group/p/<uuid:public_id>/hide/", views.hide, name="hide"),
    path("group/p/<uuid:public_id>/show/", views.release, name="release"),
    path("group/p/<uuid:public_id>/lock/", views.lock, name="lock"),
    path("group/m/<uuid:public_id>/mute/", views.mute, name="mute"),
]
