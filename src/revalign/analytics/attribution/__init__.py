"""Multi-touch attribution: heuristic models, exact Markov removal effects, Shapley values."""

from revalign.analytics.attribution.journeys import Journeys, journeys_from_touches
from revalign.analytics.attribution.journeys_file import JourneysFile, read_journeys_csv
from revalign.analytics.attribution.models import MODELS, Credit, credit, roi

__all__ = [
    "MODELS",
    "Credit",
    "Journeys",
    "JourneysFile",
    "credit",
    "journeys_from_touches",
    "read_journeys_csv",
    "roi",
]
