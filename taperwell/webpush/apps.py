from django.apps import AppConfig


class WebpushConfig(AppConfig):
    name = "taperwell.webpush"
    verbose_name = "The phone app: manifest, service worker and push reminders"
