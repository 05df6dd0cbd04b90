"""The record apps reach care and notifications through signals, inside their own transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from taperwell.care.models import Flag
from taperwell.care.receivers import store_requested_flag
from taperwell.patients.signals import flag_requested
from taperwell.tapering.models import PauseRequest
from taperwell.tapering.services import pause_request_create

pytestmark = pytest.mark.django_db


def test_a_pause_request_is_stored_with_its_flag(patient):
    request = pause_request_create(patient=patient, reason="Hard week", by=patient.user)

    flag = Flag.objects.get(patient=patient)
    assert (flag.rule, flag.severity) == ("pause-request", "moderate")
    assert request.reason in flag.reason


def test_a_pause_request_whose_flag_nobody_stores_is_not_kept_either(patient):
    assert flag_requested.disconnect(store_requested_flag)
    try:
        with pytest.raises(ImproperlyConfigured):
            pause_request_create(patient=patient, reason="Hard week", by=patient.user)
    finally:
        flag_requested.connect(store_requested_flag)
    assert not PauseRequest.objects.filter(patient=patient).exists()
    assert not Flag.objects.filter(patient=patient).exists()
