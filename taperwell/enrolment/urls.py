from django.urls import path

from taperwell.enrolment import views

app_name = "enrolment"
urlpatterns = [
    path("enrol/", views.start, name="start"),
    path("enrol/i/<str:token>/", views.accept_link, name="accept_link"),
    path("enrol/account/", views.account, name="account"),
    path("enrol/welcome/", views.welcome, name="welcome"),
    path("clinic/invitations/", views.invitation_list, name="invitation_list"),
    path("clinic/invitations/new/", views.invitation_new, name="invitation_new"),
    path("clinic/invitations/<uuid:public_id>/", views.invitation_detail, name="invitation_detail"),
]
