"""``model.summary()``: Keras' table, and what Keras does not show.

Beyond Keras' columns (layer and type, output shape, parameters, totals), each
row gives the memory its activations take per sample, the floating-point
operations per sample of its forward pass, and the kernel that runs it.
"""


def _shape(shape):
    return "(" + ", ".join("None" if s is None else str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def _bytes(n):
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.2f} {unit}"
        n /= 1024


def summary_text(model):
    itemsize = model.outputs[0].dtype.itemsize
    header = ("Layer (type)", "Output Shape", "Param #", "Act. mem/sample", "FLOPs/sample", "Kernel")
    rows = []
    for layer in model.layers:
        shape = layer.output_shape or ()
        size = 1
        for s in shape[1:]:
            size *= s
        rows.append((f"{layer.name} ({type(layer).__name__})", _shape(shape), f"{layer.count_params():,}",
                     _bytes(size * itemsize), f"{layer.flops_per_sample():,}",
                     "-" if type(layer).__name__ == "InputLayer" else layer.kernel))  # it runs nothing
    widths = [max(len(r[i]) for r in rows + [header]) + 3 for i in range(len(header))]
    width = sum(widths) - 3
    rule = "_" * width
    out = [f'Model: "{model.name}"', rule,
           "".join(c.ljust(w) for c, w in zip(header, widths)).rstrip(), "=" * width]
    for k, row in enumerate(rows):
        out.append("".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        out.append(rule if k < len(rows) - 1 else "=" * width)
    total = model.count_params()
    trainable = sum(p.size for p in model.trainable_weights)
    param_bytes = sum(p.size * p.dtype.itemsize for p in model.weights)
    flops = sum(layer.flops_per_sample() for layer in model.layers)
    out += [f"Total params: {total:,} ({_bytes(param_bytes)})",
            f"Trainable params: {trainable:,}",
            f"Non-trainable params: {total - trainable:,}",
            f"Forward FLOPs per sample: {flops:,}", rule]
    return "\n".join(out)
