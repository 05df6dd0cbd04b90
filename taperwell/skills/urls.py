from django.urls import path

from taperwell.skills import views, views_mistake

app_name = "skills"
urlpatterns = [
    path("skills/", views.index, name="index"),
    path("skills/breathe/", views.pacer, name="pacer"),
    path("skills/flare-plan/", views.flare_plan, name="flare_plan"),
    path("skills/flare-plan/edit/", views.flare_plan_edit, name="flare_plan_edit"),
    path("skills/practice/<slug:slug>/", views.practice, name="practice"),
    path("skills/practice/<slug:slug>/audio/", views.audio, name="audio"),
    path(
        "skills/practice-log/<uuid:public_id>/mistake/",
        views_mistake.practice_mistake,
        name="practice_mistake",
    ),
]
