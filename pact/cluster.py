"""`make run-cluster`: N gevent server processes behind HAProxy, kept running by supervisord.

`python -m pact.cluster --processes 2 --port 5000` renders `deploy/haproxy.cfg.j2` and
`deploy/supervisord.conf.j2` into `instance/cluster/` and runs supervisord in the foreground:
HAProxy on PORT, processes n1, n2… on PORT+1…, each restarted if it exits; Ctrl+C stops all.
`python -m pact.cluster config --port 80 --processes 4` prints the HAProxy configuration alone
(for /etc/haproxy/haproxy.cfg with the systemd units in deploy/systemd/). Needs
PACT_MESSAGE_QUEUE (Redis) so the processes share rooms, and a database all of them reach
(PostgreSQL; see docs/deploy.md).
"""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pact import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
MAX_BODY = 256 * 1024  # the app's own MAX_CONTENT_LENGTH; Engine.IO packets are far smaller


@dataclass(frozen=True)
class Backend:
    """One app process as HAProxy sees it: its node id (PACT_NODE_ID) and address."""

    name: str
    address: str


def node_name(index: int) -> str:
    """The node id of the index-th process (0-based): n1, n2…"""
    return f"n{index + 1}"


def _templates() -> Environment:
    return Environment(loader=FileSystemLoader(DEPLOY), undefined=StrictUndefined, keep_trailing_newline=True)


def render_haproxy(bind: str, backends: list[Backend], *, pidfile: str | None = None,
                   stats_socket: str | None = None, max_body: int = MAX_BODY) -> str:
    """The HAProxy configuration: `bind` (e.g. 127.0.0.1:5000) in front of `backends`."""
    return _templates().get_template("haproxy.cfg.j2").render(
        bind=bind, servers=backends, pidfile=pidfile, stats_socket=stats_socket, max_body=max_body)


def render_supervisor(directory: Path, haproxy_cfg: Path, backends: list[Backend], *, quiet: bool = False) -> str:
    """supervisord's configuration: one program per app process, and HAProxy."""
    python = shlex.quote(sys.executable)
    programs = [{"name": backend.name,
                 "command": f"{python} -m pact.serve_gevent --host {backend.address.rsplit(':', 1)[0]} "
                            f"--port {backend.address.rsplit(':', 1)[1]}",
                 "environment": f'PACT_NODE_ID="{backend.name}",PACT_ASYNC_MODE="gevent"'}
                for backend in backends]
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    programs.append({"name": "haproxy", "command": f"{haproxy} -W -db -f {shlex.quote(str(haproxy_cfg))}",
                     "environment": ""})
    return _templates().get_template("supervisord.conf.j2").render(
        directory=str(directory), root=str(PROJECT_ROOT), programs=programs, quiet=quiet)


def local_backends(processes: int, port: int) -> list[Backend]:
    """`processes` servers on this machine, on the ports after `port` (HAProxy's), named n1, n2…"""
    return [Backend(node_name(i), f"127.0.0.1:{port + 1 + i}") for i in range(processes)]


def write_cluster(directory: Path, host: str, port: int, processes: int) -> Path:
    """Write haproxy.cfg and supervisord.conf into `directory`; returns the supervisord file."""
    directory.mkdir(parents=True, exist_ok=True)
    backends = local_backends(processes, port)
    haproxy_cfg = directory / "haproxy.cfg"
    haproxy_cfg.write_text(render_haproxy(f"{host}:{port}", backends))
    conf = directory / "supervisord.conf"
    conf.write_text(render_supervisor(directory, haproxy_cfg, backends))
    return conf


def main(argv: list[str] | None = None) -> None:
    """`python -m pact.cluster [run|config]`: run several processes behind HAProxy, or print HAProxy's
    configuration."""
    parser = argparse.ArgumentParser(description="Run several PACT Live processes behind HAProxy.")
    parser.add_argument("command", nargs="?", choices=["run", "config"], default="run")
    parser.add_argument("--processes", type=int, default=int(os.environ.get("PROCESSES", "2")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--directory", type=Path, default=PROJECT_ROOT / "instance" / "cluster")
    args = parser.parse_args(argv)
    if args.command == "config":
        sys.stdout.write(render_haproxy(f"{args.host}:{args.port}", local_backends(args.processes, args.port)))
        return
    if not os.environ.get("PACT_MESSAGE_QUEUE"):
        sys.exit("PACT_MESSAGE_QUEUE is not set: processes could not share rooms (e.g. redis://127.0.0.1:6379/0).")
    for tool in ("haproxy", "supervisord"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is missing: apt-get install haproxy supervisor (make run-cluster does, as root).")
    os.environ.setdefault("PACT_PROXY_FIX", "1")  # HAProxy is the one trusted hop
    conf = write_cluster(args.directory, args.host, args.port, args.processes)
    print(f"PACT Live cluster: http://{args.host}:{args.port} → {args.processes} processes "
          f"(logs in {args.directory})", flush=True)
    supervisord = shutil.which("supervisord") or "/usr/bin/supervisord"
    os.execv(supervisord, [supervisord, "-c", str(conf)])


if __name__ == "__main__":
    main()
