from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "taperwell.checkins"
    label = "checkins"
