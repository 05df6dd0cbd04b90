from django.apps import AppConfig


class MedicationsConfig(AppConfig):
    name = "taperwell.medications"
    label = "medications"
