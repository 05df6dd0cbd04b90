from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "taperwell.accounts"
    label = "accounts"

    def ready(self) -> None:
        from taperwell.accounts import signals  # noqa: F401 - connects the receivers
