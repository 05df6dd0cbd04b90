from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "taperwell.meetings"
    label = "meetings"
