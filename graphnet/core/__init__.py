"""The graph engine. It knows the Node contract and nothing about concrete ops."""
from .errors import (DataError, GraphError, GraphnetError, NonFiniteError, OldKerasSpelling, OperandError,
                     ShapeError, trap_nonfinite)
from .events import Recorder, StepEvent, observe
from .graph import Graph, topological_order
from .node import Node
from .variable import ROLES, Variable

__all__ = ["Graph", "Node", "Variable", "StepEvent", "Recorder", "observe", "ROLES",
           "topological_order", "GraphnetError", "GraphError", "ShapeError", "OperandError",
           "NonFiniteError", "DataError", "OldKerasSpelling", "trap_nonfinite"]
