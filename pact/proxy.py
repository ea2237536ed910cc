"""A small sticky reverse proxy for `make run-cluster`: one address in front of N server processes.

Not for production (use nginx or HAProxy: docs/deploy.md); it shows what they must do. Each TCP
connection is routed whole, so WebSocket upgrades pass through untouched. The first connection of
a browser goes to the live backend with the fewest open connections and gets a `pact_node` cookie;
later connections carrying it go back to the same process, which Engine.IO's long-polling needs
(its session lives in one process). A backend that refuses connections is skipped for a while, so
the clients of a crashed process reconnect to another one.
"""
from __future__ import annotations

import argparse
import asyncio
import re
import time

COOKIE = "pact_node"
COOKIE_RE = re.compile(rb"(?im)^cookie:.*?\b" + COOKIE.encode() + rb"=(\d+)")
HEAD_LIMIT = 64 * 1024


class Proxy:
    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self.backends = backends
        self.active = [0] * len(backends)
        self.down_until = [0.0] * len(backends)

    def _order(self, wanted: int | None) -> list[int]:
        now = time.monotonic()
        alive = [i for i in range(len(self.backends)) if self.down_until[i] <= now]
        ranked = sorted(alive, key=lambda i: self.active[i]) + [i for i in range(len(self.backends)) if i not in alive]
        if wanted is not None and wanted in alive:
            ranked.remove(wanted)
            ranked.insert(0, wanted)
        return ranked

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        match = COOKIE_RE.search(head)
        wanted = int(match.group(1)) if match and int(match.group(1)) < len(self.backends) else None
        for index in self._order(wanted):
            try:
                up_reader, up_writer = await asyncio.open_connection(*self.backends[index])
            except OSError:
                self.down_until[index] = time.monotonic() + 2.0
                continue
            break
        else:
            writer.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            writer.close()
            return
        peer = writer.get_extra_info("peername") or ("unknown", 0)
        head = head.replace(b"\r\n", f"\r\nX-Forwarded-For: {peer[0]}\r\n".encode(), 1)
        up_writer.write(head)
        self.active[index] += 1
        try:
            await asyncio.gather(self._pump(reader, up_writer),
                                 self._pump(up_reader, writer, set_cookie=index if wanted != index else None))
        finally:
            self.active[index] -= 1
            for w in (writer, up_writer):
                w.close()

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, set_cookie: int | None = None):
        try:
            if set_cookie is not None:
                head = await source.readuntil(b"\r\n\r\n")
                cookie = f"\r\nSet-Cookie: {COOKIE}={set_cookie}; Path=/; HttpOnly; SameSite=Lax\r\n\r\n"
                sink.write(head[:-4] + cookie.encode())
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            try:
                sink.write_eof()
            except (OSError, RuntimeError):
                pass


async def serve(host: str, port: int, backends: list[tuple[str, int]]) -> None:
    proxy = Proxy(backends)
    server = await asyncio.start_server(proxy.handle, host, port, backlog=4096, limit=HEAD_LIMIT)
    print(f"PACT Live cluster: http://{host}:{port} → " + ", ".join(f"{h}:{p}" for h, p in backends), flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description="Sticky TCP/HTTP proxy in front of PACT Live processes.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("backends", nargs="+", help="host:port of each server process")
    args = parser.parse_args()
    backends = [(b.rsplit(":", 1)[0], int(b.rsplit(":", 1)[1])) for b in args.backends]
    try:
        asyncio.run(serve(args.host, args.port, backends))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
