"""The REST API: FastAPI over the verbs layer (`revalign.services`)."""

from revalign.api.app import create_app
from revalign.api.runtime import Runtime

__all__ = ["Runtime", "create_app"]
