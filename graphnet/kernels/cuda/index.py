"""Where a grid-stride thread's flat item number falls in a channels-last image batch."""
from numba import cuda


@cuda.jit(device=True)
def nhwc(item, H, W, C):
    """(n, row, col, c) of element ``item`` of an (N, H, W, C) array in C order."""
    c = item % C
    col = (item // C) % W
    row = (item // (C * W)) % H
    return item // (C * W * H), row, col, c
