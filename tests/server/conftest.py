"""With CLICKREF_TEST_BACKEND=postgresql the server tests run against a
PostgreSQL cluster started for the session (postgres_cluster.py): every
database a test would have kept in a SQLite file is a PostgreSQL database of
its own instead."""

import os

import pytest

import harness
import postgres_cluster


@pytest.fixture(scope="session", autouse=True)
def database_backend():
    if harness.BACKEND != "postgresql":
        yield None
        return
    if not postgres_cluster.available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL 15 is not installed (apt-get install postgresql-15)")
        pytest.skip("PostgreSQL 15 is not installed (apt-get install postgresql-15)")
    cluster = postgres_cluster.Cluster()
    harness.use_cluster(cluster)
    try:
        yield cluster
    finally:
        harness.use_cluster(None)
        cluster.close()
