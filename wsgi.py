"""WSGI entry point: `flask --app wsgi …`, or a WSGI server pointed at `wsgi:app`."""
from pact import create_app
from pact.logs import configure_logging

configure_logging()
app = create_app()
