import pytest


@pytest.fixture
def reads_spanish(settings):
    """A browser that asks for Spanish, on a server that offers it.

    Returns the request headers to pass to the test client's get/post."""
    settings.LANGUAGES = [("en", "English"), ("es", "Español")]
    return {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttling counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
