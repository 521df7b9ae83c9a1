"""Register, log in, log out, change password and profile."""

from .views import bp

__all__ = ["bp"]
