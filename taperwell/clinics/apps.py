from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "taperwell.clinics"
    label = "clinics"
