"""Spanish tests read the compiled catalogue: compile it first when the .po is newer."""

from __future__ import annotations

import pytest

from taperwell.core.catalogue import compile_catalogue
from tests import factories


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogue():
    compile_catalogue()


@pytest.fixture
def rosa(clinic, clinician):
    """A patient who reads Spanish."""
    patient = factories.make_patient(
        clinic, clinician=clinician, email="rosa@test.example", full_name="Rosa Delgado"
    )
    patient.preferred_language = "es"
    patient.save(update_fields=["preferred_language"])
    return patient
