# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 10. Autoencoders
#
# An **autoencoder** is trained to give back its own input. That sounds
# pointless until the network is made to squeeze the input through a layer
# much smaller than the input, the **code**: to rebuild 64 pixels from 16
# numbers it has to find what digits have in common. No labels are needed,
# the input is its own target: this is unsupervised learning done with the
# supervised machinery of the previous chapters.
#
# The course's autoencoder has two halves, each one sigmoid layer:
#
# - **encoder** z = sigmoid(W x + b), from the input to the code;
# - **decoder** x' = sigmoid(W' z + b'), from the code back to the input's size;
# - **loss**: the squared reconstruction error, mean (x' - x)².
#
# (graphnet keeps one sample per row, so in code the products read `x @ W`.)
# Then the **denoising autoencoder**: corrupt the inputs with noise and ask
# for the clean images back.

# %%
import numpy as np

import graphnet as gn
from _tutorial import FAST, plt, show, show_graph
from graphnet.models.autoencoder import Autoencoder, add_noise, autoencoder, reconstruction_error

X, y = gn.data.load_digits()
X = (X / 16.0).astype(np.float32)       # pixels 0..16 -> [0, 1], what a sigmoid can output
X_train, X_test, y_train, y_test = gn.data.train_test_split(X, y, test_size=0.25, seed=0)
print("train", X_train.shape, " test", X_test.shape, " pixel range", X.min(), X.max())

# %% [markdown]
# ## Three models, two layers
#
# `autoencoder(64, 16)` builds the whole network and two views of it: the
# encoder (input -> code) and the decoder (code -> image). All three are made
# of the same two `Dense` layers, so training the autoencoder trains the other
# two with it.

# %%
gn.set_seed(0)
model, encoder, decoder = autoencoder(64, 16, optimizer=gn.optimizers.Adam(0.01))
model.summary()
assert model.layers[1] is encoder.layers[1] and model.layers[2] is decoder.layers[1]  # [0]: the InputLayers
show_graph(gn.draw(model, show=("name", "shape")), "10_autoencoder_model")

# %% [markdown]
# Opened up, each layer is the formula above: a matrix product, a bias and a
# sigmoid. Let us check the encoder's output against the formula written
# with NumPy.

# %%
show_graph(gn.draw(model, expand=True), "10_autoencoder_ops")
W, b = encoder.layers[1].get_weights()  # layers[0] is the InputLayer
by_hand = 1 / (1 + np.exp(-(X_test[:5] @ W + b)))
np.testing.assert_allclose(encoder.predict(X_test[:5]), by_hand, rtol=1e-5)
print("encoder(x) = sigmoid(x W + b): checked on 5 digits")

# %% [markdown]
# ## Training: the input is the target
#
# `fit(X, X)`: the loss compares the output with the input itself.

# %%
epochs = 30 if FAST else 100
history = model.fit(X_train, X_train, epochs=epochs, batch_size=32, verbose=0,
                    validation_data=(X_test, X_test))
print(f"reconstruction error after {epochs} epochs: train {history.history['loss'][-1]:.4f}, "
      f"test {history.history['val_loss'][-1]:.4f}")
ax = gn.viz.plots.plot_history(history)[0]
ax.set_title("64 -> 16 -> 64 on the digits")
show(ax.figure, "10_history")

# %% [markdown]
# What does a reconstruction error of this size mean? A fair yardstick is the
# best "reconstruction" that ignores its input: the average training digit.

# %%
mean_image = np.broadcast_to(X_train.mean(axis=0), X_test.shape)
baseline = reconstruction_error(mean_image, X_test)
test_error = reconstruction_error(model.predict(X_test), X_test)
print(f"test error {test_error:.4f} versus {baseline:.4f} for the mean digit")
assert test_error < 0.5 * baseline

# %% [markdown]
# ## Inputs, codes and reconstructions
#
# Top row: test digits. Middle: their 16 code values, drawn as 4x4 images
# (the code's units have no spatial order; the picture just shows that each
# digit lights up a different pattern). Bottom: what the decoder makes of the
# code.

# %%
n_show = 10
codes = encoder.predict(X_test[:n_show])
rebuilt = decoder.predict(codes)
fig, axes = plt.subplots(3, n_show, figsize=(n_show * 1.1, 3.6))
for k in range(n_show):
    for row, (image, cmap) in enumerate(((X_test[k].reshape(8, 8), "gray_r"),
                                         (codes[k].reshape(4, 4), "viridis"),
                                         (rebuilt[k].reshape(8, 8), "gray_r"))):
        axes[row, k].imshow(image, cmap=cmap, vmin=0, vmax=1)
        axes[row, k].axis("off")
for row, title in enumerate(("input (64)", "code (16)", "output (64)")):
    axes[row, 0].set_title(title, fontsize=8, loc="left")
show(fig, "10_inputs_codes_reconstructions")
np.testing.assert_allclose(rebuilt, model.predict(X_test[:n_show]), rtol=1e-5, atol=1e-6)

