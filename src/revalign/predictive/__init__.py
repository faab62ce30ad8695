"""The predictive score: P(conversion) learned from history, checked against a baseline."""

from revalign.predictive.datasets import LabelledData, load_labelled
from revalign.predictive.evaluate import Evaluation, evaluate, explain_model
from revalign.predictive.train import train
from revalign.predictive.trained import TrainedModel

__all__ = [
    "Evaluation",
    "LabelledData",
    "TrainedModel",
    "evaluate",
    "explain_model",
    "load_labelled",
    "train",
]
