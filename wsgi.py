"""WSGI entry point: `flask --app wsgi …`, or a WSGI server pointed at `wsgi:app`."""
from pact import create_app

app = create_app()
