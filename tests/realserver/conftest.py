"""Real server processes for tests that need the whole stack (fixtures in tests/conftest.py)."""
import pytest


@pytest.fixture(autouse=True)
def _database_context(observer):
    """Set-up and checks go through the observer's connection, as an outside observer's would."""
    yield
