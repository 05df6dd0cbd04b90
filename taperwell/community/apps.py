from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "taperwell.community"
    label = "community"
