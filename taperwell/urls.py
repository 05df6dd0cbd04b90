from django.contrib import admin
from django.urls import include, path

from taperwell.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("crisis/", core_views.crisis, name="crisis"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("taperwell.enrolment.urls")),
    path("", include("taperwell.patients.urls")),
    path("", include("taperwell.audit.urls")),
    path("", include("taperwell.medications.urls")),
    path("", include("taperwell.tapering.urls")),
    path("", include("taperwell.checkins.urls")),
    path("", include("taperwell.care.urls")),
    path("", include("taperwell.goals.urls")),
    path("", include("taperwell.skills.urls")),
    path("", include("taperwell.messaging.urls")),
    path("", include("taperwell.community.urls")),
    path("", include("taperwell.meetings.urls")),
    path("", include("taperwell.notifications.urls")),
    path("", include("taperwell.webpush.urls")),
    path("", include("taperwell.reports.urls")),
    path("", include("taperwell.clinics.urls")),
    path("", include("taperwell.api.urls")),
    path("operator/", admin.site.urls),
]

# A database outage gets a calm 503 page with crisis help; anything else the 500 page.
handler500 = "taperwell.core.views.server_error"
handler400 = "taperwell.core.views.bad_request"
