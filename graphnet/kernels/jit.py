"""Numba compilation with switchable on-disk caching.

``GRAPHNET_NUMBA_CACHE=0`` turns caching off (useful while editing kernels: a
cached caller does not notice a changed callee in another file). With caching
on, a read-only install still imports: when Numba finds no writable cache
directory, the kernel is compiled without caching instead of failing.
"""
import os


def caching_enabled():
    return os.environ.get("GRAPHNET_NUMBA_CACHE", "1") not in ("0", "false", "no")


def _with_cache_fallback(decorate, fn, **options):
    if caching_enabled():
        try:
            return decorate(cache=True, **options)(fn)
        except RuntimeError:  # "cannot cache function ...: no locator available"
            pass
    return decorate(cache=False, **options)(fn)


def njit(fn=None, **options):
    """``numba.njit`` with graphnet's caching policy; usable as ``@njit`` or ``@njit(...)``."""
    import numba
    if fn is None:
        return lambda f: _with_cache_fallback(numba.njit, f, **options)
    return _with_cache_fallback(numba.njit, fn, **options)


def vectorize(signatures, **options):
    """``numba.vectorize`` (a compiled NumPy ufunc) with graphnet's caching policy."""
    import numba
    return lambda fn: _with_cache_fallback(
        lambda **kw: numba.vectorize(signatures, **kw), fn, **options)
