from django.urls import path

from taperwell.tapering import views, views_prescribing

app_name = "tapering"
urlpatterns = [
    path("clinic/patients/<uuid:public_id>/taper/", views.plans, name="plans"),
    path("clinic/taper-plans/<uuid:public_id>/", views.plan_detail, name="plan"),
    path("clinic/taper-plans/<uuid:public_id>/approve/", views.approve, name="approve"),
    path("clinic/taper-plans/<uuid:public_id>/discard/", views.discard, name="discard"),
    path("clinic/taper-plans/<uuid:public_id>/change/", views.revise, name="revise"),
    path("clinic/taper-plans/<uuid:public_id>/print/", views.print_schedule, name="print"),
    path(
        "clinic/taper-plans/<uuid:public_id>/worksheet/",
        views_prescribing.worksheet,
        name="worksheet",
    ),
    path(
        "clinic/taper-plans/<uuid:public_id>/treatment/",
        views_prescribing.treatment,
        name="treatment",
    ),
]
