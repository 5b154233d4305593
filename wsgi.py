"""WSGI entry point: ``gunicorn -w 4 wsgi:app`` (see README, Production)."""

from intranet import create_app

app = create_app()
