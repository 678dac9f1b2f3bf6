"""Independent pieces of a node's work on every core: one Python thread per core,
each calling single-threaded BLAS and GIL-free Numba kernels.

Why not let BLAS thread each matrix product, as NumPy does by default? Between
products run single-threaded Numba loops (unfold, fold, gate math), and during
them BLAS's idle worker thread spins on the other core, waiting for the next
product: that core does nothing useful, and on the virtual machines measured
here it also slowed the loop down, in some processes twofold. Splitting the
batch instead keeps every core on real work. Measured on 2 cores, a convolution's forward and
backward: 25 ms this way against 31 ms with BLAS threading each product.

A BLAS worker keeps spinning for about 0.1 s after its last product, so one
threaded product anywhere in a training step would spin through every split
after it. A graph with nodes that split their work (``splits_work``) therefore
runs with BLAS held to one thread throughout (``one_blas_thread``). Graphs
without them (an MLP) keep BLAS's own threads: splitting a product of a few
million multiply-adds across Python threads costs more than it saves.

``GRAPHNET_THREADS=1`` runs everything on the calling thread (with BLAS's own
threads, as plain NumPy would).
"""
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np

from ..config import env_count

_state = threading.local()  # in_worker: a pool thread (no nested splitting); held: BLAS at one thread
_pool, _blas = [None], [None]
_lock = threading.Lock()


def _forget_pool():
    """A forked child has none of the parent's threads: it starts a pool of its own."""
    _pool[0] = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def workers():
    """How many threads split a node's work (1: no splitting)."""
    if getattr(_state, "in_worker", False):
        return 1
    return env_count("GRAPHNET_THREADS", min(os.cpu_count() or 1, 8))


def _mark_worker():
    _state.in_worker = True


def _blas_controller():
    if _blas[0] is None:
        from threadpoolctl import ThreadpoolController
        _blas[0] = ThreadpoolController()
    return _blas[0]


@contextmanager
def one_blas_thread():
    """Holds BLAS to one thread for the block, when graphnet splits work itself
    (more than one worker). Nested blocks cost nothing."""
    if workers() == 1 or getattr(_state, "held", False):
        yield
        return
    _state.held = True
    try:
        with _blas_controller().limit(limits=1, user_api="blas"):
            yield
    finally:
        _state.held = False


def split(work, shares):
    """``[work(slot, share) for slot, share in enumerate(shares)]``, the calls running
    side by side on the pool's threads with BLAS held to one thread each. With one
    share (or one worker) it is a plain call on this thread."""
    if len(shares) == 1:
        return [work(0, shares[0])]
    with _lock:
        if _pool[0] is None:
            _pool[0] = ThreadPoolExecutor(max(1, workers() - 1), thread_name_prefix="graphnet",
                                          initializer=_mark_worker)
    with one_blas_thread():
        futures = [_pool[0].submit(work, slot, share) for slot, share in enumerate(shares) if slot]
        was_worker, _state.in_worker = getattr(_state, "in_worker", False), True
        try:  # the calling thread takes a share itself, unsplit
            first = work(0, shares[0])
        finally:
            _state.in_worker = was_worker
        return [first] + [f.result() for f in futures]


# Handing a share to another thread costs about 0.1 ms on these machines (waking
# it); work below about half a millisecond of one core stays on the calling thread.
MIN_SPLIT_FLOPS = 5e7


def cores_for(flops, like=None):
    """How many threads a piece of work of ``flops`` operations should use (1 for
    small work, and for GPU arrays)."""
    if like is not None and not isinstance(like, np.ndarray):
        return 1
    return workers() if flops >= MIN_SPLIT_FLOPS else 1


def row_slices(length, n):
    """``range(length)`` cut into at most ``n`` contiguous, nearly equal, non-empty slices."""
    cuts = [length * k // n for k in range(n + 1)]
    return [slice(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def add_up(partials):
    """The sum of the threads' partial results (the first one left unchanged)."""
    return sum(partials[1:], partials[0])


def deal(items, n):
    """``items`` dealt round-robin into at most ``n`` non-empty hands: neighbouring
    chunks go to different threads, so both finish at about the same time."""
    hands = [items[k::n] for k in range(n)]
    return [hand for hand in hands if hand]
