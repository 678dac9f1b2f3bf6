"""Generative adversarial networks: two graphs that train each other.

- The **generator** G turns noise z into samples: G(z) should look like the data.
- The **discriminator** D scores a sample: D(x) is the probability that x is real.

Training alternates two feedback loops, each an ordinary ``train_on_batch``:

1. **discriminator step**: a batch of real samples labelled 1 and a batch of
   G's samples labelled 0; binary cross-entropy; only D's weights move.
2. **generator step**: fresh noise through G *and then D*, with the labels
   flipped to 1 ("call these real"). The gradient flows back through the frozen
   discriminator into the generator; only G's weights move. (Minimising
   -log D(G(z)) instead of log(1 - D(G(z))) gives G strong gradients early on,
   when D easily rejects its samples: Goodfellow's non-saturating loss.)

The two graphs are real, separate graphnet models. The ``combined`` model is
``D(G(z))`` built by calling one model on the other's output, so it shares
their layers; "frozen" means D's layers have ``trainable = False`` while the
combined model trains (D's parameters are then leaves without gradients).

    gan = GAN(make_generator(latent_dim=4, output_dim=1), make_discriminator(1), latent_dim=4)
    gan.train(real_samples, steps=3000, batch_size=64)
    fake = gan.sample(1000)
"""
import numpy as np

from ..nn.layers import Dense, Input
from ..train import optimizers as optimizers_module
from ..train.model import Model, Sequential

__all__ = ["make_generator", "make_discriminator", "GAN"]


def make_generator(latent_dim, output_dim, hidden=(16,), activation="relu",
                   output_activation=None, name="generator"):
    """A Dense generator: noise (latent_dim) -> hidden layers -> a sample (output_dim).
    ``output_activation='sigmoid'`` for images with pixels in [0, 1]."""
    layers = [Dense(h, activation=activation, name=f"{name}_hidden_{i + 1}",
                    **({"input_shape": (int(latent_dim),)} if i == 0 else {}))
              for i, h in enumerate(hidden)]
    out = Dense(output_dim, activation=output_activation, name=f"{name}_output",
                **({} if layers else {"input_shape": (int(latent_dim),)}))
    return Sequential(layers + [out], name=name)


def make_discriminator(input_dim, hidden=(16,), activation="relu", name="discriminator"):
    """A Dense discriminator: a sample -> hidden layers -> P(real), one sigmoid unit."""
    layers = [Dense(h, activation=activation, name=f"{name}_hidden_{i + 1}",
                    **({"input_shape": (int(input_dim),)} if i == 0 else {}))
              for i, h in enumerate(hidden)]
    out = Dense(1, activation="sigmoid", name=f"{name}_output",
                **({} if layers else {"input_shape": (int(input_dim),)}))
    return Sequential(layers + [out], name=name)


def _set_trainable(model, trainable):
    for layer in model.layers:
        layer.trainable = trainable


class GAN:
    """A generator and a discriminator, and the alternating updates that train them.

    generator       a model from noise (latent_dim) to samples;
    discriminator   a model from samples to P(real), a sigmoid output;
    latent_dim      the size of the noise vector z;
    noise           'normal' (z ~ N(0, 1)) or 'uniform' (z ~ U(-1, 1));
    d_optimizer, g_optimizer   one optimizer each (Adam(0.001, beta_1=0.5) by default,
                    as in DCGAN); each model keeps its own.

    After :meth:`train`, ``history`` holds one entry per step: ``d_loss``,
    ``g_loss``, ``d_real`` and ``d_fake`` (D's mean score on real and on fake samples).
    """

    def __init__(self, generator, discriminator, latent_dim, noise="normal", d_optimizer=None,
                 g_optimizer=None, seed=0):
        if noise not in ("normal", "uniform"):
            raise ValueError(f"GAN noise is 'normal' or 'uniform', not {noise!r}")
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim, self.noise = int(latent_dim), noise
        self.rng = np.random.default_rng(seed)
        d_optimizer = optimizers_module.get(d_optimizer) if d_optimizer is not None else \
            optimizers_module.Adam(0.001, beta_1=0.5)
        g_optimizer = optimizers_module.get(g_optimizer) if g_optimizer is not None else \
            optimizers_module.Adam(0.001, beta_1=0.5)
        discriminator.compile(optimizer=d_optimizer, loss="binary_crossentropy")
        # The second graph: z -> G -> D, sharing both models' layers.
        z = Input(self.latent_dim, name="z")
        self.combined = Model(z, discriminator(generator(z)), name="combined")
        self.combined.compile(optimizer=g_optimizer, loss="binary_crossentropy")
        self.history = {"d_loss": [], "g_loss": [], "d_real": [], "d_fake": []}

    def noise_batch(self, n):
        """n noise vectors z."""
        shape = (int(n), self.latent_dim)
        z = self.rng.standard_normal(shape) if self.noise == "normal" else \
            self.rng.uniform(-1.0, 1.0, shape)
        return z.astype(np.float32)

    def sample(self, n, z=None):
        """n generated samples G(z) (from fresh noise unless ``z`` is given)."""
        z = self.noise_batch(n) if z is None else np.asarray(z, np.float32)
        return self.generator.predict(z, batch_size=max(len(z), 1))

    def discriminate(self, x):
        """D(x): the discriminator's probability that each sample is real."""
        x = np.asarray(x, np.float32)
        return self.discriminator.predict(x, batch_size=max(len(x), 1))[:, 0]

    def train_discriminator(self, real):
        """One discriminator step: ``real`` labelled 1, as many fakes labelled 0."""
        real = np.asarray(real, np.float32)
        fake = self.sample(len(real))
        _set_trainable(self.discriminator, True)
        x = np.concatenate([real, fake])
        labels = np.concatenate([np.ones((len(real), 1)), np.zeros((len(fake), 1))]).astype(np.float32)
        logs = self.discriminator.train_on_batch(x, labels)
        scores = self.discriminator.predict(x, batch_size=len(x))[:, 0]
        return logs["loss"], float(scores[:len(real)].mean()), float(scores[len(real):].mean())

    def train_generator(self, n):
        """One generator step: n fresh noise vectors through G and the frozen D,
        labelled 1 (the flipped labels)."""
        _set_trainable(self.discriminator, False)
        try:
            logs = self.combined.train_on_batch(self.noise_batch(n), np.ones((int(n), 1), np.float32))
        finally:
            _set_trainable(self.discriminator, True)
        return logs["loss"]

    def train_step(self, real):
        """Both loops once: the discriminator on ``real`` versus fakes, then the generator."""
        d_loss, d_real, d_fake = self.train_discriminator(real)
        g_loss = self.train_generator(len(real))
        for key, value in (("d_loss", d_loss), ("g_loss", g_loss), ("d_real", d_real),
                           ("d_fake", d_fake)):
            self.history[key].append(float(value))
        return d_loss, g_loss

    def train(self, data, steps=1000, batch_size=64, callback=None, every=100):
        """``steps`` alternating steps on random batches of ``data`` (an array of real
        samples, or a function ``n -> n real samples``). ``callback(step, gan)`` is
        called every ``every`` steps and after the last: snapshots for pictures."""
        draw = data if callable(data) else None
        data = None if callable(data) else np.asarray(data, np.float32)
        for step in range(1, int(steps) + 1):
            real = draw(batch_size) if draw else data[self.rng.integers(0, len(data), batch_size)]
            self.train_step(real)
            if callback is not None and (step % every == 0 or step == steps):
                callback(step, self)
        return self.history
