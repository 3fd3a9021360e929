"""The WSGI entry point: `gunicorn wsgi:app`, and what `flask` finds in this folder."""

from app import create_app

app = create_app()
