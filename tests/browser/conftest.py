import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttling counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def production_rules(settings):
    """Staff need a second factor, as outside the demo."""
    settings.REQUIRE_STAFF_MFA = True
    settings.DEMO_MODE = False
    return settings
