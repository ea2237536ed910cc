"""Real server processes for tests that need the whole stack: port, process, sockets, database."""
import pytest

from tests.realserver.harness import LiveClient, close_all, server_pool


@pytest.fixture(autouse=True)
def _database_context(observer):
    yield


@pytest.fixture
def server_factory(app, app_config, tmp_path):
    """Start real server processes against the test database; all are killed at the end."""
    with server_pool(app_config["DATABASE_URL"], tmp_path) as start:
        yield start


@pytest.fixture
def live_server(server_factory):
    return server_factory()


@pytest.fixture
def live_clients():
    """Make LiveClients; all are disconnected at the end."""
    made: list[LiveClient] = []

    def make(*args, **kwargs) -> LiveClient:
        client = LiveClient(*args, **kwargs).connect()
        made.append(client)
        return client

    yield make
    close_all(made)
