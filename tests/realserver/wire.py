"""Raw HTTP and WebSocket bytes for the transport tests: what an attacker sends, not what a client library allows."""
from __future__ import annotations

import base64
import json
import os
import socket
import struct
import urllib.parse

import requests


def open_polling_session(base_url: str) -> str:
    """Open an Engine.IO long-polling session; returns its sid."""
    response = requests.get(base_url + "/socket.io/?EIO=4&transport=polling", timeout=5)
    assert response.status_code == 200, response.text
    return json.loads(response.text[1:])["sid"]


def raw_request(port: int, head: str, body: bytes = b"",
                timeout: float = 10.0) -> tuple[int | None, bytes, socket.socket]:
    """Send a request by hand; returns (status or None if the server closed, response bytes, the socket)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.sendall(head.encode() + body)
    received = b""
    try:
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(4096)
            if not chunk:
                break
            received += chunk
    except TimeoutError:
        pass
    status = int(received.split(b" ", 2)[1]) if received.startswith(b"HTTP/") else None
    return status, received, sock


def oversized_post(port: int, sid: str, length: int) -> tuple[int | None, bytes, socket.socket]:
    """A long-polling POST announcing `length` bytes and sending none of them (the H1 finding)."""
    query = urllib.parse.urlencode({"EIO": "4", "transport": "polling", "sid": sid})
    head = (f"POST /socket.io/?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {length}\r\n\r\n")
    return raw_request(port, head)


class RawWebSocket:
    """A hand-made WebSocket client on /socket.io/ (Engine.IO v4), frames built byte by byte."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            assert chunk, "server closed during the handshake"
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head

    @staticmethod
    def frame_header(length: int, opcode: int = 0x1) -> bytes:
        """A final, masked frame's header with an all-zero mask (so the payload goes as it is)."""
        if length < 126:
            size = struct.pack("!B", 0x80 | length)
        elif length <= 0xFFFF:
            size = struct.pack("!BH", 0x80 | 126, length)
        else:
            size = struct.pack("!BQ", 0x80 | 127, length)
        return struct.pack("!B", 0x80 | opcode) + size + b"\0\0\0\0"

    def send_text(self, text: str) -> None:
        data = text.encode()
        self.sock.sendall(self.frame_header(len(data)) + data)

    def _read(self, count: int) -> bytes | None:
        while len(self.buffer) < count:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionError:
                return None
            except TimeoutError:
                raise AssertionError("the server neither sent nor closed") from None
            if not chunk:
                return None
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def receive(self) -> str | None:
        """The next text message, answering nothing; None once the server closed (close frame or EOF)."""
        while True:
            head = self._read(2)
            if head is None:
                return None
            opcode, length = head[0] & 0x0F, head[1] & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._read(2) or b"\0\0")[0]
            elif length == 127:
                length = struct.unpack("!Q", self._read(8) or b"\0" * 8)[0]
            payload = self._read(length) if length else b""
            if payload is None or opcode == 0x8:
                return None
            if opcode == 0x1:
                return payload.decode()

    def receive_until(self, predicate, limit: int = 50) -> str | None:
        """Read messages until one matches (returned), the server closes (None) or `limit` are read."""
        for _ in range(limit):
            message = self.receive()
            if message is None or predicate(message):
                return message
        raise AssertionError("no matching message")

    def close(self) -> None:
        self.sock.close()


def server_peak_rss_kb(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in kB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise LookupError("VmHWM")
