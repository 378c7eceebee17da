"""Benchmarks get a test database of their own.

A PostgreSQL bench loads a million people: it uses ``test_<name>_bench`` so that
a test run started meanwhile (which recreates ``test_<name>``) cannot drop it.
On SQLite the bench database is a file (as in production), not the in-memory
database the tests use: ``BENCH_SQLITE_PATH`` (default in the system temp folder).
"""

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    from tests.bench.kabupaten import own_database

    own_database("bench")
