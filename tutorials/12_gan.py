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
# # 12. Generative adversarial networks
#
# A **generative adversarial network** (GAN) learns to produce samples that
# look like the data, without ever writing down a probability. Two networks
# play against each other:
#
# - the **generator** G turns random noise z into a sample G(z);
# - the **discriminator** D looks at a sample and outputs the probability that
#   it is real data rather than a fake from G.
#
# They train in turns, two feedback loops:
#
# 1. **the discriminator's loop**: show D a batch of real samples labelled 1
#    and a batch of G's fakes labelled 0; one step of binary cross-entropy,
#    only D's weights move;
# 2. **the generator's loop**: noise goes through G and on through D, labelled
#    1 ("these are real"). The gradient of that loss flows back through the
#    *frozen* D into G; only G's weights move. G gets better exactly in the
#    direction that fools D.
#
# In graphnet the two networks are two ordinary models, and the generator's
# loop is a third, `combined` = D(G(z)), built from the same layers.

# %%
import numpy as np

import graphnet as gn
from _tutorial import FAST, plt, show, show_graph
from graphnet.models.gan import GAN, make_discriminator, make_generator

# %% [markdown]
# ## A one-dimensional target
#
# The data: numbers drawn from a Gaussian with mean 4 and standard deviation
# 1.25. The generator gets four noise numbers z ~ N(0, 1) per sample and has
# one hidden layer of 16 ReLUs; the discriminator has two hidden layers of 32.

# %%
MEAN, STD = 4.0, 1.25
real_rng = np.random.default_rng(100)


def real_samples(n):
    return real_rng.normal(MEAN, STD, (n, 1)).astype(np.float32)


def gaussian_pdf(x):
    return np.exp(-0.5 * ((x - MEAN) / STD) ** 2) / (STD * np.sqrt(2 * np.pi))


gn.set_seed(0)
generator = make_generator(latent_dim=4, output_dim=1, hidden=(16,))
discriminator = make_discriminator(input_dim=1, hidden=(32, 32))
gan = GAN(generator, discriminator, latent_dim=4, seed=0,
          d_optimizer=gn.optimizers.Adam(0.002, beta_1=0.5, decay=2e-3),
          g_optimizer=gn.optimizers.Adam(0.002, beta_1=0.5, decay=2e-3))
generator.summary()
discriminator.summary()

# %% [markdown]
# The combined model is the generator's graph feeding the discriminator's:
# the generator's loss is computed at D's output, and backprop runs through
# both.

# %%
show_graph(gn.draw(gan.combined, show=("name", "shape")), "12_combined_graph")
shared = {id(layer) for layer in generator.layers + discriminator.layers}
assert {id(layer) for layer in gan.combined.layers[1:]} == shared  # [0]: its own InputLayer, the noise

# %% [markdown]
# ## The two loops, one step each
#
# `train_discriminator(real)` is loop 1 and `train_generator(n)` loop 2. Each
# must move only its own network's weights: D's layers are switched to
# `trainable = False` during the generator's step, so D's parameters are
# leaves without gradients in the combined graph.

# %%
def weights(model):
    return [w.copy() for w in model.get_weights()]


g_before, d_before = weights(generator), weights(discriminator)
d_loss, d_real, d_fake = gan.train_discriminator(real_samples(64))
assert all(np.array_equal(u, w) for u, w in zip(g_before, weights(generator)))
assert not all(np.array_equal(u, w) for u, w in zip(d_before, weights(discriminator)))
d_after = weights(discriminator)
g_loss = gan.train_generator(64)
assert all(np.array_equal(u, w) for u, w in zip(d_after, weights(discriminator)))
assert not all(np.array_equal(u, w) for u, w in zip(g_before, weights(generator)))
print(f"discriminator step: loss {d_loss:.3f} (D(real) = {d_real:.3f}, D(fake) = {d_fake:.3f}); "
      f"generator step: loss {g_loss:.3f}")

# %% [markdown]
# With the label 1, binary cross-entropy on D(G(z)) is -log D(G(z)): the
# generator lowers it by making D believe its samples. (The original
# minimax game has G *maximise* log(1 - D(G(z))) instead; that gives almost no
# gradient early on, when D rejects every fake with confidence. Flipping the
# labels is Goodfellow's fix.)

