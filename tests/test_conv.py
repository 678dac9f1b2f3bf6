"""Convolution and pooling: kernels against their NumPy references, values by hand,
Keras' shapes and parameter counts for the course's CNNs."""
import numpy as np
import pytest

import graphnet as gn
from graphnet.kernels.cpu import conv as cpu_conv
from graphnet.kernels.cpu import pool as cpu_pool
from graphnet.kernels.dispatch import use
from graphnet.kernels.reference import conv as ref_conv
from graphnet.kernels.reference import pool as ref_pool
from graphnet.nn import (AveragePooling2D, Conv2D, Dense, Dropout, Flatten, GlobalAveragePooling2D,
                         MaxPooling2D)
from graphnet.nn.conv import Conv2DNode, MaxPool2DNode, geometry

CASES = [  # (H, W, kh, kw, sh, sw, padding)
    (5, 7, 3, 3, 1, 1, "valid"), (5, 7, 3, 3, 1, 1, "same"), (6, 5, 2, 3, 2, 1, "same"),
    (7, 7, 3, 2, 2, 3, "valid"), (4, 4, 4, 4, 1, 1, "same"), (9, 6, 1, 1, 2, 2, "valid")]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("H,W,kh,kw,sh,sw,padding", CASES)
def test_unfold_and_fold_match_reference(H, W, kh, kw, sh, sw, padding, dtype):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, H, W, 3)).astype(dtype)
    Ho, top, _ = geometry(H, kh, sh, padding)
    Wo, left, _ = geometry(W, kw, sw, padding)
    got, want = (np.full((2, Ho, Wo, kh, kw, 3), np.nan, dtype) for _ in range(2))
    cpu_conv.unfold(x, kh, kw, sh, sw, top, left, got)
    ref_conv.unfold(x, kh, kw, sh, sw, top, left, want)
    np.testing.assert_array_equal(got, want)
    dcols = rng.normal(size=got.shape).astype(dtype)
    dx_got, dx_want = np.zeros_like(x), np.zeros_like(x)
    cpu_conv.fold(dcols, sh, sw, top, left, dx_got)
    ref_conv.fold(dcols, sh, sw, top, left, dx_want)
    np.testing.assert_allclose(dx_got, dx_want, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-5 if dtype == np.float32 else 0)  # summation order
    # fold is unfold's adjoint: <unfold(x), d> == <x, fold(d)>
    assert np.isclose(np.sum(got.astype(np.float64) * dcols), np.sum(x.astype(np.float64) * dx_got), rtol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("H,W,kh,kw,sh,sw,padding", CASES)
def test_pooling_kernels_match_reference(H, W, kh, kw, sh, sw, padding, dtype):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, H, W, 3)).astype(dtype)
    Ho, top, _ = geometry(H, kh, sh, padding)
    Wo, left, _ = geometry(W, kw, sw, padding)
    outs = [np.empty((2, Ho, Wo, 3), dtype) for _ in range(4)]
    winners = [np.empty((2, Ho, Wo, 3), np.int32) for _ in range(2)]
    cpu_pool.max_pool_forward(x, kh, kw, sh, sw, top, left, outs[0], winners[0])
    ref_pool.max_pool_forward(x, kh, kw, sh, sw, top, left, outs[1], winners[1])
    np.testing.assert_array_equal(outs[0], outs[1])
    np.testing.assert_array_equal(winners[0], winners[1])
    cpu_pool.avg_pool_forward(x, kh, kw, sh, sw, top, left, outs[2])
    ref_pool.avg_pool_forward(x, kh, kw, sh, sw, top, left, outs[3])
    np.testing.assert_allclose(outs[2], outs[3], rtol=1e-5)
    g = rng.normal(size=outs[0].shape).astype(dtype)
    for forward_kernel in ("max", "avg"):
        dx = [np.zeros_like(x), np.zeros_like(x)]
        if forward_kernel == "max":
            cpu_pool.max_pool_backward(g, winners[0], dx[0])
            ref_pool.max_pool_backward(g, winners[1], dx[1])
        else:
            cpu_pool.avg_pool_backward(g, kh, kw, sh, sw, top, left, dx[0])
            ref_pool.avg_pool_backward(g, kh, kw, sh, sw, top, left, dx[1])
        np.testing.assert_allclose(dx[0], dx[1], rtol=1e-5, atol=1e-6)


def test_reference_family_gives_the_same_layer_output():
    rng = np.random.default_rng(2)
    x = gn.tensor(rng.normal(size=(2, 6, 6, 2)))
    W, b = rng.normal(size=(3, 3, 2, 4)), rng.normal(size=4)
    fast = gn.ops.apply(Conv2DNode(1, "same"), x, gn.constant(W), gn.constant(b)).value
    with use("reference"):
        slow = gn.ops.apply(Conv2DNode(1, "same"), x, gn.constant(W), gn.constant(b)).value
    np.testing.assert_allclose(fast, slow, rtol=1e-12)


