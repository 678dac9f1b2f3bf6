"""Autoencoders: the builder's three models share weights, the encoder is
sigmoid(x W + b), and a denoising autoencoder cleans noisy digits."""
import numpy as np
import pytest

import graphnet as gn
from graphnet.models.autoencoder import Autoencoder, add_noise, autoencoder, reconstruction_error


@pytest.fixture(scope="module")
def digits():
    X, y = gn.data.load_digits()
    X = (X / 16.0).astype(np.float32)
    X_train, X_test, _, _ = gn.data.train_test_split(X, y, test_size=0.25, seed=0)
    return X_train, X_test


def test_builder_returns_three_models_sharing_two_layers():
    gn.set_seed(0)
    model, encoder, decoder = autoencoder(64, 8)
    x = np.random.default_rng(0).random((5, 64)).astype(np.float32)
    assert encoder.predict(x).shape == (5, 8)
    assert model.predict(x).shape == (5, 64)
    np.testing.assert_allclose(decoder.predict(encoder.predict(x)), model.predict(x), rtol=1e-5, atol=1e-6)
    assert [layer.name for layer in model.layers] == ["image", "encoder", "decoder"]  # Keras counts the InputLayer
    assert model.layers[1] is encoder.layers[1] and model.layers[2] is decoder.layers[1]
    assert model.count_params() == 64 * 8 + 8 + 8 * 64 + 64


def test_encoder_and_decoder_are_the_curriculum_formulas():
    gn.set_seed(1)
    model, encoder, decoder = autoencoder(6, 3)
    x = np.random.default_rng(1).random((4, 6)).astype(np.float32)
    W, b = encoder.get_layer("encoder").get_weights()
    W2, b2 = decoder.get_layer("decoder").get_weights()
    sig = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    z = sig(x @ W + b)
    np.testing.assert_allclose(encoder.predict(x), z, rtol=1e-5)
    np.testing.assert_allclose(model.predict(x), sig(z @ W2 + b2), rtol=1e-5)
    # and the loss is the squared reconstruction error
    loss = model.evaluate(x, x, verbose=0)
    assert loss == pytest.approx(np.mean((sig(z @ W2 + b2) - x) ** 2), rel=1e-4)


def test_add_noise_is_gaussian_times_factor_clipped_to_the_unit_interval():
    x = np.full((200, 50), 0.5, np.float32)
    noisy = add_noise(x, 0.5, seed=0)
    assert noisy.dtype == np.float32 and noisy.min() >= 0 and noisy.max() <= 1
    raw = add_noise(x, 0.5, seed=0, clip=None)
    assert np.std(raw - x) == pytest.approx(0.5, rel=0.05)
    np.testing.assert_allclose(noisy, np.clip(raw, 0, 1))
    np.testing.assert_array_equal(add_noise(x, 0.0, seed=3), x)


def test_plain_autoencoder_compresses_digits(digits):
    X_train, X_test = digits
    gn.set_seed(0)
    ae = Autoencoder(64, 16, seed=0)
    history = ae.fit(X_train, epochs=15)
    loss = history.history["loss"]
    assert len(loss) == 15 and loss[-1] < 0.5 * loss[0]
    mean_image = np.broadcast_to(X_train.mean(axis=0), X_test.shape)
    assert ae.reconstruction_error(X_test) < 0.5 * reconstruction_error(mean_image, X_test)
    codes = ae.encode(X_test)
    assert codes.shape == (len(X_test), 16) and codes.min() > 0 and codes.max() < 1
    np.testing.assert_allclose(ae.decode(codes), ae.reconstruct(X_test), rtol=1e-5, atol=1e-6)


def test_denoising_autoencoder_beats_the_noisy_input(digits):
    X_train, X_test = digits
    gn.set_seed(0)
    dae = Autoencoder(64, 16, noise_factor=0.5, seed=0)
    history = dae.fit(X_train, epochs=15)
    assert len(history.history["loss"]) == 15
    noisy = add_noise(X_test, 0.5, seed=1)
    noisy_error = reconstruction_error(noisy, X_test)
    denoised_error = dae.reconstruction_error(noisy, X_test)
    assert denoised_error < noisy_error
    assert denoised_error < 0.5 * noisy_error  # by a wide margin, not barely
