from django.urls import path

from taperwell.api import views
from taperwell.api.api import api

# No app_name here: django-ninja brings its own "api" namespace for the /api/v1/ routes.
urlpatterns = [
    path("account/api-tokens/", views.tokens, name="api_tokens"),
    path("account/api-tokens/<uuid:public_id>/revoke/", views.revoke, name="api_token_revoke"),
    path("api/v1/", api.urls),
]
