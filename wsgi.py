"""Entry point for ``flask --app wsgi`` and gunicorn (``gunicorn wsgi:app``)."""

from portal import create_app

app = create_app()
