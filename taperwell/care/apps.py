from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "taperwell.care"
    label = "care"

    def ready(self) -> None:
        # Flags and bump rules asked for by the record apps, which never import care.
        from taperwell.care import receivers  # noqa: F401 - connects the receivers
