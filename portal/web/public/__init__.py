"""Pages without login: home and catalogue, status check, language, privacy."""

from .views import bp

__all__ = ["bp"]
