"""Transfer learning: reuse the feature layers of a trained network on a new task.

A convolutional network trained on one task learns two things: *features*
(edges, strokes, corners: the convolution and pooling layers up to Flatten) and
a *head* that maps those features to this task's classes (the Dense layers
after). Features carry over to related tasks; the head does not. So:

1. train a network on task A (the course: digits 0-4);
2. **freeze** its feature layers (``layer.trainable = False``: their weights stay
   leaves of the graph, but get no gradient and no update);
3. **replace the head** with fresh Dense layers for task B (digits 5-9);
4. train on task B: only the head learns, on top of the frozen features.

The new model *shares* the feature layers with the old one (the same layer
objects and parameter tensors, not copies): nothing is duplicated, and
:func:`changed_layers` shows that training the new head left them untouched.

>>> base = course_cnn(input_shape=(8, 8, 1), classes=5)        # train it on 0-4 ...
>>> frozen = freeze(base)                                      # ... up to Flatten
>>> before = snapshot(frozen)
>>> new = replace_head(base, [Dense(64, activation="relu"), Dense(5, activation="softmax")])
>>> new.compile(...); new.fit(x_5_to_9, y_5_to_9 - 5)
>>> changed_layers(before, frozen)                             # -> []
"""
import numpy as np

from ..nn.conv import Conv2D, GlobalAveragePooling2D, MaxPooling2D
from ..nn.layers import Dense, Dropout, Flatten, Input, InputLayer
from ..train import Model, Sequential

# Layers that end a feature extractor: after them, the head begins.
_FEATURE_ENDS = (Flatten, GlobalAveragePooling2D)


def _layer_index(model, which):
    layers = model.layers
    if isinstance(which, str):
        names = [layer.name for layer in layers]
        if which not in names:
            raise ValueError(f"model '{model.name}' has no layer {which!r}; it has {names}")
        return names.index(which)
    if isinstance(which, (int, np.integer)) and not isinstance(which, bool):
        k = int(which)
        if not -len(layers) <= k < len(layers):
            raise IndexError(f"model '{model.name}' has {len(layers)} layers; no layer {k}")
        return k % len(layers)
    if which in layers:
        return layers.index(which)
    raise TypeError(f"name a layer by its name, its index or the layer itself, not {which!r}")


def split_point(model, up_to=None):
    """The index of the last feature layer: ``up_to`` (a layer name, index or
    layer), or by default the last Flatten or GlobalAveragePooling2D layer."""
    model._require_built("transfer learning")
    if up_to is not None:
        return _layer_index(model, up_to)
    ends = [k for k, layer in enumerate(model.layers) if isinstance(layer, _FEATURE_ENDS)]
    if not ends:
        raise ValueError(f"model '{model.name}' has no Flatten or GlobalAveragePooling2D layer "
                         "to end its features: say where they end with up_to=<layer name or index>")
    return ends[-1]


def feature_layers(model, up_to=None):
    """The layers from the input up to and including ``up_to`` (see :func:`split_point`)."""
    return model.layers[:split_point(model, up_to) + 1]


def head_layers(model, up_to=None):
    """The layers after the features: the part that :func:`replace_head` replaces."""
    return model.layers[split_point(model, up_to) + 1:]


def freeze(model, up_to=None):
    """Freeze the feature layers (``trainable = False``) and return them.

    Frozen weights stay in the graph as leaves without gradients: optimizers skip
    them, and ``summary()`` counts them as non-trainable. A model compiled before
    the freeze notices it at its next ``fit`` (the training graph is keyed by
    which weights are trainable)."""
    layers = feature_layers(model, up_to)
    for layer in layers:
        layer.trainable = False
    return layers


def unfreeze(model, layers=None):
    """Make ``layers`` (default: all of the model's) trainable again, for fine-tuning."""
    layers = model.layers if layers is None else layers
    for layer in layers:
        layer.trainable = True
    return layers


def replace_head(model, new_layers, up_to=None, name=None):
    """A new model: ``model``'s feature layers (shared, not copied) followed by ``new_layers``.

    The old head is dropped (the old model keeps it and still works). A Sequential
    model gives a Sequential model; a functional one gives a functional Model whose
    new layers start from the output of the last feature layer. Compile the new model
    before training it."""
    k = split_point(model, up_to)
    new_layers = list(new_layers)
    if not new_layers:
        raise ValueError("replace_head needs at least one new layer for the head")
    if isinstance(model, Sequential):
        return Sequential(model.layers[:k + 1] + new_layers, name=name)
    x = _layer_output(model, model.layers[k])
    for layer in new_layers:
        x = layer(x)
    return Model(model.inputs, x, name=name)


def _layer_output(model, layer):
    """The tensor that ``layer`` produced in the model's traced graph."""
    from ..core import Graph
    if isinstance(layer, InputLayer):  # computes nothing: its output is the placeholder
        return layer.output
    graph = Graph(model.outputs)
    found = None
    for node, _, out in graph.steps:  # the layer's output is the last value its nodes compute
        if getattr(node, "layer", None) is layer:
            found = graph.variables[out]
    if found is None:
        raise ValueError(f"layer '{layer.name}' computes nothing in model '{model.name}'")
    return found


def snapshot(layers):
    """Copies of the weights of ``layers`` (a model or a list of layers), by layer name."""
    layers = layers.layers if isinstance(layers, Model) else layers
    return {layer.name: [np.array(w, copy=True) for w in layer.get_weights()] for layer in layers}


def changed_layers(before, layers):
    """Names of the layers whose weights differ in any bit from the ``snapshot`` ``before``."""
    layers = layers.layers if isinstance(layers, Model) else layers
    changed = []
    for layer in layers:
        old, now = before[layer.name], layer.get_weights()
        if len(old) != len(now) or not all(np.array_equal(a, b) for a, b in zip(old, now)):
            changed.append(layer.name)
    return changed


def course_cnn(input_shape=(28, 28, 1), classes=5, filters=32, kernel_size=3, pool_size=2,
               dense=128, dropout=(0.25, 0.5), name=None):
    """The course's transfer-learning CNN (Keras' mnist_transfer_cnn example):

    features: Conv2D(filters, k, relu) - Conv2D(filters, k, relu) - MaxPooling2D -
    Dropout - Flatten; head: Dense(dense, relu) - Dropout - Dense(classes, softmax).
    Smaller ``filters`` and ``dense`` train in seconds on 8x8 digits."""
    features = [Conv2D(filters, kernel_size, activation="relu", name="conv_1"),
                Conv2D(filters, kernel_size, activation="relu", name="conv_2"),
                MaxPooling2D(pool_size, name="pool"),
                Dropout(dropout[0], name="feature_dropout"),
                Flatten(name="flatten")]
    return Sequential([Input(tuple(input_shape))] + features + new_head(classes, dense, dropout[1]),
                      name=name)


def new_head(classes, dense=128, dropout=0.5):
    """A fresh classification head: Dense(dense, relu) - Dropout - Dense(classes, softmax)."""
    layers = [Dense(dense, activation="relu")]
    if dropout:
        layers.append(Dropout(dropout))
    return layers + [Dense(classes, activation="softmax")]
