from django.apps import AppConfig


class TaperingConfig(AppConfig):
    name = "taperwell.tapering"
    label = "tapering"
