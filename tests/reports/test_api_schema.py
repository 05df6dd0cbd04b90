"""schemathesis against /api/v1/openapi.json: no server errors, no response outside the schema,
for a patient's token and a clinician's token."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from taperwell.api.api import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open():
    """A WSGI request closes database connections when it ends; in a test that would close the
    test's own transaction (on PostgreSQL). Django's test client disconnects these the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(patient, clinician):
    from taperwell.api.services import api_token_create

    return {
        "patient": api_token_create(user=patient.user, name="schema test").raw,
        "clinician": api_token_create(user=clinician, name="schema test", second_factor=True).raw,
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
