"""schemathesis against /api/v1/openapi.json: no server errors, no response outside the schema,
for a patient's token and a clinician's token."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from taperwell.api.api import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def tokens(patient, clinician):
    from taperwell.api.services import api_token_create

    return {
        "patient": api_token_create(user=patient.user, name="schema test").raw,
        "clinician": api_token_create(user=clinician, name="schema test").raw,
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.parametrize("who", ["patient", "clinician"])
def test_the_api_keeps_to_its_schema(case, tokens, who):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {tokens[who]}"}
    response = case.call(app=get_wsgi_application())
    case.validate_response(response, checks=CHECKS)
