from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "taperwell.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring the prescriber documents"
