"""Production entry for big rooms: `python -m pact.serve_gevent --port 5000`.

gevent's monkey-patching must come before any other import (sockets, threads, time, select), or
psycopg, redis and Flask-SocketIO would block the whole process on I/O. psycopg 3 notices the
patching and waits cooperatively; redis-py uses the patched sockets.
"""
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import os  # noqa: E402


def main() -> None:
    """`python -m pact.serve_gevent`: one gevent process (monkey-patched first), logging configured, serving the
    app."""
    parser = argparse.ArgumentParser(description="Serve PACT Live with gevent.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    args = parser.parse_args()
    os.environ["PACT_ASYNC_MODE"] = "gevent"

    from pact import create_app
    from pact.logs import configure_logging
    from pact.server import serve_gevent

    configure_logging()

    serve_gevent(create_app(migrations=False), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
