"""Autoencoders: a network trained to give back its own input through a narrow code.

The course's autoencoder has one hidden layer, the **code**::

    encoder   z  = sigmoid(x W + b)        (input_dim -> code_dim)
    decoder   x' = sigmoid(z W' + b')      (code_dim -> input_dim)
    loss      mean (x' - x)²               (squared reconstruction error)

(graphnet, like Keras, keeps samples in rows, so ``x W`` is the curriculum's
``W x``.) Both halves are ordinary ``Dense`` layers, so the three models that
:func:`autoencoder` returns share their weights: training the whole
autoencoder trains the encoder and the decoder with it.

A **denoising** autoencoder sees corrupted inputs and is asked for the clean
ones: Gaussian noise times a factor (0.5 in the course) is added to every
pixel and the result is clipped back to [0, 1] (:func:`add_noise`). It cannot
copy its input, so it has to learn what digits look like.

    model, encoder, decoder = autoencoder(64, 16)
    model.fit(x_train, x_train, epochs=50)
    codes = encoder.predict(x_test)

    dae = Autoencoder(64, 16, noise_factor=0.5)   # the denoising variant
    dae.fit(x_train, epochs=50)                   # fresh noise every epoch
    clean = dae.reconstruct(add_noise(x_test, 0.5))
"""
import numpy as np

from ..nn.layers import Dense, Input
from ..train import callbacks as cbks
from ..train import optimizers as optimizers_module
from ..train.model import Model

__all__ = ["autoencoder", "add_noise", "reconstruction_error", "Autoencoder"]


def autoencoder(input_dim, code_dim, activation="sigmoid", output_activation="sigmoid",
                optimizer="adam", loss="mse", name="autoencoder"):
    """Build and compile an autoencoder ``input_dim -> code_dim -> input_dim``.

    Returns ``(model, encoder, decoder)``: the whole autoencoder (compiled with
    ``loss``, squared error by default), the encoder ``x -> z`` and the decoder
    ``z -> x'``. The three share two ``Dense`` layers, named ``encoder`` and
    ``decoder`` (with the model's name in front when it is not the default).
    """
    input_dim, code_dim = int(input_dim), int(code_dim)
    if not 0 < code_dim:
        raise ValueError(f"autoencoder: code_dim must be positive, got {code_dim}")
    prefix = "" if name == "autoencoder" else f"{name}_"
    encode = Dense(code_dim, activation=activation, name=f"{prefix}encoder")
    decode = Dense(input_dim, activation=output_activation, name=f"{prefix}decoder")

    x = Input(input_dim, name=f"{prefix}image")
    code = encode(x)
    model = Model(x, decode(code), name=name)
    model.compile(optimizer=optimizer, loss=loss)
    encoder = Model(x, code, name=f"{name}_encoder")
    z = Input(code_dim, name=f"{prefix}code")
    decoder = Model(z, decode(z), name=f"{name}_decoder")
    return model, encoder, decoder


def add_noise(x, factor=0.5, seed=None, clip=(0.0, 1.0)):
    """``clip(x + factor * N(0, 1), 0, 1)``: the denoising autoencoder's corrupted input.

    ``seed`` is an int or a NumPy Generator (None: fresh randomness). ``clip=None``
    leaves the values unclipped.
    """
    x = np.asarray(x)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    noisy = x + factor * rng.standard_normal(x.shape)
    if clip is not None:
        noisy = np.clip(noisy, *clip)
    return noisy.astype(x.dtype if x.dtype.kind == "f" else np.float32)


def reconstruction_error(reconstructed, target):
    """The mean squared error between two batches of images (one number)."""
    return float(np.mean((np.asarray(reconstructed, np.float64) - np.asarray(target, np.float64)) ** 2))


class Autoencoder:
    """An autoencoder with its encoder and decoder, plain or denoising.

    ``noise_factor > 0`` makes it denoising: every epoch of :meth:`fit` draws
    fresh noise for the inputs (:func:`add_noise`) and keeps the clean images
    as targets, so the network never sees the same corruption twice.
    The optimizer defaults to Adam with learning rate 0.01.
    """

    def __init__(self, input_dim, code_dim, noise_factor=0.0, optimizer=None, loss="mse",
                 seed=0, name="autoencoder"):
        if optimizer is None:  # a faster start than Keras' default 0.001, for small sets
            optimizer = optimizers_module.Adam(0.01)
        self.model, self.encoder, self.decoder = autoencoder(
            input_dim, code_dim, optimizer=optimizer, loss=loss, name=name)
        self.noise_factor = float(noise_factor)
        self.rng = np.random.default_rng(seed)

    def fit(self, x, epochs=10, batch_size=32, verbose=0, validation_data=None):
        """Train to reconstruct ``x`` (from noisy copies when denoising); returns a
        History with one loss per epoch, like ``model.fit``."""
        x = np.asarray(x, dtype=np.float32)
        if not self.noise_factor:
            return self.model.fit(x, x, epochs=epochs, batch_size=batch_size, verbose=verbose,
                                  validation_data=validation_data)
        history = cbks.History()
        history.on_train_begin()
        for epoch in range(epochs):
            noisy = add_noise(x, self.noise_factor, self.rng)
            self.model.fit(noisy, x, epochs=epoch + 1, initial_epoch=epoch, batch_size=batch_size,
                           verbose=verbose, validation_data=validation_data)
            history.on_epoch_end(epoch, {k: v[-1] for k, v in self.model.history.history.items()})
        self.model.history = history
        return history

    def encode(self, x):
        """The codes z = sigmoid(x W + b)."""
        return self.encoder.predict(np.asarray(x, np.float32), batch_size=256)

    def decode(self, z):
        """The images x' = sigmoid(z W' + b') that codes stand for."""
        return self.decoder.predict(np.asarray(z, np.float32), batch_size=256)

    def reconstruct(self, x):
        """x' for x: encode, then decode."""
        return self.model.predict(np.asarray(x, np.float32), batch_size=256)

    def reconstruction_error(self, x, target=None):
        """Mean squared error of the reconstruction of ``x`` against ``target``
        (``x`` itself by default; the clean images when ``x`` is noisy)."""
        return reconstruction_error(self.reconstruct(x), x if target is None else target)
