import pytest


@pytest.fixture
def reads_spanish(settings, patient):
    """A patient who reads Spanish (their preferred language decides once signed in), with a
    browser that asks for it too, on a server that offers it.

    Returns the request headers to pass to the test client's get/post."""
    settings.LANGUAGES = [("en", "English"), ("es", "Español")]
    patient.preferred_language = "es"
    patient.save(update_fields=["preferred_language"])
    return {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttling counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
