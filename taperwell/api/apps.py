from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "taperwell.api"
    label = "api"

    def ready(self) -> None:
        from taperwell.api import signals  # noqa: F401 - connects the receivers
