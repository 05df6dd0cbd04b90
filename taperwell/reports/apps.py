from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "taperwell.reports"
    label = "reports"
