"""Shared test data. The tests import the package from bindings/python and
load the library named by CLICKREF_LIBRARY (CTest points it at the build)."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
HEADER = REPO / "include" / "clickref" / "clickref.h"

# stripe-dotnet's known-answer vector (tests/data/README.md).
VECTOR_SECRET = "webhook_secret"
VECTOR_HEADER = (
    "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7,"
    "v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef"
)
VECTOR_NOW = 1533204720


@pytest.fixture(scope="session")
def vector_payload() -> bytes:
    payload = (REPO / "tests" / "data" / "stripe-signature-vector-payload.json").read_bytes()
    assert len(payload) == 484
    return payload
