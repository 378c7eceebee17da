import pytest

from tests.factories import Org


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The production hasher costs ~0.5 s a login; the tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    return Org()
