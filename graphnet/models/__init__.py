"""The course's classic models, built from graphnet's nodes and layers.

* perceptron ... Rosenblatt's perceptron: a step unit, its learning rule shown to
                 be gradient descent on the perceptron criterion, XOR and the MLP
* transfer ..... transfer learning: freeze a trained network's feature layers,
                 replace its head, retrain the head on a new task
* qlearning .... tabular Q-learning on the course's six-state maze, and the same
                 update as a gradient step on a squared temporal-difference error
"""
from . import perceptron
from . import transfer
from . import qlearning
