import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.webpush.push_endpoint import PushService


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.stop()


@pytest.fixture
def vapid_key(settings):
    """A VAPID key of this test's own, given as the environment would give it (PEM)."""
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    settings.VAPID_PRIVATE_KEY = pem.decode()
    return settings.VAPID_PRIVATE_KEY
