"""The server the official protocol suites expect (their README's reference configuration), on our
stack: `python -m bench.conformance.server --suite socket --mode gevent --port N [--stock]`.

Without `--stock` it carries this app's transport guards and connection handlers (pact/patches/);
with it, plain python-engineio/python-socketio on Werkzeug or gevent-websocket, for comparison.
"""
import sys

if "gevent" in sys.argv:
    from gevent import monkey

    monkey.patch_all()

import argparse
from typing import Any

import engineio
import socketio

OPTIONS = {"ping_interval": 0.3, "ping_timeout": 0.2, "max_http_buffer_size": 1_000_000, "cors_allowed_origins": "*"}


def engine_app(mode: str) -> tuple[Any, Any, None]:
    eio = engineio.Server(async_mode=mode, **OPTIONS)

    @eio.on("message")
    def echo(sid: str, data: Any) -> None:
        eio.send(sid, data)

    return engineio.WSGIApp(eio, engineio_path="engine.io"), eio, None


def socket_app(mode: str) -> tuple[Any, Any, Any]:
    sio = socketio.Server(async_mode=mode, always_connect=True, **OPTIONS)

    @sio.on("connect")
    def connect(sid: str, environ: dict, auth: Any = None) -> None:
        sio.emit("auth", auth, to=sid)

    @sio.on("message")
    def message(sid: str, *args: Any) -> None:
        sio.emit("message-back", args if len(args) != 1 else args[0], to=sid)

    @sio.on("message-with-ack")
    def message_with_ack(sid: str, *args: Any) -> Any:
        return args

    @sio.on("connect", namespace="/custom")
    def connect_custom(sid: str, environ: dict, auth: Any = None) -> None:
        sio.emit("auth", auth, to=sid, namespace="/custom")

    return socketio.WSGIApp(sio), sio.eio, sio


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", choices=["engine", "socket"], required=True)
    parser.add_argument("--mode", choices=["threading", "gevent"], required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--stock", action="store_true")
    args = parser.parse_args()
    app, eio, sio = (engine_app if args.suite == "engine" else socket_app)(args.mode)
    if not args.stock:
        from pact.patches import engineio_polling, socketio_packets, websocket_frames

        engineio_polling.close_without_waiting()
        websocket_frames.limit_frames(eio)
        if sio is not None:
            socketio_packets.close_on_bad_packets(sio)
        app = engineio_polling.PollingGuard(app, eio, path="/engine.io" if sio is None else "/socket.io")
    if args.mode == "threading":
        from werkzeug.serving import WSGIRequestHandler, run_simple

        handler: Any = WSGIRequestHandler
        if not args.stock:
            from pact.patches.werkzeug_server import request_handler

            handler = request_handler(read_timeout=60, header_timeout=10)
        run_simple("127.0.0.1", args.port, app, threaded=True, request_handler=handler)
    else:
        from gevent import pywsgi
        from geventwebsocket.handler import WebSocketHandler

        handler = WebSocketHandler
        if not args.stock:
            from pact.patches.gevent_server import connection_handler, pings_on_timers

            pings_on_timers()
            handler = connection_handler(read_buffer=2048, read_timeout=60, header_timeout=10)
        pywsgi.WSGIServer(("127.0.0.1", args.port), app, handler_class=handler, log=None).serve_forever()


if __name__ == "__main__":
    main()
