from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from taperwell.accounts.views import add_passkey, operator_login
from taperwell.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("crisis/", core_views.crisis, name="crisis"),
    path("healthz", core_views.healthz, name="healthz"),
    # Sign-in addresses come from the clinic's invitation; allauth's page for managing addresses
    # is not offered (merely opening it stored an unverified address, which blocks two-factor
    # set-up). It leads to the account page instead.
    path("accounts/email/", RedirectView.as_view(pattern_name="account_change_password")),
    # Before allauth's own: a patient's new passkey leads back to their account page.
    path("accounts/2fa/webauthn/add/", add_passkey, name="mfa_add_webauthn"),
    path("accounts/", include("allauth.urls")),
    path("", include("taperwell.enrolment.urls")),
    path("", include("taperwell.patients.urls")),
    path("", include("taperwell.today.urls")),
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
    path("", include("taperwell.monitoring.urls")),
    path("", include("taperwell.rtm.urls")),
    path("", include("taperwell.notifications.urls")),
    path("", include("taperwell.webpush.urls")),
    path("", include("taperwell.reports.urls")),
    path("", include("taperwell.api.urls")),
    # Before the admin's own URLs: its password-only login form is never served.
    path("operator/login/", operator_login, name="operator_login"),
    path("operator/", admin.site.urls),
]

# A database outage gets a calm 503 page with crisis help; anything else the 500 page.
handler500 = "taperwell.core.views.server_error"
handler400 = "taperwell.core.views.bad_request"
