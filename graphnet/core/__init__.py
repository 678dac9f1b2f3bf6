"""The graph engine. It knows the Node contract and nothing about concrete ops."""
from .errors import (GraphnetError, NonFiniteError, OperandError, ShapeError,
                     trap_nonfinite)
from .events import Recorder, StepEvent, observe
from .graph import Graph
from .node import Node
from .variable import ROLES, Variable, topological_order

__all__ = ["Graph", "Node", "Variable", "StepEvent", "Recorder", "observe", "ROLES",
           "topological_order", "GraphnetError", "ShapeError", "OperandError",
           "NonFiniteError", "trap_nonfinite"]
