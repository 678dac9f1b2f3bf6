"""A composite node for the drawing tests, defined outside graphnet so that it
stays out of the library's registry: a fused forward/backward, and an expansion
into primitive nodes that computes the same thing."""
import numpy as np

from graphnet.core import Node


class Sigmoid(Node):
    formula = "1 / (1 + exp(-x))"
    derivatives = ("σ(x) (1 - σ(x))",)

    def forward(self, x):
        self.y = 1.0 / (1.0 + np.exp(-x))
        return self.y

    def backward(self, grad):
        return (grad * self.y * (1.0 - self.y),)

    def local_derivatives(self):
        return (self.y * (1.0 - self.y),)

    def expand(self, x):
        return 1.0 / (1.0 + (-x).exp())
