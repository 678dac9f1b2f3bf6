"""graphnet's own Perceptron, MLPClassifier, LogisticRegression and BernoulliRBM as
scikit-learn estimators, so the course's pipelines and grid searches run on graphs.

    from graphnet.models import LogisticRegression, BernoulliRBM   # instead of sklearn's
    from sklearn.pipeline import Pipeline
    from sklearn.model_selection import GridSearchCV

    pipe = Pipeline([("rbm", BernoulliRBM(n_components=64)), ("logistic", LogisticRegression())])
    GridSearchCV(pipe, {"logistic__C": [1, 10]}, cv=3).fit(X, y)

They take scikit-learn's constructor arguments and defaults (those that mean
something here), set its fitted attributes (``coef_``, ``classes_``, ``n_iter_``,
``loss_curve_``, ``components_``...), and work with ``clone``, ``Pipeline``,
``GridSearchCV`` and ``check_is_fitted``. Underneath each is a graphnet graph,
trained with graphnet's nodes, losses and optimizers:

* ``Perceptron`` ........ the perceptron criterion max(0, -t z) of models/perceptron.py,
                          one sample at a time with graphnet's SGD: the perceptron rule
                          (one unit per class, one-vs-rest, as scikit-learn does)
* ``LogisticRegression``  Dense-style x W + b, softmax (or sigmoid) cross-entropy and an
                          L2 penalty, minimised with L-BFGS on the graph's gradients
* ``MLPClassifier`` ..... a graphnet ``Sequential`` of Dense layers (``est.model_``),
                          cross-entropy plus L2, trained with Adam or SGD
* ``BernoulliRBM`` ...... models/rbm.py's RBM, trained by (persistent) contrastive
                          divergence on its free-energy graph (``est.rbm_``)

Every fitted classifier draws and checks its graph::

    gn.draw(est.graph(X[:2], y[:2]))       # the objective on two samples, as a graph
    est.check_gradients(X[:3], y[:3])      # graphnet.check.gradcheck of that graph

The penalties are scaled as scikit-learn scales them, so the same ``C`` or
``alpha`` means the same model: the logistic regression minimises
mean cross-entropy + ||W||² / (2 C n); the MLP adds 0.5 alpha ||W||² / batch size
to each batch's mean loss; the perceptron adds alpha R(W) per sample.

scikit-learn is an optional extra: this module imports it, ``import graphnet`` does not.
"""
from .linear_estimators import LogisticRegression, Perceptron, lbfgs
from .neural_estimators import BernoulliRBM, MLPClassifier

__all__ = ["Perceptron", "LogisticRegression", "MLPClassifier", "BernoulliRBM", "lbfgs"]
