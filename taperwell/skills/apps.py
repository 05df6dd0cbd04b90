from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "taperwell.skills"
    label = "skills"
