"""Training: what turns a graph into a model that learns (metrics so far)."""
from . import metrics
