from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "taperwell.goals"
    label = "goals"
