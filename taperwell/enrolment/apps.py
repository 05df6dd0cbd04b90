from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "taperwell.enrolment"
    label = "enrolment"

    def ready(self) -> None:
        from taperwell.access import OWN_PATIENT_ANNOTATIONS
        from taperwell.enrolment.services import current_consent_given

        # Consent is read with the patient, in the same query, by every patient page.
        OWN_PATIENT_ANNOTATIONS["has_consent"] = current_consent_given
