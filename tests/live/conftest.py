import pytest


@pytest.fixture(autouse=True)
def _database_context(observer):
    """Set-up and checks go through the observer connection."""
    yield