def test_a_3x3_filter_over_a_3_channel_8x8_image_by_hand():
    rng = np.random.default_rng(3)
    image = rng.integers(0, 10, size=(1, 8, 8, 3)).astype(np.float64)
    kernel = rng.integers(-1, 2, size=(3, 3, 3, 1)).astype(np.float64)
    out = gn.ops.apply(Conv2DNode(), gn.tensor(image), gn.constant(kernel)).value
    assert out.shape == (1, 6, 6, 1)
    for i, j in [(0, 0), (2, 5), (5, 3)]:  # one output pixel: 27 multiply-adds
        by_hand = sum(image[0, i + di, j + dj, c] * kernel[di, dj, c, 0]
                      for di in range(3) for dj in range(3) for c in range(3))
        assert out[0, i, j, 0] == by_hand


def test_max_pooling_by_hand_and_gradient_to_the_winner():
    x = gn.tensor(np.array([[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 1, 1], [7, 1, 3, 9]], float).reshape(1, 4, 4, 1))
    out = gn.ops.apply(MaxPool2DNode(), x)
    assert out.value[0, :, :, 0].tolist() == [[5, 8], [7, 9]]
    out.sum().backward()
    assert x.grad[0, :, :, 0].tolist() == [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [1, 0, 0, 1]]


def test_same_average_pooling_divides_by_real_values_only():
    x = np.arange(9, dtype=float).reshape(1, 3, 3, 1)
    out = AveragePooling2D(2, padding="same")(x).value[0, :, :, 0]
    assert out.tolist() == [[(0 + 1 + 3 + 4) / 4, (2 + 5) / 2], [(6 + 7) / 2, 8.0]]


def test_padding_and_strides_shapes():
    x = np.zeros((2, 28, 28, 1), np.float32)
    assert Conv2D(4, 3)(x).shape == (2, 26, 26, 4)
    assert Conv2D(4, 3, padding="same")(x).shape == (2, 28, 28, 4)
    assert Conv2D(4, 3, strides=2)(x).shape == (2, 13, 13, 4)
    assert Conv2D(4, 5, strides=2, padding="same")(x).shape == (2, 14, 14, 4)
    assert MaxPooling2D(2)(x).shape == (2, 14, 14, 1)
    assert MaxPooling2D(3, strides=2, padding="same")(x).shape == (2, 14, 14, 1)
    assert GlobalAveragePooling2D()(np.ones((2, 5, 5, 3))).shape == (2, 3)


def test_shape_errors_name_the_node():
    with pytest.raises(gn.ShapeError, match="expects images"):
        Conv2D(2, 3)(np.zeros((4, 28, 28)))
    with pytest.raises(gn.ShapeError, match="does not fit"):
        gn.ops.apply(Conv2DNode(), gn.tensor(np.zeros((1, 2, 2, 1))), gn.constant(np.zeros((3, 3, 1, 1))))
    with pytest.raises(gn.ShapeError, match="3 channels"):
        gn.ops.apply(Conv2DNode(), gn.tensor(np.zeros((1, 5, 5, 2))), gn.constant(np.zeros((3, 3, 3, 1))))


def test_conv_layer_input_gradient_is_skipped_for_data():
    layer = Conv2D(2, 3)
    x = gn.tensor(np.ones((1, 5, 5, 1)), requires_grad=False)
    layer(x).sum().backward()
    assert x.grad is None and layer.W.grad.shape == (3, 3, 1, 2)


def test_replay_copies_do_not_share_work_buffers():
    rng = np.random.default_rng(4)
    x = gn.tensor(rng.normal(size=(1, 5, 5, 1)), requires_grad=False)
    layer = Conv2D(2, 3)
    out = layer(x).sum()
    graph = gn.Graph(out)
    graph.forward({x: rng.normal(size=(1, 5, 5, 1))})  # the replay copy gets its own buffer
    out.backward()  # the eager node still differentiates at the tensors' own values
    W = layer.W.value
    expected = np.array([[[[np.sum(x.value[0, di:di + 3, dj:dj + 3, 0])] * 2 for _ in range(1)]
                          for dj in range(3)] for di in range(3)]).reshape(3, 3, 1, 2)
    np.testing.assert_allclose(layer.W.grad, expected, rtol=1e-5)
    assert W is layer.W.value


# --- the course's models: Keras' shapes and counts ---------------------------------------

