"""The Assisted Service Module web services (``/assistedservicewebservices``)."""
from .base import bp
from . import agents, customer360, customerlists, customers  # noqa: F401,E402  (routes)

__all__ = ["bp"]
