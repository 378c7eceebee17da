"""Benchmarks get a test database of their own.

A PostgreSQL bench loads a million people: it uses ``test_<name>_bench`` so that
a test run started meanwhile (which recreates ``test_<name>``) cannot drop it.
On SQLite the bench database is a file (as in production), not the in-memory
database the tests use: ``BENCH_SQLITE_PATH`` (default in the system temp folder).
"""

import os
import tempfile

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"].endswith("sqlite3"):
        test["NAME"] = os.environ.get(
            "BENCH_SQLITE_PATH", os.path.join(tempfile.gettempdir(), "puskesos-bench.sqlite3")
        )
    else:
        test["NAME"] = f"test_{database['NAME']}_bench"
