from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "taperwell.audit"
    label = "audit"

    def ready(self) -> None:
        from taperwell.audit import signals  # noqa: F401 - connects the receivers
