"""HTTP and the command line: the API under /api/v1 (flask-smorest), the HSDS read API under /hsds,
the pages, and the ``socialekaart`` command. ``web.bootstrap`` composes the application."""
from web.app import create_app

__all__ = ["create_app"]
