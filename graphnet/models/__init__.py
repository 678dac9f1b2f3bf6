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
* estimators ... scikit-learn estimators on graphnet graphs: ``Perceptron``,
                 ``LogisticRegression``, ``MLPClassifier`` and ``BernoulliRBM``, for
                 pipelines and grid searches (needs scikit-learn; loaded on first use,
                 so ``graphnet.models.LogisticRegression`` works and ``import graphnet``
                 does not import scikit-learn)
"""
from . import autoencoder, gan, perceptron, qlearning, rbm, transfer

_ESTIMATORS = ("Perceptron", "LogisticRegression", "MLPClassifier", "BernoulliRBM")


def __getattr__(name):
    # The estimators import scikit-learn, an optional extra: only when asked for.
    if name == "estimators" or name in _ESTIMATORS:
        import importlib  # (not "from . import": that would ask this function again)
        estimators = importlib.import_module(".estimators", __name__)
        return estimators if name == "estimators" else getattr(estimators, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
