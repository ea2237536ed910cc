"""gevent mode: a broadcast frames each message once and writes it straight to every idle socket.

Replaces python-engineio 4.15.1's `engineio/socket.py` `Socket.send` (in gevent mode only, set by
`pact.server.serve_gevent`). Upstream puts every packet on the socket's queue, which wakes that
socket's writer task, which encodes the packet and has gevent-websocket
(`geventwebsocket/websocket.py` `WebSocket.send_frame`, 0.10.1) frame and write it: per recipient
of a `tallies` broadcast, a queue put, a task switch, an encode and a frame. Here, for an upgraded
WebSocket:
- the WebSocket frame is built once per packet (python-socketio's `Manager.emit` hands the same
  Engine.IO packet to every recipient) and cached on it;
- when the socket's queue is empty and its writer is not mid-write, the frame goes straight to the
  socket with one non-blocking `send` from the broadcasting task (no switch); whatever the kernel
  does not take goes on the queue as raw bytes, for the writer;
- otherwise the frame joins the queue behind what is there, so each socket's order holds;
- a socket whose queue passes `MAX_QUEUED` packets is a reader that stopped reading: it is
  closed, and cannot make the server hold an ever longer queue (its writer is also bounded by the
  socket's send timeout, SOCKET_READ_TIMEOUT).
Polling sockets, upgrades in progress and non-message packets keep upstream's path.
"""
from __future__ import annotations

from typing import Any

from engineio import packet
from engineio import socket as eio_socket
from geventwebsocket import websocket as gws

UPSTREAM = {
    ("engineio.socket", "Socket.send"): "add5df2eafdaeba6",
    ("socketio.manager", "Manager.emit"): "2489ccd82098f96d",
    ("geventwebsocket.websocket", "WebSocket.send_frame"): "00f16c255a7bcfe4",
}
MAX_QUEUED = 256


class Framed(bytes):
    """A complete WebSocket frame (or the unsent rest of one) that the writer writes as it is."""


class FramedPacket:
    """A queue entry whose `encode()` is the frame itself (the writer calls `ws.send(pkt.encode())`)."""

    __slots__ = ("frame",)
    packet_type = packet.MESSAGE

    def __init__(self, frame: Framed) -> None:
        self.frame = frame

    def encode(self) -> Framed:
        """The frame as it is (already encoded once for every recipient)."""
        return self.frame


def frame_of(pkt: Any) -> Framed:
    """The packet's text frame, built once and kept on the packet for the other recipients."""
    frame = getattr(pkt, "_pact_frame", None)
    if frame is None:
        payload = pkt.encode().encode("utf-8")
        frame = Framed(gws.Header.encode_header(True, gws.WebSocket.OPCODE_TEXT, b"", len(payload), 0) + payload)
        pkt._pact_frame = frame
    return frame


def send(self: Any, pkt: Any) -> None:
    """Engine.IO's `Socket.send`, with the direct write described above."""
    if not self.check_ping_timeout():
        return
    ws = getattr(self, "pact_ws", None)
    if ws is None or pkt.packet_type != packet.MESSAGE or not self.upgraded or self.upgrading or pkt.binary:
        self.queue.put(pkt)
        return
    frame = frame_of(pkt)
    if self.queue.qsize() == 0 and not ws.writing:
        sent = ws.try_write(frame)
        if sent == len(frame):
            return
        frame = Framed(frame[sent:])
    elif self.queue.qsize() >= MAX_QUEUED:
        self.server.logger.info("%s: reader too slow (%s packets queued), closing", self.sid, MAX_QUEUED)
        self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_ERROR)
        ws.close()
        return
    self.queue.put(FramedPacket(frame))


def write_directly() -> None:
    """Swap Engine.IO's `Socket.send` for the direct-write one (gevent mode, once per process)."""
    eio_socket.Socket.send = send
