from django.urls import path

from taperwell.messaging import views

app_name = "messaging"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/new/", views.new, name="new"),
    path("messages/reply-time/", views.reply_time, name="reply_time"),
    path("messages/<uuid:public_id>/", views.thread, name="thread"),
    path("messages/m/<uuid:public_id>/withdraw/", views.retract, name="retract"),
    path("messages/m/<uuid:public_id>/attachment/", views.attachment, name="attachment"),
]
