from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "taperwell.messaging"
    label = "messaging"
