from django.apps import AppConfig


class TodayConfig(AppConfig):
    name = "taperwell.today"
    label = "today"
