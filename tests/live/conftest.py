import pytest

from tests.helpers import call, received


@pytest.fixture(autouse=True)
def _database_context(observer):
    """Set-up and checks go through the observer connection."""
    yield


@pytest.fixture
def officer_join(connect, staff_client, meeting):
    """The beat's officer's socket, joined through their signed-in session (events so far dropped),
    and its join ack (with the staff resume token)."""
    sock = connect(staff_client)
    ack = call(sock, "join", {"meeting_id": meeting.id})
    assert ack["ok"] and ack["participant"]["role"] == "officer", ack
    received(sock)
    return sock, ack


@pytest.fixture
def officer_sock(officer_join):
    """The beat's officer, joined to the meeting through their signed-in session (events so far dropped)."""
    return officer_join[0]
