import pytest


@pytest.fixture(autouse=True)
def _database_context(app_context):
    """Domain services run in the app's own session."""
    yield