# %% [markdown]
# ## How small can the code be?
#
# The narrower the code, the more the network has to throw away. The same
# training for codes of 2 to 32 units:

# %%
sizes = [2, 4, 8, 16, 32]
errors = {}
for size in sizes:
    gn.set_seed(0)
    ae = Autoencoder(64, size, seed=0)
    ae.fit(X_train, epochs=epochs)
    errors[size] = ae.reconstruction_error(X_test)
    print(f"code of {size:2d} units ({64 // size:2d}x compression): test error {errors[size]:.4f}")
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(sizes, [errors[s] for s in sizes], "o-")
ax.axhline(baseline, color="gray", ls="--", label="mean digit")
ax.set_xscale("log", base=2)
ax.set_xlabel("code units")
ax.set_ylabel("test reconstruction error")
ax.legend()
show(fig, "10_code_size")
assert errors[32] < errors[8] < errors[2] < baseline

# %% [markdown]
# Even two numbers per digit beat the mean digit: the code already tells
# digits apart roughly. Each doubling of the code buys a lower error.
#
# ## The denoising autoencoder
#
# Corrupt every input pixel with Gaussian noise times a factor of 0.5, clip
# back into [0, 1], and train the network to output the **clean** image. It
# can no longer copy its input pixel by pixel; it has to know what a digit
# looks like to undo the noise. `Autoencoder(noise_factor=0.5)` draws fresh
# noise every epoch.

# %%
noisy_test = add_noise(X_test, 0.5, seed=1)
assert noisy_test.min() >= 0 and noisy_test.max() <= 1
gn.set_seed(0)
dae = Autoencoder(64, 16, noise_factor=0.5, seed=0)
dae.fit(X_train, epochs=epochs)
noisy_error = reconstruction_error(noisy_test, X_test)
denoised_error = dae.reconstruction_error(noisy_test, X_test)
plain_on_noise = reconstruction_error(model.predict(noisy_test), X_test)
print(f"error of the noisy inputs themselves:        {noisy_error:.4f}")
print(f"plain autoencoder on the noisy inputs:       {plain_on_noise:.4f}")
print(f"denoising autoencoder on the noisy inputs:   {denoised_error:.4f}")
assert denoised_error < noisy_error
assert denoised_error < plain_on_noise

# %% [markdown]
# The denoising autoencoder's output is much closer to the clean digits than
# its noisy input was, and closer than the plain autoencoder gets from the
# same noisy input: that one learnt to copy whatever it is given, noise
# included.

# %%
sample = slice(0, 10)
grid = np.concatenate([X_test[sample], noisy_test[sample], model.predict(noisy_test[sample]),
                       dae.reconstruct(noisy_test[sample])]).reshape(-1, 8, 8)
fig = gn.viz.plots.plot_images(grid, columns=10, ax_size=1.0,
                               title="clean / noisy (factor 0.5) / plain autoencoder / denoising autoencoder")
show(fig, "10_denoising")

# %% [markdown]
# ## 784 -> 144 -> 784 on MNIST
#
# The course's size: 28x28 MNIST digits through a code of 144 units (5.4x
# smaller), on the 5,000-image MNIST sample (fewer images and epochs in fast
# mode).

# %%
M, _ = gn.data.load_mnist_sample()
M = (M / 255.0).astype(np.float32)[: 1000 if FAST else 5000]
M_train, M_test = M[: int(0.8 * len(M))], M[int(0.8 * len(M)):]
gn.set_seed(0)
mnist_ae = Autoencoder(784, 144, seed=0, optimizer=gn.optimizers.Adam(0.01 if FAST else 0.003))
mnist_history = mnist_ae.fit(M_train, epochs=8 if FAST else 20, batch_size=32 if FAST else 64)
mnist_error = mnist_ae.reconstruction_error(M_test)
mnist_baseline = reconstruction_error(np.broadcast_to(M_train.mean(0), M_test.shape), M_test)
print(f"MNIST test error {mnist_error:.4f} versus {mnist_baseline:.4f} for the mean digit")
assert mnist_error < 0.5 * mnist_baseline
rows = [(M_test[:10], 28, "gray_r"), (mnist_ae.encode(M_test[:10]), 12, "viridis"),
        (mnist_ae.reconstruct(M_test[:10]), 28, "gray_r")]
fig, axes = plt.subplots(3, 10, figsize=(11, 3.6))
for row, (images, side, cmap) in enumerate(rows):
    for k in range(10):
        axes[row, k].imshow(images[k].reshape(side, side), cmap=cmap, vmin=0, vmax=1)
        axes[row, k].axis("off")
axes[1, 0].set_title("codes: 144 units as 12x12", fontsize=8, loc="left")
show(fig, "10_mnist_784_144_784")

# %% [markdown]
# ## What to remember
#
# - An autoencoder is a network whose target is its input; the code layer in
#   the middle forces it to compress.
# - Encoder and decoder are ordinary layers: the same graph, loss and `fit`
#   as any other model. `autoencoder()` returns the three models that share
#   them.
# - The denoising variant learns from corrupted inputs and clean targets; it
#   removes noise a plain autoencoder would copy.
