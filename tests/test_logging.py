"""Logging is configured once, by the entry points: a traceback is printed once, not twice."""
import os
import subprocess
import sys

from pact import PROJECT_ROOT


def test_building_apps_leaves_the_root_logger_alone(tmp_path):
    """In a fresh process (pytest installs root handlers of its own), as a WSGI server would."""
    script = (
        "import logging; from pact import create_app;"
        f"create_app({{'DATABASE_URL': 'sqlite:///{tmp_path}/a.db'}});"
        f"create_app({{'DATABASE_URL': 'sqlite:///{tmp_path}/a.db'}});"
        "print(len(logging.getLogger().handlers))"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         timeout=60, check=True, env={**os.environ, "PACT_DEMO": "0"})
    assert out.stdout.strip().splitlines()[-1] == "0", out.stdout + out.stderr


def test_an_engineio_error_is_printed_once_by_a_configured_entry_point():
    script = (
        "from pact.logs import configure_logging; configure_logging();"
        "from pact.logs import configure_logging as again; again();"
        "import engineio, logging;"
        "engineio.Server(logger=False);"  # the server the app builds: it may add a handler of its own
        "logging.getLogger('engineio.server').error('boom-once')"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stderr.count("boom-once") == 1, out.stderr
