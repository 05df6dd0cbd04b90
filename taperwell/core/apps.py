from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "taperwell.core"
    label = "core"
