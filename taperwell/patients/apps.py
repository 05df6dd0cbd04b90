from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "taperwell.patients"
    label = "patients"
