"""Security issue #11, H1/M5/M6 and the client-sent `disconnect`, on real servers in both modes:
nothing a client sends parks a worker, swells memory, or fires an application handler it must not."""
import json
import socket
import time

import pytest
import requests

from tests.realserver.wire import RawWebSocket, open_polling_session, oversized_post, raw_request, server_peak_rss_kb

pytestmark = pytest.mark.realserver
MODES = ["threading", "gevent"]


@pytest.fixture(params=MODES)
def guarded_server(request, server_factory):
    # gevent: a pool of 30, as in the finding (30 parked requests stopped /healthz for good).
    return server_factory(env={"PACT_ASYNC_MODE": request.param, "PACT_MAX_CONNECTIONS": "30",
                               "PACT_HEADER_TIMEOUT": "2"})


def test_fifty_oversized_posts_are_refused_at_once_and_the_server_still_serves(guarded_server, live_clients,
                                                                               meeting):
    held = []  # the attacker keeps every connection open
    try:
        for _ in range(50):
            sid = open_polling_session(guarded_server.url)
            status, response, sock = oversized_post(guarded_server.port, sid, 10 * 1024 * 1024)
            held.append(sock)
            assert status == 413, response
            assert b"connection: close" in response.lower()
        assert requests.get(guarded_server.url + "/healthz", timeout=5).status_code == 200
        alice = live_clients(guarded_server.url, meeting.id, name="Alice")
        assert alice.participant["display_name"] == "Alice"
    finally:
        for sock in held:
            sock.close()


@pytest.mark.parametrize("body, length", [
    (b"9garbage", None),  # not an Engine.IO packet type
    (b'451-["vote",{"_placeholder":true,"num":0}]', None),  # binary attachments
    (b"4hello", "chunked"),  # no Content-Length
    (b"4hello", "12abc"),  # a Content-Length that is no number
])
def test_malformed_polling_posts_get_a_400_and_end_the_session(guarded_server, body, length):
    sid = open_polling_session(guarded_server.url)
    query = f"EIO=4&transport=polling&sid={sid}"
    if length == "chunked":
        framing = "Transfer-Encoding: chunked\r\n"
        body = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    else:
        framing = f"Content-Length: {length or len(body)}\r\n"
    status, response, sock = raw_request(guarded_server.port, f"POST /socket.io/?{query} HTTP/1.1\r\n"
                                         f"Host: 127.0.0.1\r\n{framing}\r\n", body)
    sock.close()
    assert status == 400, response
    if length is None:  # a bad payload ends the session, as Engine.IO does
        poll = requests.get(f"{guarded_server.url}/socket.io/?{query}", timeout=5)
        assert poll.status_code == 400 or poll.text.startswith("1"), poll.text
    assert requests.get(guarded_server.url + "/healthz", timeout=5).status_code == 200


def test_a_slow_loris_client_is_dropped(guarded_server):
    """Headers trickled one byte at a time never finish inside HEADER_TIMEOUT (2 s here)."""
    sock = socket.create_connection(("127.0.0.1", guarded_server.port), timeout=5)
    closed = False
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for _ in range(100):  # at most 30 s of trickling
            try:
                sock.sendall(b"X")
                time.sleep(0.3)
                sock.setblocking(False)
                try:
                    if sock.recv(1024) == b"":
                        closed = True
                        break
                except BlockingIOError:
                    pass
                finally:
                    sock.setblocking(True)
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
    finally:
        sock.close()
    assert closed, "the server kept a trickling client"
    assert requests.get(guarded_server.url + "/healthz", timeout=5).status_code == 200


def test_a_50_mb_frame_is_refused_after_its_header(guarded_server):
    ws = RawWebSocket(guarded_server.port)
    assert ws.receive().startswith("0")  # Engine.IO open
    before = server_peak_rss_kb(guarded_server.proc.pid)
    size = 50 * 1024 * 1024
    chunk = b"4" + b"x" * (1024 * 1024 - 1)
    sent = 0
    try:
        ws.sock.sendall(ws.frame_header(size))
        while sent < size:
            ws.sock.sendall(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        pass
    assert ws.receive_until(lambda message: False) is None  # the server closed the connection
    ws.close()
    growth_kb = server_peak_rss_kb(guarded_server.proc.pid) - before
    assert growth_kb < 5 * 1024, f"peak memory grew by {growth_kb} kB"
    assert sent < size, "the server read the whole 50 MB frame"
    assert requests.get(guarded_server.url + "/healthz", timeout=5).status_code == 200


def _joined_raw_socket(server, meeting) -> RawWebSocket:
    ws = RawWebSocket(server.port)
    assert ws.receive().startswith("0")
    ws.send_text("40/meeting,")
    assert ws.receive_until(lambda m: m.startswith("40/meeting,")) is not None
    ws.send_text("42/meeting,1" + json.dumps(["join", {"meeting_id": meeting.id, "display_name": "Raw Rae"}]))
    ack = ws.receive_until(lambda m: m.startswith("43/meeting,1"))
    assert ack is not None and json.loads(ack[len("43/meeting,1"):])[0]["ok"], ack
    return ws


def test_an_attachment_header_of_999999999_is_refused(guarded_server, meeting):
    ws = _joined_raw_socket(guarded_server, meeting)
    ws.send_text('45999999999-/meeting,["post_issue",{"_placeholder":true,"num":0}]')
    for _ in range(20):  # frames that upstream would have buffered as attachments
        try:
            ws.send_text("4" + "y" * 1000)
        except (BrokenPipeError, ConnectionResetError):
            break
    assert ws.receive_until(lambda m: False) is None  # closed, nothing buffered
    ws.close()


def test_a_client_sent_disconnect_event_runs_no_handler_and_closes_that_socket(guarded_server, live_clients,
                                                                              meeting):
    watcher = live_clients(guarded_server.url, meeting.id, name="Watcher")
    ws = _joined_raw_socket(guarded_server, meeting)
    watcher.wait_for("presence", lambda data: data["watching"] == 2)
    ws.send_text('42/meeting,["disconnect"]')
    # Refused as an invalid payload (as Node's socket.io does): the connection ends, and the real
    # disconnect runs once, so the count is right and the socket is not half-there.
    assert ws.receive_until(lambda m: False) is None
    ws.close()
    watcher.wait_for("presence", lambda data: data["watching"] == 1)
    assert watcher.call("sync", {})["ok"]


def test_connection_close_is_answered_with_connection_close(guarded_server):
    """Node's keep-alive clients reuse a socket unless told it closes ("socket hang up" on gevent)."""
    status, response, sock = raw_request(guarded_server.port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                              "Connection: close\r\n\r\n")
    sock.close()
    assert status == 200
    assert b"\r\nconnection: close\r\n" in response.lower()


@pytest.mark.parametrize("packet", ["9nonsense", "", "45-x"])
def test_a_malformed_websocket_packet_closes_the_websocket_cleanly(guarded_server, packet):
    """Not an HTTP 500 written into the open WebSocket (threading mode did that: "FIN must be set")."""
    ws = RawWebSocket(guarded_server.port)
    try:
        assert ws.receive().startswith("0")
        ws.send_text(packet)
        assert ws.receive_until(lambda m: False) is None
        assert b"HTTP/1.1 500" not in ws.buffer
    finally:
        ws.close()
    assert requests.get(guarded_server.url + "/healthz", timeout=5).status_code == 200
