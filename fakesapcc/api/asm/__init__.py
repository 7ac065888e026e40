"""The Assisted Service Module web services (``/assistedservicewebservices``)."""
from .base import bp
from . import customerlists  # noqa: F401,E402  (route registration)

__all__ = ["bp"]
