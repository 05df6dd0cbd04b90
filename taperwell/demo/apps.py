from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "taperwell.demo"
    label = "demo"
