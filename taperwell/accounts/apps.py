from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "taperwell.accounts"
    label = "accounts"
