from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "taperwell.notifications"
    label = "notifications"
