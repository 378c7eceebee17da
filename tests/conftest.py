import pytest

from tests.factories import Org


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The production hasher costs ~0.5 s a login; the tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    return Org()


# Data migrations whose rows a transactional test's flush removes.
DATA_MIGRATIONS = [
    "referrals.migrations.0002_agency_catalogue",
    "beneficiaries.migrations.0002_catalogues",
    "referrals.migrations.0004_sectors_and_roles",
    "referrals.migrations.0006_deadlines_and_roles",
]


@pytest.fixture
def committed_org(transactional_db):
    """The organisation in committed transactions: for the browser tests (the live
    server runs in another thread) and the background worker (which opens and closes
    its own connections). The flush after each such test empties every table,
    including what data migrations created, so that is put back first through the
    migrations' own code."""
    import importlib

    from django.apps import apps

    from puskesos.roles import sync_roles

    for module in DATA_MIGRATIONS:
        importlib.import_module(module).seed(apps, None)
    sync_roles(apps)
    return Org()
