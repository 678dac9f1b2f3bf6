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
# # 7. Convolutional networks
#
# A dense layer connects every input to every unit. For images that is wasteful
# (turning a 28x28 digit into 32 pictures of the same size that way would take
# millions of weights), and it ignores the one thing we know about pictures: nearby pixels
# belong together, and a stroke means the same thing wherever it appears.
#
# A **convolution** slides one small filter (say 3x3) over the whole image and
# computes, at every position, the same weighted sum of the pixels under it.
# The filter's few weights are shared by all positions. Stacked with pooling
# and a dense head, that is a **convolutional network** (CNN).
#
# The plan:
#
# 1. an image is a height x width x channels array;
# 2. one convolution by hand (27 multiply-adds per output pixel) and by the node;
# 3. strides and padding, output sizes by formula and by the layer; ReLU;
# 4. pooling (max, average, global average) and where max pooling's gradient goes;
# 5. flatten, dense head, softmax: the course's models and their parameter counts;
# 6. the first course model trained on real MNIST digits: curves, confusion
#    matrix, learned filters, feature maps;
# 7. the CNN as a graph, and one convolution opened into its sliding-window sum;
# 8. data augmentation by one-pixel shifts;
# 9. a little history: LeNet-5, AlexNet, GoogLeNet, ResNet (with a residual block).

# %%
import numpy as np

import graphnet as gn
from _tutorial import FAST, plt, show, show_graph, show_stepper
from graphnet.nn import (Activation, Add, AveragePooling2D, Concatenate, Conv2D, Dense, Dropout,
                         Flatten, GlobalAveragePooling2D, Input, MaxPooling2D)
from graphnet.nn.conv import AvgPool2DNode, Conv2DNode, MaxPool2DNode, geometry, output_size
from graphnet.viz import Stepper, plots

gn.set_seed(7)


def titled(fig, title):
    """A title above a grid of small images, clear of the labels of its first row."""
    fig.suptitle(title, y=1.0 + 0.25 / fig.get_figheight())
    return fig


# %% [markdown]
# ## An image is a height x width x channels array
#
# A grey-scale digit is one number per pixel; a colour photo has three per
# pixel (red, green, blue), the **channels**. graphnet, like Keras, puts the
# channels last, and a batch of images first: `(batch, height, width,
# channels)`. MNIST digits come as integers 0..255; we scale them to [0, 1].

# %%
X_mnist, y_mnist = gn.data.load_mnist_sample(as_images=True)   # shuffled: the file is sorted by label
X_mnist = X_mnist / 255.0
print("MNIST sample:", X_mnist.shape, X_mnist.dtype, "labels", y_mnist[:10])
assert X_mnist.shape == (5000, 28, 28, 1) and X_mnist.min() == 0 and X_mnist.max() == 1
assert np.array_equal(np.bincount(y_mnist), [500] * 10)

digit = X_mnist[0]
print(f"one digit (a {y_mnist[0]}), a {digit.shape} array; rows 12-16, columns 4-13:")
print(np.round(digit[12:17, 4:14, 0], 1))

# %% [markdown]
# For the hand computation we use a small colour image: 8x8 pixels, 3 channels,
# whole numbers 0..9 so that every product is exact.

# %%
rng = np.random.default_rng(7)
image = rng.integers(0, 10, size=(1, 8, 8, 3)).astype(np.float64)   # a batch of one
print("image:", image.shape, "= (batch, height, width, channels)")
print("the red channel:\n", image[0, :, :, 0].astype(int))

fig, axes = plt.subplots(1, 4, figsize=(10, 2.8))
axes[0].imshow(image[0] / 9)
axes[0].set_title("8x8x3 as colour")
for c, (ax, colour) in enumerate(zip(axes[1:], ["Reds", "Greens", "Blues"])):
    ax.imshow(image[0, :, :, c], cmap=colour, vmin=0, vmax=9)
    ax.set_title(f"channel {c} ({colour[:-1].lower()})")
axes[0].set_xticks([])
axes[0].set_yticks([])
show(fig, "07_image_channels")

# %% [markdown]
# ## One convolution, by hand and by the node
#
# A 3x3 filter over a 3-channel image is a 3x3x3 block of weights: it covers
# 3x3 pixels **and all their channels**. At each position the output is
#
# out[i, j] = Σ over di, dj in 0..2 and c in 0..2 of image[i + di, j + dj, c] · W[di, dj, c] + b
#
# that is 3 · 3 · 3 = **27 multiply-adds** per output pixel, plus the bias.
# With `padding='valid'` (windows stay inside the image) an 8x8 image gives
# 6x6 positions. A layer has several filters; each gives its own output
# channel (a **feature map**). Here, 2 filters with weights -1, 0 or 1.

# %%
W = rng.integers(-1, 2, size=(3, 3, 3, 2)).astype(np.float64)   # (kh, kw, in channels, filters)
b = np.array([1.0, -2.0])
print("filter 0, channel 0:\n", W[:, :, 0, 0].astype(int))

window = image[0, 0:3, 0:3, :]       # the 3x3x3 block under output pixel (0, 0)
terms = [f"{window[di, dj, c]:g}·{W[di, dj, c, 0]:g}".replace("·-1", "·(-1)")
         for di in range(3) for dj in range(3) for c in range(3)]
print(f"out[0, 0, filter 0] = {' + '.join(terms)} + {b[0]:g}")
print("                    =", np.sum(window * W[:, :, :, 0]) + b[0])
assert len(terms) == 27


def convolve_by_hand(image, W, b, i, j, f):
    """One output pixel: 27 multiply-adds and a bias, written out as loops."""
    total = 0.0
    for di in range(3):
        for dj in range(3):
            for c in range(3):
                total += image[0, i + di, j + dj, c] * W[di, dj, c, f]
    return total + b[f]


# %% [markdown]
# The node does the same for every position and filter at once. (Inside, it
# unfolds every 3x3x3 window into a row of 27 numbers, with a Numba kernel,
# and multiplies all rows by the 27 x 2 weight matrix in one BLAS call: the
# same sums, in the order a CPU likes.)

