"""The requester's pages: my requests, new, view, edit, cancel, print."""

from . import guest  # noqa: F401 - the guest's pages join the blueprint
from .views import bp

__all__ = ["bp"]
