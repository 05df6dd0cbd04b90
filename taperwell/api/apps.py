from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "taperwell.api"
    label = "api"
