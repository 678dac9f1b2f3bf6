"""GAN: two models, two alternating updates, each moving only its own weights; a
small GAN learns the Gaussian N(4, 1.25)."""
import numpy as np
import pytest

import graphnet as gn
from graphnet.models.gan import GAN, make_discriminator, make_generator


def _gan(latent_dim=4, seed=0, lr=0.002, decay=2e-3):
    gn.set_seed(seed)
    return GAN(make_generator(latent_dim, 1, hidden=(16,)), make_discriminator(1, hidden=(32, 32)),
               latent_dim=latent_dim, seed=seed,
               d_optimizer=gn.optimizers.Adam(lr, beta_1=0.5, decay=decay),
               g_optimizer=gn.optimizers.Adam(lr, beta_1=0.5, decay=decay))


def _weights(model):
    return [w.copy() for w in model.get_weights()]


def test_two_graphs_and_a_combined_one_sharing_their_layers():
    gan = _gan()
    assert gan.sample(7).shape == (7, 1)
    scores = gan.discriminate(np.zeros((5, 1)))
    assert scores.shape == (5,) and np.all((scores > 0) & (scores < 1))
    assert type(gan.combined.layers[0]).__name__ == "InputLayer"  # functional, as Keras counts
    combined = {id(layer) for layer in gan.combined.layers[1:]}
    assert {id(layer) for layer in gan.generator.layers + gan.discriminator.layers} == combined
    z = gan.noise_batch(6)
    np.testing.assert_allclose(gan.combined.predict(z)[:, 0], gan.discriminate(gan.sample(6, z)),
                               rtol=1e-5, atol=1e-6)


def test_each_step_moves_only_its_own_network():
    gan = _gan()
    real = np.random.default_rng(0).normal(4, 1.25, (32, 1)).astype(np.float32)
    g0, d0 = _weights(gan.generator), _weights(gan.discriminator)
    gan.train_discriminator(real)
    assert all(np.array_equal(a, b) for a, b in zip(g0, _weights(gan.generator)))
    assert any(not np.array_equal(a, b) for a, b in zip(d0, _weights(gan.discriminator)))
    d1 = _weights(gan.discriminator)
    gan.train_generator(32)
    assert all(np.array_equal(a, b) for a, b in zip(d1, _weights(gan.discriminator)))
    assert any(not np.array_equal(a, b) for a, b in zip(g0, _weights(gan.generator)))
    # the discriminator is trainable again for its own step
    assert all(layer.trainable for layer in gan.discriminator.layers)


def test_generator_step_uses_flipped_labels_through_the_discriminator():
    """The generator's loss is -log D(G(z)): binary cross-entropy against label 1."""
    gan = _gan(seed=3)
    state = gan.rng.bit_generator.state
    z = gan.noise_batch(16)
    expected = -np.mean(np.log(np.clip(gan.discriminate(gan.sample(16, z)), 1e-7, 1)))
    gan.rng.bit_generator.state = state  # train_generator draws the same z
    assert gan.train_generator(16) == pytest.approx(expected, rel=1e-4)


def test_noise_kinds():
    gan = _gan()
    assert gan.noise_batch(3).shape == (3, 4)
    gn.set_seed(0)
    uniform = GAN(make_generator(2, 1), make_discriminator(1), latent_dim=2, noise="uniform")
    z = uniform.noise_batch(1000)
    assert z.min() >= -1 and z.max() <= 1
    with pytest.raises(ValueError, match="noise"):
        GAN(make_generator(2, 1), make_discriminator(1), latent_dim=2, noise="cauchy")


def test_gan_learns_a_one_dimensional_gaussian():
    gan = _gan()
    real_rng = np.random.default_rng(100)
    target = lambda n: real_rng.normal(4.0, 1.25, (n, 1)).astype(np.float32)  # noqa: E731
    before = gan.sample(2000)
    assert abs(float(before.mean()) - 4.0) > 2  # it starts far away
    history = gan.train(target, steps=2500, batch_size=64)
    assert len(history["d_loss"]) == len(history["g_loss"]) == 2500
    after = gan.sample(4000)
    assert float(after.mean()) == pytest.approx(4.0, abs=0.3)
    assert float(after.std()) == pytest.approx(1.25, abs=0.3)
    # at the end the discriminator can barely tell: its scores hover around 1/2
    assert abs(np.mean(history["d_real"][-100:]) - 0.5) < 0.1
    assert abs(np.mean(history["d_fake"][-100:]) - 0.5) < 0.1
