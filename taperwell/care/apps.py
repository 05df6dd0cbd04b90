from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "taperwell.care"
    label = "care"