# %%
out = gn.ops.apply(Conv2DNode(), gn.tensor(image), gn.constant(W), gn.constant(b)).value
print("node output:", out.shape, "= (batch, 6, 6, filters)")
for i, j in [(0, 0), (2, 5), (5, 3)]:
    for f in range(2):
        by_hand = convolve_by_hand(image, W, b, i, j, f)
        print(f"pixel ({i}, {j}) filter {f}: by hand {by_hand:5g}, by the node {out[0, i, j, f]:5g}")
        assert out[0, i, j, f] == by_hand
full_by_hand = np.array([[[convolve_by_hand(image, W, b, i, j, f) for f in range(2)] for j in range(6)]
                         for i in range(6)])
assert out.shape == (1, 6, 6, 2) and np.array_equal(out[0], full_by_hand)

# %% [markdown]
# The node's backward is checked against finite differences like every other
# node (`gradcheck`): the gradient reaches the image, the kernel and the bias.

# %%
report = gn.gradcheck(Conv2DNode(), rng.normal(size=(1, 5, 5, 3)), rng.normal(size=(3, 3, 3, 2)),
                      rng.normal(size=2))
print(report)
assert report.ok

# %% [markdown]
# ## What a filter does
#
# Before any learning, a filter can be designed. The classic vertical-edge
# filter (Sobel) takes the pixels on the left minus the pixels on the right:
# it is large where brightness changes from left to right, and 0 on flat
# areas. Its transpose finds horizontal edges. Applied to a digit:

# %%
sobel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float32)
edges_kernel = np.stack([sobel, sobel.T], axis=-1)[:, :, None, :]   # (3, 3, 1 channel, 2 filters)
edges = gn.ops.apply(Conv2DNode(padding="same"), gn.tensor(digit[None]), gn.constant(edges_kernel)).value

fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
axes[0].imshow(digit[:, :, 0], cmap="gray_r")
axes[0].set_title(f"a {y_mnist[0]}")
for ax, f, what in zip(axes[1:], range(2), ["vertical edges", "horizontal edges"]):
    limit = np.abs(edges[0, :, :, f]).max()
    ax.imshow(edges[0, :, :, f], cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(what)
for ax in axes:
    ax.axis("off")
show(fig, "07_edge_filters")
assert edges.shape == (1, 28, 28, 2)
assert np.all(edges[0, :3, :, :] == 0)   # the top rows of the digit are blank: no edges there

# %% [markdown]
# Ink is the high value here. Red marks where the values fall from left to
# right (the right-hand edge of a stroke) or from top to bottom (a stroke's
# lower edge); blue marks where they rise. A CNN **learns** its filters
# instead; we will look at the learned ones below.
#
# Because the same filter is used everywhere, a convolution is
# **translation equivariant**: shift the image and the feature map shifts
# with it (away from the border, where padding comes in).

# %%
moved = gn.data.shift_images(digit[None], 2, 1)   # 2 pixels right, 1 down
edges_moved = gn.ops.apply(Conv2DNode(padding="same"), gn.tensor(moved), gn.constant(edges_kernel)).value
assert np.allclose(edges_moved[0, 1:-1, 2:-1], edges[0, :-2, :-3])
print("conv(shift(image)) == shift(conv(image)) away from the border")

# %% [markdown]
# ## Strides and padding
#
# Two settings decide where the windows go:
#
# - **strides**: how far the window moves each step. Stride 2 skips every
#   other position and roughly halves height and width.
# - **padding**: `'valid'` keeps windows inside the image, so a k x k window
#   loses k - 1 rows and columns; `'same'` adds a border of zeros so that
#   with stride 1 the output has the same size as the input.
#
# Along each axis, for an input of n pixels, a window of k and a stride of s:
#
# | padding | output size |
# |---|---|
# | `'valid'` | floor((n - k) / s) + 1 |
# | `'same'` | ceil(n / s) |
#
# For `'same'`, Keras pads (out - 1) · s + k - n zeros in total, half before
# and half after, the odd one after. We check the formula against
# `output_size` and against the shapes the layer actually produces.

# %%
print(f"{'n':>3} {'k':>2} {'s':>2} {'padding':8} {'formula':>7} {'layer':>6}")
for n, k, s, padding in [(28, 3, 1, "valid"), (28, 3, 1, "same"), (28, 3, 2, "valid"), (28, 3, 2, "same"),
                         (28, 5, 2, "same"), (8, 3, 1, "valid"), (7, 3, 2, "valid"), (32, 3, 1, "same")]:
    formula = (n - k) // s + 1 if padding == "valid" else -(-n // s)
    layer_out = Conv2D(1, k, strides=s, padding=padding)(np.zeros((1, n, n, 1), np.float32)).shape[1]
    print(f"{n:>3} {k:>2} {s:>2} {padding:8} {formula:>7} {layer_out:>6}")
    assert formula == output_size(n, k, s, padding) == layer_out

# where 'same' puts its zeros: (output size, zeros before, zeros after)
for n, k, s in [(8, 3, 1), (7, 3, 2), (8, 3, 2)]:
    print(f"n={n}, k={k}, s={s}: 'same' gives", geometry(n, k, s, "same"))
assert geometry(8, 3, 1, "same") == (8, 1, 1) and geometry(8, 3, 2, "same") == (4, 0, 1)

# %% [markdown]
# Stride 2 by hand: on a 5x5 image a 3x3 window fits at rows and columns 0 and
# 2, so the output is 2x2. And `'same'` with stride 1 is exactly `'valid'` on
# the image with one ring of zeros around it.

# %%
five = np.arange(25, dtype=np.float64).reshape(1, 5, 5, 1)
ones = np.ones((3, 3, 1, 1))
strided = gn.ops.apply(Conv2DNode(strides=2), gn.tensor(five), gn.constant(ones)).value[0, :, :, 0]
print("5x5 image:\n", five[0, :, :, 0].astype(int))
print("3x3 sums with stride 2:\n", strided)
assert strided.tolist() == [[five[0, i:i + 3, j:j + 3, 0].sum() for j in (0, 2)] for i in (0, 2)]

same = gn.ops.apply(Conv2DNode(padding="same"), gn.tensor(image), gn.constant(W), gn.constant(b)).value
ringed = np.pad(image, ((0, 0), (1, 1), (1, 1), (0, 0)))   # 10x10x3, zeros around
valid_on_ringed = gn.ops.apply(Conv2DNode(), gn.tensor(ringed), gn.constant(W), gn.constant(b)).value
print("'same' on 8x8:", same.shape, "  'valid' on the zero-ringed 10x10:", valid_on_ringed.shape)
assert same.shape == (1, 8, 8, 2) and np.array_equal(same, valid_on_ringed)

# %% [markdown]
# ## ReLU
#
# A convolution is linear; as in dense networks, a nonlinearity comes after
# it, almost always ReLU: max(0, x), applied to every number of every feature
# map. On the edge maps above, ReLU keeps the red edges and zeroes the blue
# ones. `Conv2D(..., activation='relu')` fuses it into the convolution node
# (one pass over memory instead of two), with the same result:

# %%
fused = gn.ops.apply(Conv2DNode(padding="same", activation="relu"), gn.tensor(digit[None]),
                     gn.constant(edges_kernel)).value
print(f"negative edge values before ReLU: {np.mean(edges < 0):.1%} of the map; after: {np.mean(fused < 0):.1%}")
assert np.mean(edges < 0) > 0.05 and np.array_equal(fused, np.maximum(edges, 0))

# %% [markdown]
# ## Pooling
#
# **Max pooling** keeps the largest value of each window. A 2x2 pool with
# stride 2 (the default) halves height and width: it keeps "is this feature
# present around here" and forgets exactly where. By hand on a 4x4 example,
# each 2x2 block gives its maximum:

# %%
grid = np.array([[1, 3, 2, 1],
                 [4, 2, 0, 1],
                 [5, 1, 7, 8],
                 [0, 6, 3, 2]], dtype=np.float64)
by_hand = grid.reshape(2, 2, 2, 2).max(axis=(1, 3))   # (block row, row in block, block col, col in block)
x4 = gn.tensor(grid.reshape(1, 4, 4, 1), name="x")
pooled = gn.ops.apply(MaxPool2DNode(2), x4)
print("by hand:\n", by_hand, "\nby the node:\n", pooled.value[0, :, :, 0])
assert by_hand.tolist() == [[4, 2], [6, 8]]
assert np.array_equal(pooled.value[0, :, :, 0], by_hand)

# %% [markdown]
# **Where the gradient goes.** The output 4 came from the single input 4; the
# other three numbers in its window did not affect it at all (nudge them a
# little and the maximum stays 4). So each output's gradient goes back to its
# window's **winner only**, and the losers get 0. To see the routing, we send
# back a different gradient from each output: 10, 20, 30 and 40.

# %%
upstream = np.array([[10.0, 20.0], [30.0, 40.0]]).reshape(1, 2, 2, 1)
(pooled * gn.constant(upstream)).sum().backward()
print("gradient reaching the 4x4 input:\n", x4.grad[0, :, :, 0])
expected = np.zeros((4, 4))
expected[1, 0], expected[0, 2], expected[3, 1], expected[2, 3] = 10, 20, 30, 40   # the winners 4, 2, 6, 8
assert np.array_equal(x4.grad[0, :, :, 0], expected)

# %% [markdown]
# **Average pooling** keeps the mean of each window instead, and so shares each
# output's gradient equally among its four inputs (a quarter each).
# **Global average pooling** averages each channel over the whole image:
# (batch, h, w, c) becomes (batch, c), one number per feature map. Modern
# networks often use it in place of Flatten before the head: the head then
# needs far fewer weights, and the same network accepts images of any size.

# %%
x4 = gn.tensor(grid.reshape(1, 4, 4, 1), name="x")
averaged = gn.ops.apply(AvgPool2DNode(2), x4)
(averaged * gn.constant(upstream)).sum().backward()
print("average pooling:\n", averaged.value[0, :, :, 0])
print("its gradient:\n", x4.grad[0, :, :, 0])
assert averaged.value[0, :, :, 0].tolist() == [[2.5, 1.0], [3.0, 5.0]]
assert np.array_equal(x4.grad[0, :, :, 0], np.kron(upstream[0, :, :, 0], np.ones((2, 2))) / 4)
assert AveragePooling2D(2)(grid.reshape(1, 4, 4, 1)).shape == (1, 2, 2, 1)

two_channels = np.stack([grid, 10 * grid], axis=-1)[None]   # (1, 4, 4, 2)
gap = GlobalAveragePooling2D()(two_channels).value
print("global average pooling of a (1, 4, 4, 2) batch:", gap, "shape", gap.shape)
assert gap.shape == (1, 2) and np.allclose(gap, [[grid.mean(), 10 * grid.mean()]])

# %% [markdown]
# ## Flatten, a dense head, softmax
#
# After a few convolution and pooling layers, each image is a small stack of
# feature maps. `Flatten` lines its numbers up into one vector (no weights, no
# arithmetic), a `Dense` layer maps it to one score per class, and softmax
# turns the scores into probabilities that sum to 1. This is the classifier of
# chapters 3 and 6, now reading learned features instead of raw pixels.

# %%
maps = rng.normal(size=(2, 3, 3, 128)).astype(np.float32)   # two images' final feature maps
flat = Flatten()(maps)
probs = Dense(10, activation="softmax")(flat)
print("feature maps", maps.shape, "-> Flatten", flat.shape, "-> Dense + softmax", probs.shape)
assert flat.shape == (2, 3 * 3 * 128) and probs.shape == (2, 10)
assert np.allclose(probs.value.sum(axis=1), 1, atol=1e-6)

# %% [markdown]
# ## The course's models, and where the parameters are
#
# A convolution layer's parameters do not depend on the image size: each of
# its F filters has kh · kw · C weights (C input channels) and one bias.
# A dense layer has inputs · units weights and units biases.
#
# **Model 1**, the one we will train:
# Conv2D(32, 3) - MaxPool(2) - Conv2D(64, 3) - MaxPool(2) - Conv2D(128, 3) -
# Flatten - Dense(10). On 28x28x1: each 3x3 valid convolution takes 2 off the
# height and the width, each pool halves them (rounding down).
#
# | layer | output | parameters |
# |---|---|---|
# | Conv2D(32, 3) | 26x26x32 | 3·3·1·32 + 32 = 320 |
# | MaxPool(2) | 13x13x32 | 0 |
# | Conv2D(64, 3) | 11x11x64 | 3·3·32·64 + 64 = 18,496 |
# | MaxPool(2) | 5x5x64 | 0 |
# | Conv2D(128, 3) | 3x3x128 | 3·3·64·128 + 128 = 73,856 |
# | Flatten | 1152 | 0 |
# | Dense(10) | 10 | 1152·10 + 10 = 11,530 |
#
# 104,202 in total. `summary()` prints Keras' columns, and graphnet's extra
# ones: activation memory and floating-point operations per image, and the
# kernel that runs each layer.

# %%
def course_cnn():
    return gn.Sequential([
        Input((28, 28, 1), name="digit"),      # the same as input_shape=(28, 28, 1) on conv1
        Conv2D(32, 3, activation="relu", name="conv1"),
        MaxPooling2D(2, name="pool1"),
        Conv2D(64, 3, activation="relu", name="conv2"),
        MaxPooling2D(2, name="pool2"),
        Conv2D(128, 3, activation="relu", name="conv3"),
        Flatten(name="flatten"),
        Dense(10, activation="softmax", name="output"),
    ], name="course_cnn")


def rows(model):
    return [(layer.output_shape, layer.count_params()) for layer in model.layers]


model = course_cnn()
model.summary()
table = model.summary_text()  # the same table as a string, to check it
assert rows(model) == [((None, 26, 26, 32), 3 * 3 * 1 * 32 + 32), ((None, 13, 13, 32), 0),
                       ((None, 11, 11, 64), 3 * 3 * 32 * 64 + 64), ((None, 5, 5, 64), 0),
                       ((None, 3, 3, 128), 3 * 3 * 64 * 128 + 128), ((None, 1152), 0),
                       ((None, 10), 1152 * 10 + 10)]
assert "Total params: 104,202" in table
conv2, conv3 = model.get_layer("conv2"), model.get_layer("conv3")
assert conv2.count_params() < conv3.count_params() / 3 and conv2.flops_per_sample() > 3 * conv3.flops_per_sample()

# %% [markdown]
# Parameters and arithmetic are different things: conv2 has a quarter of
# conv3's parameters but more than three times its floating-point operations,
# because it runs its filters at 11 · 11 = 121 positions and conv3 at only 9
# (each position costs 2 operations per weight, a multiply and an add).
#
# Weight sharing is what makes this affordable: the first layer maps 784
# pixels to 26 · 26 · 32 = 21,632 numbers with 320 parameters. A dense layer
# doing the same would need 784 · 21,632 + 21,632, about 17 million.
#
# **Model 2**, Keras' classic `mnist_cnn` example: two convolutions before
# the first pool, dropout, and a 128-unit hidden dense layer:
#
# | layer | output | parameters |
# |---|---|---|
# | Conv2D(32, 3) | 26x26x32 | 320 |
# | Conv2D(64, 3) | 24x24x64 | 3·3·32·64 + 64 = 18,496 |
# | MaxPool(2) | 12x12x64 | 0 |
# | Dropout(0.25), Flatten | 9216 | 0 |
# | Dense(128) | 128 | 9216·128 + 128 = 1,179,776 |
# | Dropout(0.5), Dense(10) | 10 | 128·10 + 10 = 1,290 |

# %%
print("a dense layer in place of conv1 would need", f"{784 * 21_632 + 21_632:,}", "parameters")
keras_mnist = gn.Sequential([
    Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
    Conv2D(64, 3, activation="relu"),
    MaxPooling2D(2),
    Dropout(0.25),
    Flatten(),
    Dense(128, activation="relu"),
    Dropout(0.5),
    Dense(10, activation="softmax"),
], name="keras_mnist_cnn")
keras_mnist.summary()
table = keras_mnist.summary_text()
assert rows(keras_mnist) == [((None, 26, 26, 32), 320), ((None, 24, 24, 64), 18_496),
                             ((None, 12, 12, 64), 0), ((None, 12, 12, 64), 0), ((None, 9216), 0),
                             ((None, 128), 9216 * 128 + 128), ((None, 128), 0), ((None, 10), 128 * 10 + 10)]
assert keras_mnist.count_params() == 1_199_882 and "Total params: 1,199,882" in table
dense_share = keras_mnist.layers[5].count_params() / keras_mnist.count_params()
print(f"the Dense(128) layer holds {dense_share:.1%} of the parameters")
assert dense_share > 0.98

# %% [markdown]
# 98% of Model 2's parameters sit in the one dense layer after Flatten: a
# 12x12x64 map flattened is 9,216 inputs. The convolutions, which do the
# seeing, are cheap in parameters (they are expensive in arithmetic, as the
# FLOPs column shows). Model 1 pools more and ends with a 3x3 map, so its head
# is small.
#
# **Model 3**, CIFAR-style: colour images 32x32x3 and 10 filters per layer.
# `'same'` padding keeps the first layer at 32x32; each filter now spans 3
# channels, so it has 3·3·3 = 27 weights and a bias.
#
# **Model 4**, a tiny MNIST net: 5 filters, one pool, the head.

# %%
cifar = gn.Sequential([
    Conv2D(10, 3, activation="relu", padding="same", input_shape=(32, 32, 3)),
    MaxPooling2D(2),
    Conv2D(10, 3, activation="relu"),
    MaxPooling2D(2),
    Flatten(),
    Dense(10, activation="softmax"),
], name="cifar_style")
cifar.summary()
assert rows(cifar) == [((None, 32, 32, 10), 3 * 3 * 3 * 10 + 10), ((None, 16, 16, 10), 0),
                       ((None, 14, 14, 10), 3 * 3 * 10 * 10 + 10), ((None, 7, 7, 10), 0),
                       ((None, 490), 0), ((None, 10), 490 * 10 + 10)]
assert cifar.count_params() == 280 + 910 + 4_910

tiny = gn.Sequential([
    Conv2D(5, 3, activation="relu", input_shape=(28, 28, 1)),
    MaxPooling2D(2),
    Flatten(),
    Dense(10, activation="softmax"),
], name="tiny_cnn")
tiny.summary()
assert rows(tiny) == [((None, 26, 26, 5), 3 * 3 * 1 * 5 + 5), ((None, 13, 13, 5), 0),
                      ((None, 845), 0), ((None, 10), 845 * 10 + 10)]
assert tiny.count_params() == 50 + 8_460

# %% [markdown]
# ## Training Model 1 on real MNIST digits
#
# The 5,000-digit MNIST sample, shuffled, split 80/20 with the same share of
# each digit on both sides (`stratify`). The 1,000 test digits are not
# touched until the end; the curves use 10% of the training digits as
# validation. Adam with learning rate 0.002, batches of 32.
#
# (In fast mode, used by the test suite, we train on 2,000 digits for two
# epochs; the full run uses all 4,000 for five.)

# %%
X_train, X_test, y_train, y_test = gn.data.train_test_split(X_mnist, y_mnist, test_size=0.2, seed=0,
                                                            stratify=y_mnist)
if FAST:
    X_train, y_train = X_train[:2000], y_train[:2000]
epochs = 2 if FAST else 5
print(f"training on {len(X_train)} digits (10% of them for validation), testing on {len(X_test)}")

fig = plots.plot_images(X_train[:20], labels=y_train[:20], columns=10, ax_size=0.9)
show(fig, "07_mnist_digits")

gn.set_seed(0)
model = course_cnn()
model.compile(gn.optimizers.Adam(learning_rate=2e-3), "sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(X_train, y_train, epochs=epochs, batch_size=32, validation_split=0.1, verbose=2)

# %%
axes = plots.plot_history(history)
axes[0].figure.suptitle("Model 1 on the MNIST sample: training (solid) and validation (dashed)")
show(axes[0].figure, "07_history")

test_loss, test_accuracy = model.evaluate(X_test, y_test, verbose=0)
print(f"held-out test set: loss {test_loss:.4f}, accuracy {test_accuracy:.3f}")
assert history.history["loss"][-1] < history.history["loss"][0]
assert test_accuracy >= (0.85 if FAST else 0.95)

# %% [markdown]
# About 96% of digits the network never saw are right after five epochs on
# 3,600 images (96 to 97% from run to run; fast mode: lower, with half the
# data and two epochs). The validation loss levels off after two or three
# epochs while the training loss keeps falling: with more epochs this small
# training set would start to be memorised. The confusion matrix shows which
# digits are taken for which: rows are the true digit, columns the prediction.

# %%
predicted = model.predict(X_test).argmax(axis=1)
cm = gn.metrics.confusion_matrix(y_test, predicted)
print(cm)
assert np.isclose(np.trace(cm) / cm.sum(), test_accuracy)

fig, ax = plt.subplots(figsize=(6, 5))
plots.plot_confusion_matrix(cm, ax=ax)
ax.set_title(f"1,000 held-out digits, accuracy {test_accuracy:.3f}")
show(fig, "07_confusion_matrix")

wrong = np.flatnonzero(predicted != y_test)[:10]
fig = plots.plot_images(X_test[wrong], labels=[f"{t}→{p}" for t, p in zip(y_test[wrong], predicted[wrong])],
                        columns=10, ax_size=0.9)
titled(fig, "some mistakes (true → predicted)")
show(fig, "07_mistakes")

# %% [markdown]
# Many of the mistakes are digits a person would hesitate over too.
#
# ## What the network learned: filters and feature maps
#
# The first layer's 32 filters are 3x3 patches of weights, drawn red for
# positive and blue for negative (white is 0; each filter on its own scale).
# Each responds to a small pattern: an edge at some angle, a bright spot, a
# gradient. (3x3 is small, so these are tiny pieces of strokes; the deeper
# layers combine them into larger parts.)

# %%
first_kernel = model.get_layer("conv1").W.value
assert first_kernel.shape == (3, 3, 1, 32)
fig = titled(plots.plot_filters(first_kernel, title=None), "conv1: the 32 learned 3x3 filters")
for ax in fig.axes:   # centre each filter's colour scale on 0, so that white means 0
    for picture in ax.get_images():
        limit = np.abs(picture.get_array()).max()
        picture.set_clim(-limit, limit)
show(fig, "07_learned_filters")

# %% [markdown]
# The **feature maps** are what each layer outputs for one image, one small
# picture per channel. `layer_outputs` runs the model once and returns every
# layer's activations by name. Going deeper, the maps get smaller (pooling
# and valid convolutions) and more numerous (more filters), and look less and
# less like the digit: they say *what* is present more than *where*.

# %%
example = X_test[:1]
outputs = model.layer_outputs(example)
for name, value in outputs.items():
    print(f"{name:8s} {value.shape}")
assert [v.shape for v in outputs.values()] == [(1, 26, 26, 32), (1, 13, 13, 32), (1, 11, 11, 64),
                                               (1, 5, 5, 64), (1, 3, 3, 128), (1, 1152), (1, 10)]
assert np.allclose(outputs["output"], model.predict(example), atol=1e-6)
assert all(np.all(outputs[name] >= 0) for name in ("conv1", "conv2", "conv3"))   # after ReLU

fig = plots.plot_images(example, labels=[f"input: a {y_test[0]}"], columns=1, ax_size=2)
show(fig, "07_feature_maps_input")
for name in ("conv1", "pool1", "conv2", "pool2", "conv3"):
    maps = outputs[name][0, :, :, :16]    # the first 16 channels of each layer
    fig = titled(plots.plot_feature_maps(maps, columns=8, ax_size=1.0),
                 f"{name}: {outputs[name].shape[1:]} (first 16 channels)")
    show(fig, f"07_feature_maps_{name}")

# %% [markdown]
# conv1's maps are still recognisably the digit, each lit where its filter's
# pattern occurs (some edges, some the stroke's body). pool1 keeps the same
# picture at half the size. conv2's maps pick out parts: a stroke's end, a
# curve, a crossing. By conv3 the maps are 3x3: nine coarse positions and 128
# detectors, several of them silent (all 0 after ReLU) for this digit; the
# dense head reads those 1,152 numbers.
#
# ## The network as a graph
#
# At layer level the CNN is a chain: each layer one composite node (double
# outline) fed by its weights (orange), and each output named after its layer.
# Shapes are those of one traced sample, with `None` for the batch. Flatten
# is the reshape node `batchreshape`.

# %%
layer_graph = gn.draw(model, show=("name", "shape"))
show_graph(layer_graph, "07_cnn_graph")
assert all(name in layer_graph.source for name in ("conv1", "conv2", "conv3", "pool1", "output"))

# %% [markdown]
# Opening a convolution shows the sliding-window sum it stands for. On a
# 28x28 image with 32 filters that would be unreadable, so we take the
# smallest honest case: one 2x2 filter on a 4x4 single-channel image. The
# output is 3x3. The node expands into four terms, one per window offset
# (di, dj) in {0, 1} x {0, 1}: the 3x3 slice of the image starting at
# (di, dj), `[:, di:di+3, dj:dj+3, :]`, times the kernel entry W[di, dj],
# all added up, plus the bias. Every output pixel thereby gets its 4
# multiply-adds. (The last node, `identity`, is the layer's activation:
# none here.) `expand=["Conv2D"]` names which nodes to open, by op or by
# node name.

# %%
small = gn.Sequential([Input((4, 4, 1), name="image"), Conv2D(1, 2, name="conv")], name="one_filter")
expanded = gn.draw(small, show=("name", "shape"), expand=["Conv2D"])
show_graph(expanded, "07_conv_expanded")
assert expanded.source.count("MatMul") == 4   # one product per window offset
assert "0:3:1, 1:4:1" in expanded.source      # the slice for offset (0, 1)

# the expansion computes what the fused node computes
x_small = gn.tensor(rng.normal(size=(1, 4, 4, 1)))
W_small, b_small = small.layers[0].W, small.layers[0].b
node = Conv2DNode()
fused_out = gn.ops.apply(node, x_small, W_small, b_small).value
assert np.allclose(node.expand(x_small, W_small, b_small).value, fused_out)

# %% [markdown]
# `expand=True` would open every composite node of a model (try it on
# `model`; it is big). Pooling opens the same way: a 2x2 max pool on the 4x4
# example is the elementwise maximum of four strided slices, one per window
# offset, taken with three `max` nodes.

# %%
pool_only = gn.Sequential([Input((4, 4, 1), name="grid"), MaxPooling2D(2, name="pool")], name="pool_only")
pool_expanded = gn.draw(pool_only, show=("name", "shape"), expand=["MaxPool2D"])
show_graph(pool_expanded, "07_maxpool_expanded")
assert pool_expanded.source.count("Maximum") == 3
assert np.array_equal(pool_only.predict(grid.reshape(1, 4, 4, 1))[0, :, :, 0], by_hand)

# %% [markdown]
# ## Backpropagation through a convolution, step by step
#
# The smallest network that still has every part: the 4x4 image, one 2x2
# filter, flatten, and a Dense output trained with the squared error. The
# stepper opens the layers (`depth=1`), so the convolution runs as its four
# window terms, each slice and product a frame of its own, before the fused
# Conv2D node computes the same numbers in one go; backward then visits the
# same terms in reverse, and each window's gradient lands on its kernel
# entry. Small tensors show their numbers, so every multiply-add can be
# checked by hand.

# %%
tiny = gn.Sequential([Input((4, 4, 1), name="image"), Conv2D(1, 2, name="conv"), Flatten(name="flat"),
                      Dense(1, name="out")], name="tiny_cnn")
tiny.compile("sgd", "mse")
tiny_image = grid.reshape(1, 4, 4, 1).astype("float32") / 10
stepper = Stepper(tiny, batch=(tiny_image, np.ones((1, 1), "float32")), depth=1,
                  title="one 2x2 filter, stepped through")
conv_steps = [f for f in stepper if f.depth == 1 and f.phase == "forward" and f.title.startswith("forward 1/")]
print(len(stepper), "frames;", len(conv_steps), "of them inside the convolution, forward")
show_stepper(stepper, "07_tiny_cnn_steps")
assert sum(f.node.startswith("matmul") for f in conv_steps) == 4  # one product per window offset

# %% [markdown]
# The trained MNIST model steps the same way, one frame per layer; its tensors
# are too big for numbers, so each shows as a small heatmap of its values and
# gradients with its colour scale (blue negative, red positive). `focus=1` also
# draws each frame as the current layer with what it reads and writes, beside
# the whole graph: open the page and press `v` to switch between the two.

# %%
cnn_steps = Stepper(model, batch=(X_test[:2], y_test[:2]), focus=1, title="the trained CNN on two test digits")
print(len(cnn_steps), "frames; forward:")
for frame in cnn_steps:
    if frame.phase == "forward":
        print("  ", frame.title)
show_stepper(cnn_steps, "07_cnn_steps")

# %% [markdown]
# After training, `draw(model, grad_flow=True)` colours every box by the size
# of its gradient in the last training batch: how strongly each layer was
# being pushed when training stopped.

# %%
flow = gn.draw(model, grad_flow=True, show=("name", "shape", "grad"))
show_graph(flow, "07_cnn_last_batch_gradients")
assert "last training batch" in flow.source and "grad ?" not in flow.source

# %% [markdown]
#
# ## Data augmentation: one-pixel shifts
#
# Pooling forgives a little movement, but a CNN is not fully shift-invariant:
# the dense head reads positions. How much does a one-pixel shift hurt?
# First, our trained MNIST model on the test digits moved one pixel (right,
# left, down, up: 4,000 images):

# %%
X_moved, y_moved = gn.data.augment_with_shifts(X_test, y_test)
X_moved, y_moved = X_moved[len(X_test):], y_moved[len(X_test):]    # drop the originals
moved_accuracy = model.evaluate(X_moved, y_moved, verbose=0)[1]
print(f"MNIST test digits: {test_accuracy:.3f} as they are, {moved_accuracy:.3f} moved one pixel")
assert moved_accuracy > test_accuracy - (0.1 if FAST else 0.05)

# %% [markdown]
# Only a little (about a point in the full run). MNIST digits are drawn about
# 20 pixels tall in the middle of a 28x28 frame, so a one-pixel move loses no
# ink and is small next to the digit. The 8x8 digits of `load_digits` are
# another matter: one pixel is an eighth of the image, and a quarter of the
# ink lies on the outermost ring of pixels, so a shift pushes part of the
# digit out of the picture. The share of ink on the outer ring:

# %%
X8, y8 = gn.data.load_digits(as_images=True)
X8 = X8 / 16.0


def ink_on_outer_ring(images):
    ring = np.ones(images.shape[1:3], bool)
    ring[1:-1, 1:-1] = False
    return images[:, ring].sum() / images.sum()


print(f"MNIST 28x28: {ink_on_outer_ring(X_mnist):.2%}   digits 8x8: {ink_on_outer_ring(X8):.0%}")
assert ink_on_outer_ring(X_mnist) < 0.001 and ink_on_outer_ring(X8) > 0.2

# %% [markdown]
# There the course's augmentation, every training image plus copies shifted
# one pixel in each of the four directions, makes a real difference. Three
# CNNs, each measured on the ordinary test images and on shifted copies of
# them:
#
# - trained on the original images;
# - trained on the original images for five times as many epochs (the same
#   number of updates as the augmented run, so the comparison is not just
#   "more training");
# - trained on the five-fold augmented set.

# %%
X8_train, X8_test, y8_train, y8_test = gn.data.train_test_split(X8, y8, test_size=0.3, seed=0, stratify=y8)
X8_aug, y8_aug = gn.data.augment_with_shifts(X8_train, y8_train)
X8_moved, y8_moved = gn.data.augment_with_shifts(X8_test, y8_test)
X8_moved, y8_moved = X8_moved[len(X8_test):], y8_moved[len(X8_test):]
print(f"{len(X8_train)} training images -> {len(X8_aug)} with shifted copies")


def small_cnn():
    return gn.Sequential([Conv2D(16, 3, activation="relu", padding="same", input_shape=(8, 8, 1)),
                          MaxPooling2D(2),
                          Conv2D(32, 3, activation="relu", padding="same"),
                          MaxPooling2D(2),
                          Flatten(),
                          Dense(10, activation="softmax")])


def train_and_score(X, y, epochs):
    gn.set_seed(0)
    net = small_cnn()
    net.compile(gn.optimizers.Adam(2e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    net.fit(X, y, epochs=epochs, batch_size=32, verbose=0)
    return [net.evaluate(a, b, verbose=0)[1] for a, b in ((X8_test, y8_test), (X8_moved, y8_moved))]


base_epochs = 4 if FAST else 10
runs = {"original images": train_and_score(X8_train, y8_train, base_epochs),
        "original, 5x epochs": train_and_score(X8_train, y8_train, 5 * base_epochs),
        "with shifted copies": train_and_score(X8_aug, y8_aug, base_epochs)}
for name, (plain, moved) in runs.items():
    print(f"{name:20s} test accuracy {plain:.3f}, on test images moved one pixel {moved:.3f}")

fig, ax = plt.subplots(figsize=(7, 3.5))
positions = np.arange(len(runs))
for offset, k, label in ((-0.2, 0, "test images"), (0.2, 1, "moved one pixel")):
    bars = ax.bar(positions + offset, [r[k] for r in runs.values()], 0.4, label=label)
    ax.bar_label(bars, fmt="%.2f", fontsize=8)
ax.set_xticks(positions, list(runs))
ax.set_ylim(0, 1.2)
ax.set_yticks(np.linspace(0, 1, 6))
ax.set_ylabel("accuracy")
ax.legend(loc="upper left", ncol=2)
ax.set_title("8x8 digits, a small CNN")
show(fig, "07_augmentation")

# %%
(plain, plain_moved), (longer, longer_moved), (aug, aug_moved) = runs.values()
assert aug_moved > max(plain_moved, longer_moved) + 0.2   # shifts it was shown: learned
assert aug > min(plain, longer) - 0.02                    # and no worse on the usual test set

# %% [markdown]
# Honestly read: on the usual test images the augmented model is as good as
# the longer-trained baseline (the short baseline is a little behind: it has
# had a fifth of the updates). On moved images the models trained without
# shifts lose a third or more of their accuracy, and training longer does not
# help; the augmented one barely notices. Convolution gives position-independence of
# *features*, not of the whole decision: the network still has to be shown
# that a moved digit is the same digit. (Chapter 5 ran the same experiment with
# a dense network.)
#
# ## A little history, and a residual block
#
# - **LeNet-5** (LeCun et al., 1998) read handwritten digits on bank cheques:
#   two convolution + average-pooling stages and three dense layers, about
#   60,000 parameters, the pattern every CNN here still follows.
# - **AlexNet** (Krizhevsky, Sutskever and Hinton, 2012) won the ImageNet
#   challenge by a wide margin with the same recipe made big (five
#   convolutions, 60 million parameters) plus ReLU, dropout and two GPUs, and
#   started the deep-learning boom.
# - **GoogLeNet** (Szegedy et al., 2014) built its network from **inception**
#   modules, in which 1x1, 3x3 and 5x5 convolutions and a pooling run side by
#   side and their feature maps are concatenated, with 1x1 convolutions to
#   keep the channel count (and the cost) down.
# - **ResNet** (He et al., 2015) added **skip connections**: a block's input is
#   added to its output, so a block only has to learn a correction to the
#   identity, and gradients reach early layers through the shortcut; that let
#   networks grow to 152 layers.
#
# LeNet-5 in today's notation (28x28 digits padded to keep LeNet's sizes,
# tanh, average pooling) has the classic 61,706 parameters:

# %%
lenet = gn.Sequential([
    Conv2D(6, 5, activation="tanh", padding="same", input_shape=(28, 28, 1)),
    AveragePooling2D(2),
    Conv2D(16, 5, activation="tanh"),
    AveragePooling2D(2),
    Flatten(),
    Dense(120, activation="tanh"),
    Dense(84, activation="tanh"),
    Dense(10, activation="softmax"),
], name="lenet5")
lenet.summary()
assert [layer.output_shape for layer in lenet.layers][:5] == [(None, 28, 28, 6), (None, 14, 14, 6),
                                                               (None, 10, 10, 16), (None, 5, 5, 16),
                                                               (None, 400)]
assert lenet.count_params() == (5 * 5 * 1 * 6 + 6) + (5 * 5 * 6 * 16 + 16) + (400 * 120 + 120) \
    + (120 * 84 + 84) + (84 * 10 + 10) == 61_706

# %% [markdown]
# A **residual block** is not a chain, so it is written with the functional
# API: the input goes along two paths, two convolutions on one and nothing
# on the other, and `Add` joins them before the final ReLU. `'same'` padding
# and an equal number of filters keep both paths the same shape, as an
# addition requires.

# %%
images = Input((28, 28, 1), name="image")
stem = Conv2D(8, 3, padding="same", activation="relu", name="stem")(images)
path = Conv2D(8, 3, padding="same", activation="relu", name="res_conv1")(stem)
path = Conv2D(8, 3, padding="same", name="res_conv2")(path)
joined = Activation("relu", name="res_relu")(Add(name="skip_add")([stem, path]))   # the skip connection
features = GlobalAveragePooling2D(name="gap")(joined)
resnet = gn.Model(images, Dense(10, activation="softmax", name="output")(features), name="residual")
resnet.summary()
assert [type(layer).__name__ for layer in resnet.layers] == ["InputLayer", "Conv2D", "Conv2D", "Conv2D", "Add",
                                                              "Activation", "GlobalAveragePooling2D",
                                                              "Dense"]
assert resnet.count_params() == 80 + 2 * (3 * 3 * 8 * 8 + 8) + (8 * 10 + 10)

residual_graph = gn.draw(resnet, show=("name", "shape"))
show_graph(residual_graph, "07_residual_block")
assert "skip_add" in residual_graph.source

# %% [markdown]
# In the drawing the stem's output has two outgoing edges: one into the
# convolutions, one straight to the addition. Why that helps: if the path's
# weights are zero, the block passes its input through unchanged (ReLU of a
# ReLU output is itself). A deep stack of such blocks starts out close to the
# identity, and each block learns only what to add.

# %%
conv2_layer = resnet.get_layer("res_conv2")
saved = conv2_layer.get_weights()
conv2_layer.set_weights([np.zeros_like(w) for w in saved])
block_outputs = resnet.layer_outputs(X_test[:2])
assert np.allclose(block_outputs["res_relu"], block_outputs["stem"])
print("with the path's last convolution at zero, the block is the identity")
conv2_layer.set_weights(saved)

# %% [markdown]
# An inception module is the same idea sideways: four paths from one input,
# joined by `Concatenate` along the channels rather than by addition, so the
# paths may have different numbers of filters.

# %%
x_in = Input((28, 28, 16), name="feature_maps")
branches = [
    Conv2D(8, 1, activation="relu", name="1x1")(x_in),
    Conv2D(12, 3, padding="same", activation="relu", name="3x3")(
        Conv2D(6, 1, activation="relu", name="reduce_3x3")(x_in)),
    Conv2D(4, 5, padding="same", activation="relu", name="5x5")(
        Conv2D(2, 1, activation="relu", name="reduce_5x5")(x_in)),
    Conv2D(4, 1, activation="relu", name="pool_proj")(
        MaxPooling2D(3, strides=1, padding="same", name="pool")(x_in)),
]
inception = gn.Model(x_in, Concatenate(name="concat")(branches), name="inception_module")
inception.summary()
assert inception.outputs[0].shape[1:] == (28, 28, 8 + 12 + 4 + 4)
show_graph(gn.draw(inception, show=("name", "shape")), "07_inception_module")

# %% [markdown]
# ## Summary
#
# | idea | in graphnet |
# |---|---|
# | image | array (batch, height, width, channels) |
# | convolution | `Conv2D(filters, kernel_size, strides, padding, activation)`: kh·kw·C·F + F parameters, one fused node that expands into a sliding-window sum |
# | output size | valid: floor((n - k)/s) + 1; same: ceil(n/s) (`output_size`) |
# | pooling | `MaxPooling2D` (gradient to the winner), `AveragePooling2D`, `GlobalAveragePooling2D` |
# | head | `Flatten`, `Dense(..., activation='softmax')` |
# | looking inside | `summary()`, `plot_filters`, `layer_outputs` + `plot_feature_maps`, `draw(..., expand=...)` |
# | more data for free | `augment_with_shifts` |
# | beyond a chain | `Add` (residual), `Concatenate` (inception) with the functional API |
