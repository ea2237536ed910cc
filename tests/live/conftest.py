import pytest

from tests.helpers import call, received


@pytest.fixture(autouse=True)
def _database_context(observer):
    """Set-up and checks go through the observer connection."""
    yield


@pytest.fixture
def officer_sock(connect, staff_client, meeting):
    """The beat's officer, joined to the meeting through their signed-in session (events so far dropped)."""
    sock = connect(staff_client)
    ack = call(sock, "join", {"meeting_id": meeting.id})
    assert ack["ok"] and ack["participant"]["role"] == "officer", ack
    received(sock)
    return sock
