"""The course's classic models, built from graphnet's nodes and layers.

* perceptron ... Rosenblatt's perceptron: a step unit, its learning rule shown to
                 be gradient descent on the perceptron criterion, XOR and the MLP
* autoencoder .. encoder and decoder, plain and denoising
* rbm .......... restricted Boltzmann machines (energy and free energy as nodes,
                 contrastive divergence) and deep belief networks
* gan .......... a generator and a discriminator with alternating updates
* transfer ..... transfer learning: freeze a trained network's feature layers,
                 replace its head, retrain the head on a new task
* qlearning .... tabular Q-learning on the course's six-state maze, and the same
                 update as a gradient step on a squared temporal-difference error
"""
from . import autoencoder, gan, perceptron, qlearning, rbm, transfer
