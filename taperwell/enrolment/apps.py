from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "taperwell.enrolment"
    label = "enrolment"
