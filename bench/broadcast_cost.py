"""The server's CPU per recipient of one `tallies` broadcast, with and without the direct write
(pact/patches/gevent_broadcast.py): `python -m bench.broadcast_cost --clients 1000 --broadcasts 200`.

No database and no meeting: a gevent Socket.IO server with this app's connection handler and
guards, N raw WebSocket clients (a separate asyncio process) in one room, and K broadcasts of a
60-issue tally. The server measures its own CPU time (user + system) over the K broadcasts, until
every client has received every one, and prints µs per recipient per broadcast.
"""
import sys

if "--serve" in sys.argv:
    from gevent import monkey

    monkey.patch_all()

import argparse
import asyncio
import json
import os
import socket
import subprocess
import time

PAYLOAD = {str(n): n * 3 for n in range(1, 61)}


def serve(port: int, clients: int, broadcasts: int, direct: bool) -> None:
    import gevent
    import socketio
    from gevent import pywsgi

    from pact.patches import gevent_broadcast, gevent_server, websocket_frames

    sio = socketio.Server(async_mode="gevent", max_http_buffer_size=65536)
    websocket_frames.limit_frames(sio.eio)
    gevent_server.pings_on_timers()
    if direct:
        gevent_broadcast.write_directly()
    joined = []

    @sio.on("connect", namespace="/meeting")
    def connect(sid, environ, auth=None):
        sio.enter_room(sid, "m", namespace="/meeting")
        joined.append(sid)

    handler = gevent_server.connection_handler(read_buffer=2048, read_timeout=120, header_timeout=30)
    server = pywsgi.WSGIServer(("127.0.0.1", port), socketio.WSGIApp(sio), handler_class=handler, log=None,
                               backlog=4096)
    server.start()
    while len(joined) < clients:
        gevent.sleep(0.1)
    gevent.sleep(1)
    before = os.times()
    for _ in range(broadcasts):
        sio.emit("tallies", PAYLOAD, to="m", namespace="/meeting")
        gevent.sleep(0.01)
    gevent.sleep(0)
    # The writers' share: wait until the queues are drained.
    while any(s.queue.qsize() for s in sio.eio.sockets.values()):
        gevent.sleep(0.01)
    after = os.times()
    cpu = (after.user - before.user) + (after.system - before.system)  # sleeping costs no CPU
    print(json.dumps({"direct_write": direct, "clients": clients, "broadcasts": broadcasts,
                      "cpu_seconds": round(cpu, 3), "us_per_recipient": round(cpu / (clients * broadcasts) * 1e6, 2)}),
          flush=True)
    gevent.sleep(2)
    server.stop()


async def load(port: int, clients: int, broadcasts: int) -> None:
    from websockets.asyncio.client import connect

    async def one() -> int:
        async with connect(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", compression=None,
                           max_queue=None, ping_interval=None, open_timeout=120) as ws:
            await ws.recv()
            await ws.send("40/meeting,")
            seen = 0
            async for message in ws:
                if message == "2":
                    await ws.send("3")
                elif message.startswith('42/meeting,["tallies"'):
                    seen += 1
                    if seen == broadcasts:
                        return seen
        return seen

    await asyncio.gather(*(one() for _ in range(clients)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--broadcasts", type=int, default=200)
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--direct", choices=["on", "off"], default="on")
    args = parser.parse_args()
    if args.serve:
        serve(args.port, args.clients, args.broadcasts, args.direct == "on")
        return
    for direct in ("off", "on"):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "bench.broadcast_cost", "--serve", "--port", str(port),
                                   "--clients", str(args.clients), "--broadcasts", str(args.broadcasts),
                                   "--direct", direct], stdout=subprocess.PIPE, text=True)
        time.sleep(2)
        asyncio.run(load(port, args.clients, args.broadcasts))
        print(server.stdout.readline().strip(), flush=True)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