def summary_rows(model):
    return [(l.output_shape, l.count_params()) for l in model.layers]


def test_first_course_cnn():
    model = gn.Sequential([Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)), MaxPooling2D(2),
                           Conv2D(64, 3, activation="relu"), MaxPooling2D(2),
                           Conv2D(128, 3, activation="relu"), Flatten(), Dense(10, activation="softmax")])
    assert summary_rows(model) == [((None, 26, 26, 32), 320), ((None, 13, 13, 32), 0),
                                   ((None, 11, 11, 64), 18_496), ((None, 5, 5, 64), 0),
                                   ((None, 3, 3, 128), 73_856), ((None, 1152), 0), ((None, 10), 11_530)]
    assert "Total params: 104,202" in model.summary_text()


def test_keras_mnist_cnn():
    model = gn.Sequential([Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
                           Conv2D(64, 3, activation="relu"), MaxPooling2D(2), Dropout(0.25), Flatten(),
                           Dense(128, activation="relu"), Dropout(0.5), Dense(10, activation="softmax")])
    assert summary_rows(model) == [((None, 26, 26, 32), 320), ((None, 24, 24, 64), 18_496),
                                   ((None, 12, 12, 64), 0), ((None, 12, 12, 64), 0), ((None, 9216), 0),
                                   ((None, 128), 1_179_776), ((None, 128), 0), ((None, 10), 1_290)]
    assert model.count_params() == 1_199_882


def test_cifar_style_net_with_10_filters_and_tiny_net_with_5():
    cifar = gn.Sequential([Conv2D(10, 3, activation="relu", padding="same", input_shape=(32, 32, 3)),
                           MaxPooling2D(2), Conv2D(10, 3, activation="relu"), MaxPooling2D(2), Flatten(),
                           Dense(10, activation="softmax")])
    assert summary_rows(cifar) == [((None, 32, 32, 10), 280), ((None, 16, 16, 10), 0),
                                   ((None, 14, 14, 10), 910), ((None, 7, 7, 10), 0),
                                   ((None, 490), 0), ((None, 10), 4_910)]
    tiny = gn.Sequential([Conv2D(5, 3, activation="relu", input_shape=(28, 28, 1)), MaxPooling2D(2),
                          Flatten(), Dense(10, activation="softmax")])
    assert summary_rows(tiny) == [((None, 26, 26, 5), 50), ((None, 13, 13, 5), 0),
                                  ((None, 845), 0), ((None, 10), 8_460)]


def test_residual_block_with_the_functional_api():
    from graphnet.nn import Activation, Add, Input
    gn.set_seed(0)
    x = Input((6, 6, 4), name="image")
    path = Conv2D(4, 3, padding="same", activation="relu")(x)
    path = Conv2D(4, 3, padding="same")(path)
    out = Activation("relu")(Add()([x, path]))  # the skip connection: two paths joined by +
    model = gn.Model(x, Dense(2, activation="softmax")(Flatten()(out)))
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "Conv2D", "Conv2D", "Add", "Activation",
                                                        "Flatten", "Dense"]
    source = gn.draw(model, show=("name", "shape")).source
    assert source.count("Conv2D") >= 2 and "+" in source
    # the gradient reaches the input along both paths
    images = gn.tensor(np.random.default_rng(0).normal(size=(1, 6, 6, 4)))
    report = gn.gradcheck(lambda t: model(t).sum(), images.value)
    assert report.ok, report


def test_layer_outputs_and_filter_pictures():
    import matplotlib
    matplotlib.use("Agg")
    from graphnet.viz import plots
    model = gn.Sequential([Conv2D(3, 3, activation="relu", input_shape=(8, 8, 1)), MaxPooling2D(2),
                           Flatten(), Dense(2)])
    maps = model.layer_outputs(np.ones((2, 8, 8, 1), np.float32))
    assert {k: v.shape for k, v in maps.items()} == {
        model.layers[0].name: (2, 6, 6, 3), model.layers[1].name: (2, 3, 3, 3),
        model.layers[2].name: (2, 27), model.layers[3].name: (2, 2)}
    assert len(plots.plot_filters(model.layers[0].W.value).axes) == 8
    assert len(plots.plot_feature_maps(maps[model.layers[0].name], columns=3).axes) == 3


def test_expand_by_layer_name_or_op_and_stride_labels():
    model = gn.Sequential([Conv2D(2, 2, input_shape=(4, 4, 1), name="edges"),
                           MaxPooling2D(3, strides=1, padding="same")])
    for key in ("edges", "conv2d", "Conv2D"):
        assert "cluster" in gn.draw(model, expand=[key]).source
    assert "strides=1x1" in gn.draw(model).source  # a stride unlike the pool's own size is shown
