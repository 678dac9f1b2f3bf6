"""Gradient checking, for users and for the test suite."""
from .gradcheck import Report, Row, check_float32, check_graph, check_node, gradcheck
from .registry import cases, missing_examples, node_classes
