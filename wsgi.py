"""WSGI entry point: ``gunicorn -w 4 wsgi:app`` (see README, Production)."""

from intranet import create_app
from intranet.ops.memory import freeze_loaded

app = create_app()
freeze_loaded()  # what start loaded lives as long as the process: out of the collector's walks