# %%
state = gan.rng.bit_generator.state
z = gan.noise_batch(32)
by_hand = -np.mean(np.log(gan.discriminate(gan.sample(32, z))))
gan.rng.bit_generator.state = state           # the generator step draws the same z
assert abs(gan.train_generator(32) - by_hand) < 1e-4 * abs(by_hand)
print(f"-mean log D(G(z)) = {by_hand:.4f}: the generator's loss")

# %% [markdown]
# ## Training: the generated distribution approaches the target
#
# Alternate the two loops on batches of 64, and take snapshots of the
# generator's output along the way. The learning rates decay slowly
# (`decay=2e-3`): a GAN's two players tend to circle round the balance point,
# and smaller steps later on let them settle.

# %%
steps = 2500 if FAST else 6000
grid = np.linspace(-2, 10, 200)
start_samples = gan.sample(4000)
snapshots, verdicts = {}, {}
for until in (0, 50, 100, 200, 400, steps):
    if until:
        gan.train(real_samples, steps=until - len(gan.history["d_loss"]), batch_size=64)
    snapshots[until] = gan.sample(4000)[:, 0]
    verdicts[until] = gan.discriminate(grid[:, None])
for step, s in snapshots.items():
    print(f"step {step:5d}: generated mean {s.mean():6.3f}, std {s.std():5.3f}   (target {MEAN}, {STD})")

# %%
shown = list(snapshots)
fig, axes = plt.subplots(1, len(shown), figsize=(3 * len(shown), 2.8), sharey=True)
for ax, step in zip(axes, shown):
    ax.hist(snapshots[step], bins=60, range=(-2, 10), density=True, alpha=0.6, label="generated")
    ax.plot(grid, gaussian_pdf(grid), "k", label="target N(4, 1.25)")
    ax.set_title(f"step {step}")
    ax.set_xlim(-2, 10)
axes[0].legend(fontsize=7)
show(fig, "12_gaussian_over_training")

final = snapshots[steps]
assert abs(final.mean() - MEAN) < 0.3 and abs(final.std() - STD) < 0.3
start_gap = abs(start_samples.mean() - MEAN) + abs(start_samples.std() - STD)
final_gap = abs(final.mean() - MEAN) + abs(final.std() - STD)
assert final_gap < 0.2 * start_gap

# %% [markdown]
# The generator starts with a narrow lump near 0 (it knows nothing), moves
# to the target and then shapes its width. Meanwhile the discriminator's
# verdict D(x): early on it says "real" on the target's side and "fake" on
# the generator's; after training it is flat near 1/2 wherever the data
# lives, because there the two distributions coincide and it cannot tell.
# That is the game's equilibrium. (Far out, where neither real nor fake
# samples fall, nothing trains D and its answer means nothing.)

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.5))
ax1.plot(grid, verdicts[50], label="D(x) after 50 steps", ls="--")
ax1.plot(grid, verdicts[steps], label=f"D(x) after {steps} steps")
ax1.plot(grid, gaussian_pdf(grid) / gaussian_pdf(MEAN), "k:", label="target density (scaled)")
ax1.set_xlabel("x")
ax1.legend(fontsize=8)
window = 50
smooth = lambda values: np.convolve(values, np.ones(window) / window, mode="valid")  # noqa: E731
ax2.plot(smooth(gan.history["d_real"]), label="D(real)")
ax2.plot(smooth(gan.history["d_fake"]), label="D(fake)")
ax2.axhline(0.5, color="gray", lw=0.8)
ax2.set_xlabel("step")
ax2.set_title(f"discriminator scores ({window}-step average)")
ax2.legend(fontsize=8)
show(fig, "12_discriminator")
assert abs(np.mean(gan.history["d_real"][-100:]) - 0.5) < 0.1
assert abs(np.mean(gan.history["d_fake"][-100:]) - 0.5) < 0.1
bulk = (grid > MEAN - 1.5 * STD) & (grid < MEAN + 1.5 * STD)
print(f"D(x) over the target's bulk: after 50 steps {verdicts[50][bulk].min():.2f}..{verdicts[50][bulk].max():.2f}, "
      f"after training {verdicts[steps][bulk].min():.2f}..{verdicts[steps][bulk].max():.2f}")
assert np.abs(verdicts[steps][bulk] - 0.5).max() < 0.1
assert np.ptp(verdicts[steps][bulk]) < np.ptp(verdicts[50][bulk])

# %% [markdown]
# ## Digit-like samples
#
# The same two loops on the 8x8 digits, scaled to [0, 1]. The generator maps
# 16 noise numbers through 64 ReLUs to 64 sigmoid pixels; the discriminator
# has 64 leaky ReLUs. Snapshots show the samples taking shape.

