from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "taperwell.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Notices asked for by the taper app, which never imports notifications.
        from taperwell.notifications import receivers  # noqa: F401 - connects the receivers
