from django.apps import AppConfig


class RtmConfig(AppConfig):
    name = "taperwell.rtm"
    label = "rtm"
    verbose_name = "Remote-monitoring month"
