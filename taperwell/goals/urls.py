from django.urls import path

from taperwell.goals import views, views_mistake

app_name = "goals"
urlpatterns = [
    path("goals/", views.index, name="index"),
    path("goals/<uuid:public_id>/steps/", views.activity_new, name="activity_new"),
    path("goals/<uuid:public_id>/reached/", views.goal_reached, name="goal_reached"),
    path("goals/<uuid:public_id>/mistake/", views_mistake.goal_mistake, name="goal_mistake"),
    path("goals/steps/<uuid:public_id>/done/", views.activity_done, name="activity_done"),
    path(
        "goals/steps/<uuid:public_id>/done/mistake/",
        views_mistake.activity_done_mistake,
        name="activity_done_mistake",
    ),
]
