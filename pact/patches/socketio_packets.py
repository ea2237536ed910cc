"""Socket.IO packets we do not speak end the connection, and a client cannot fire reserved events.

Replaces, for this app's server only, python-socketio 5.18.1's `socketio/server.py`
`Server._handle_eio_message` (the handler Engine.IO calls for each message; swapped in
`eio.handlers["message"]`). Same dispatch as upstream, plus:
- a packet that does not decode, binary packets (`BINARY_EVENT`, `BINARY_ACK`: M5, upstream then
  buffers every later frame as an attachment) and payloads of the wrong shape close the connection,
  as Node's socket.io does ("invalid payload"); upstream logged a traceback and kept the socket;
- an EVENT named `disconnect`, `connect`, … (socket.io's reserved names) is refused the same way:
  upstream ran the application's `disconnect` handler while the socket stayed open, so presence
  and the registry lost a socket that was still there. The real disconnect then runs once, when the
  connection closes.
Drop when python-socketio validates payloads as socket.io-parser does (`isPayloadValid`).
"""
from __future__ import annotations

import logging
from typing import Any

from socketio import packet

UPSTREAM = {("socketio.server", "Server._handle_eio_message"): "b9a79d2e0431c08c"}
RESERVED_EVENTS = frozenset({"connect", "connect_error", "disconnect", "disconnecting", "newListener",
                             "removeListener"})

log = logging.getLogger(__name__)


def refusal_of(pkt: Any) -> str | None:
    """Why a decoded Socket.IO packet is refused, or None (socket.io-parser's `isPayloadValid`)."""
    kind, data = pkt.packet_type, pkt.data
    if kind == packet.CONNECT:
        return None if data is None or isinstance(data, dict) else "invalid payload"
    if kind == packet.DISCONNECT:
        return None if data is None else "invalid payload"
    if kind == packet.EVENT:
        if not isinstance(data, list) or not data or not isinstance(data[0], str):
            return "invalid payload"
        return "reserved event name" if data[0] in RESERVED_EVENTS else None
    if kind == packet.ACK:
        return None if isinstance(data, list) and pkt.id is not None else "invalid payload"
    if kind in (packet.BINARY_EVENT, packet.BINARY_ACK):
        return "binary attachments are refused"
    return "unexpected packet type"


def close_on_bad_packets(server: Any) -> None:
    """Swap this server's Engine.IO message handler for the checked one."""
    if getattr(server.eio.handlers.get("message"), "_pact_checked", False):
        return

    def handle_eio_message(eio_sid: str, data: Any) -> None:
        try:
            pkt = server.packet_class(encoded_packet=data)
            reason = refusal_of(pkt)
        except Exception as error:  # what does not decode: bad JSON, a bad id, too many attachments…
            reason = f"undecodable packet ({type(error).__name__})"
        if reason is not None:
            close_refused(server, eio_sid, reason)
            return
        if pkt.packet_type == packet.CONNECT:
            server._handle_connect(eio_sid, pkt.namespace, pkt.data)
        elif pkt.packet_type == packet.DISCONNECT:
            server._handle_disconnect(eio_sid, pkt.namespace, server.reason.CLIENT_DISCONNECT)
        elif pkt.packet_type == packet.EVENT:
            server._handle_event(eio_sid, pkt.namespace, pkt.id, pkt.data)
        else:
            server._handle_ack(eio_sid, pkt.namespace, pkt.id, pkt.data)

    handle_eio_message._pact_checked = True  # type: ignore[attr-defined]
    server.eio.on("message", handle_eio_message)


def close_refused(server: Any, eio_sid: str, reason: str) -> None:
    """Close the connection at once (without waiting for a poll): its disconnect handlers run once."""
    log.info("closing %s: %s", eio_sid, reason)
    socket = server.eio.sockets.get(eio_sid)
    if socket is not None:
        socket.close(wait=False, abort=False, reason=server.eio.reason.TRANSPORT_ERROR)
