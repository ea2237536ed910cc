"""The gevent server big rooms run on (pact.serve_gevent), as a real process: Engine.IO's pings,
which it schedules on event-loop timers instead of a task per socket (pact/patches/gevent_server.py), keep a
client that answers them connected and drop one that falls silent."""
import time

import pytest
import websocket

pytestmark = pytest.mark.realserver


def test_clients_that_answer_pings_stay_and_silent_ones_are_dropped(server_factory, live_clients, meeting):
    server = server_factory(env={"PACT_ASYNC_MODE": "gevent", "PACT_PING_INTERVAL": "1", "PACT_PING_TIMEOUT": "1"})
    alice = live_clients(server.url, meeting.id, name="Alice")  # python-socketio answers every ping

    silent = websocket.create_connection(f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket",
                                         timeout=10)
    raw = silent.sock  # websocket-client forgets (without closing) its socket once the peer closes
    try:
        assert silent.recv().startswith("0")  # Engine.IO open
        silent.send("40/meeting,")
        assert silent.recv().startswith("40/meeting,")
        heard, closed_after = [], None
        started = time.monotonic()
        while time.monotonic() - started < 10:
            try:
                message = silent.recv()
            except (websocket.WebSocketConnectionClosedException, ConnectionError):
                message = ""
            if not message:  # the server closed the connection
                closed_after = time.monotonic() - started
                break
            heard.append(message)
    finally:
        silent.close()
        raw.close()
    assert "2" in heard, heard  # it was pinged, never answered…
    assert closed_after is not None and closed_after < 6, (closed_after, heard)  # …and was dropped

    # Alice has been through several ping cycles meanwhile and is still there, same participant.
    assert alice.sio.connected and alice.joins == 1
    posted = alice.call("post_issue", {"text": "Cars racing on the ring road at night"})
    assert posted["ok"], posted


@pytest.mark.parametrize("mode", ["gevent", "threading"])
def test_a_served_process_has_frozen_its_start_up_objects(server_factory, mode):
    """Before serving, each process freezes what start-up made out of the collector's walks
    (pact/live/memory.py); /healthz says how many, and a process told 0 leaves CPython's defaults."""
    import requests

    tuned = requests.get(server_factory(env={"PACT_ASYNC_MODE": mode}).url + "/healthz", timeout=5).json()
    untuned = requests.get(server_factory(env={"PACT_ASYNC_MODE": mode, "PACT_GC_FULL_EVERY": "0"}).url + "/healthz",
                           timeout=5).json()
    assert tuned["async_mode"] == mode and tuned["gc"]["frozen"] > 50_000  # the app, mappers, safeguarding model
    assert untuned["gc"]["frozen"] == 0
