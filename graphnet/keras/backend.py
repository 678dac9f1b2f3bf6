"""keras.backend, where its names mean something in graphnet: the float type, the
epsilon of the losses, fresh layer names, and ``function`` to read any tensor of a
model (a hidden layer's output, the code of an autoencoder) for given inputs."""
import numpy as np

from ..config import floatx, set_floatx
from ..core import Graph
from ..device import to_host

__all__ = ["function", "floatx", "set_floatx", "epsilon", "image_data_format", "clear_session"]


def epsilon():
    """The small number that keeps logarithms and divisions finite (Keras' 1e-7)."""
    return 1e-7


def image_data_format():
    """graphnet's images are (batch, height, width, channels), as Keras' default."""
    return "channels_last"


def clear_session():
    """Start layer and model names afresh ('dense', 'dense_1'... again), as Keras does.
    Layers and models already made keep their names and weights."""
    from ..nn import layers
    from ..train.model import Model
    layers._layer_counts.clear()
    Model._counts.clear()


def function(inputs, outputs):
    """Keras 2's ``K.function``: a function from a list of input arrays to the list
    of ``outputs``' arrays, in inference mode (no dropout).

    >>> read_code = function([autoencoder.input], [autoencoder.layers[1].output])  # doctest: +SKIP
    >>> code = read_code([images])[0]                                              # doctest: +SKIP

    ``inputs`` are a model's input tensors (``model.input``, ``model.inputs``);
    ``outputs`` any tensors its layers computed (``layer.output``). The recorded graph
    is replayed on the arrays: nothing is traced again.
    """
    many_in, many_out = isinstance(inputs, (list, tuple)), isinstance(outputs, (list, tuple))
    inputs = list(inputs) if many_in else [inputs]
    outputs = list(outputs) if many_out else [outputs]
    graph = Graph(outputs).set_training(False)

    def run(values):
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        if len(values) != len(inputs):
            raise ValueError(f"backend.function: made for {len(inputs)} input(s) "
                             f"{[t.label for t in inputs]}, called with {len(values)} array(s)")
        graph.forward({t: np.asarray(v) for t, v in zip(inputs, values)})
        results = [np.array(to_host(graph.value(o))) for o in outputs]
        return results if many_out else results[0]

    return run
