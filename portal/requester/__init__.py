"""The requester's pages: my requests, new, view, edit, cancel, print."""

from .views import bp

__all__ = ["bp"]
