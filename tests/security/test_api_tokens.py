"""API tokens cannot be guessed: wrong tokens from one address are throttled."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from taperwell.api.services import api_token_create

ME = "/api/v1/me"


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3


def _call(client, token: str, address: str = "203.0.113.5"):
    return client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address)


def test_a_good_token_works(client, patient):
    token = api_token_create(user=patient.user, name="phone").raw
    assert _call(client, token).status_code == 200


def test_wrong_tokens_are_refused_and_then_the_address_is_throttled(client, patient):
    good = api_token_create(user=patient.user, name="phone").raw
    for guess in ("tw_guess1", "tw_guess2", "not-even-a-token"):
        assert _call(client, guess).status_code == 401

    throttled = _call(client, good)  # even the right token, from that address, for a while

    assert throttled.status_code == 429
    assert "Too many wrong tokens" in throttled.json()["detail"]


def test_throttling_one_address_does_not_lock_out_another(client, patient):
    good = api_token_create(user=patient.user, name="phone").raw
    for n in range(3):
        _call(client, f"tw_guess{n}", address="203.0.113.5")
    assert _call(client, good, address="198.51.100.7").status_code == 200


def test_the_throttle_lifts_when_the_window_passes_and_not_before(client, patient, settings):
    good = api_token_create(user=patient.user, name="phone").raw
    window = timedelta(seconds=settings.API_TOKEN_FAILURE_WINDOW_SECONDS)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(3):
            _call(client, f"tw_guess{n}")
        assert _call(client, good).status_code == 429

        clock.shift(window - timedelta(seconds=1))
        assert _call(client, good).status_code == 429

        clock.shift(timedelta(seconds=2))
        assert _call(client, good).status_code == 200