# %%
X, y = gn.data.load_digits()
X = (X / 16.0).astype(np.float32)
X_train, X_test, y_train, y_test = gn.data.train_test_split(X, y, test_size=0.25, seed=0)
gn.set_seed(0)
digit_gan = GAN(make_generator(16, 64, hidden=(64,), output_activation="sigmoid"),
                make_discriminator(64, hidden=(64,), activation="leaky_relu"), latent_dim=16, seed=0,
                d_optimizer=gn.optimizers.Adam(0.002, beta_1=0.5, decay=1e-3),
                g_optimizer=gn.optimizers.Adam(0.002, beta_1=0.5, decay=1e-3))
fixed_z = digit_gan.noise_batch(10)       # the same noise at every snapshot
digit_steps = 3000 if FAST else 9000
frames = {0: digit_gan.sample(10, fixed_z)}
untrained = digit_gan.sample(1000)
digit_gan.train(X_train, steps=digit_steps, batch_size=64, every=digit_steps // 3,
                callback=lambda step, model: frames.__setitem__(step, model.sample(10, fixed_z)))
fig = gn.viz.plots.plot_images(np.concatenate(list(frames.values())).reshape(-1, 8, 8), columns=10,
                               ax_size=1.0, title="the same noise after steps " + ", ".join(map(str, frames)))
show(fig, "12_digit_samples_over_training")

# %%
fig = gn.viz.plots.plot_images(digit_gan.sample(40).reshape(-1, 8, 8), columns=10, ax_size=1.0,
                               title=f"40 generated digits after {digit_steps} steps")
show(fig, "12_generated_digits")

# %% [markdown]
# ## How good are they, honestly?
#
# There is no loss that says how good a GAN's samples are. Two rough checks
# with a digit classifier trained on the real digits: which digits does it
# think the samples are (does the GAN produce all ten, or has it collapsed onto
# a few?), and how far is each sample from its nearest training image (is it
# new, or a copy?).

# %%
gn.set_seed(0)
classifier = gn.Sequential([gn.layers.Dense(64, activation="relu", input_shape=(64,)),
                            gn.layers.Dense(10, activation="softmax")])
classifier.compile(gn.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
classifier.fit(X_train, y_train, epochs=20, verbose=0)
print("classifier test accuracy:",
      round(classifier.evaluate(X_test, y_test, verbose=0, return_dict=True)["accuracy"], 3))

generated = digit_gan.sample(1000)
counts_before = np.bincount(classifier.predict(untrained).argmax(1), minlength=10)
counts_after = np.bincount(classifier.predict(generated).argmax(1), minlength=10)
print("predicted digits, untrained generator:", counts_before)
print("predicted digits, trained generator:  ", counts_after)
assert (counts_after >= 20).sum() >= 8        # at least 8 of the 10 digits are well represented
assert counts_before.max() > counts_after.max()


def nearest_distance(samples, reference):
    d = (samples ** 2).sum(1)[:, None] + (reference ** 2).sum(1)[None] - 2 * samples @ reference.T
    return np.sqrt(np.maximum(d.min(axis=1), 0))


to_train_generated = nearest_distance(generated[:300], X_train).mean()
to_train_real = nearest_distance(X_test[:300], X_train).mean()
print(f"mean distance to the nearest training digit: generated {to_train_generated:.2f}, "
      f"real test digits {to_train_real:.2f}")
assert to_train_generated > 0.5        # not copies of training images
assert to_train_generated > to_train_real

# %% [markdown]
# The trained generator spreads its samples over (nearly) every digit,
# where the untrained one produced a single blob. Its samples are not copies
# of training images. But they lie further from the training digits than
# real unseen digits do, and many are smudged or ambiguous: a small dense GAN
# after a few thousand steps makes digit-*like* images, not convincing ones.
# Convolutional generators and discriminators (DCGAN) and much longer training
# are what it takes for sharp samples.
#
# ## What to remember
#
# - A GAN is two networks and two alternating loops: D learns real (1)
#   versus fake (0); G learns, through the frozen D, to get its fakes called
#   real (flipped labels, -log D(G(z))).
# - The combined model D(G(z)) shares both networks' layers; freezing means
#   D's parameters get no gradient while G trains.
# - At equilibrium D(x) ≈ 1/2 everywhere the data lives: it cannot tell.
# - Judging a GAN needs outside measures (coverage of the classes, novelty),
#   not its losses.
