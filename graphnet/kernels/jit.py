"""Numba compilation with switchable on-disk caching.

``GRAPHNET_NUMBA_CACHE=0`` turns caching off (useful while editing kernels: a
cached caller does not notice a changed callee in another file). With caching
on, a read-only install still imports: when Numba finds no writable cache
directory, the kernel is compiled without caching instead of failing. A cache
that cannot be read (a truncated or corrupted file) is warned about once per
cache directory and the kernel compiled without it, instead of every later run
failing with "pickle data was truncated".
"""
import warnings

from ..config import env_flag

_warned = set()  # cache directories already warned about


def caching_enabled():
    return env_flag("GRAPHNET_NUMBA_CACHE", True)


def _cache_dir(fn):
    try:
        from numba.core.caching import FunctionCache
        return FunctionCache(fn).cache_path
    except Exception:  # no locator: then there is no cache to name
        return "Numba's cache directory"


def _warn_unreadable(where, fn, exc):
    if where in _warned:
        return
    _warned.add(where)
    warnings.warn(f"graphnet: the Numba cache of {fn.__module__}.{fn.__qualname__} in {where} cannot "
                  f"be read ({type(exc).__name__}: {exc}); compiling without the cache. Delete "
                  "that directory to rebuild it, or set GRAPHNET_NUMBA_CACHE=0.",
                  RuntimeWarning, stacklevel=4)


class _TolerantCache:
    """A dispatcher's disk cache that, when a cached kernel cannot be loaded, warns and
    lets Numba compile afresh: Numba would raise at every call, in every later run."""

    def __init__(self, dispatcher, fn):
        self._dispatcher, self._fn, self._cache = dispatcher, fn, dispatcher._cache

    def load_overload(self, sig, target_context):
        try:
            return self._cache.load_overload(sig, target_context)
        except Exception as exc:
            _warn_unreadable(self._cache.cache_path, self._fn, exc)
            from numba.core.caching import NullCache
            self._dispatcher._cache = NullCache()  # saving would read the broken index again
            return None

    def __getattr__(self, name):
        if name == "_cache":  # not set yet (a copy being made): no recursion
            raise AttributeError(name)
        return getattr(self._cache, name)


def _with_cache_fallback(decorate, fn, **options):
    if not caching_enabled():
        return decorate(cache=False, **options)(fn)
    try:
        compiled = decorate(cache=True, **options)(fn)
    except Exception as exc:  # with signatures, compiling (and reading the cache) happens now
        compiled = decorate(cache=False, **options)(fn)  # a kernel's own error raises again here
        if "no locator available" not in str(exc):  # a read-only install: no cache, no warning
            _warn_unreadable(_cache_dir(fn), fn, exc)
        return compiled
    if hasattr(getattr(compiled, "_cache", None), "load_overload"):  # compiled at the first call
        compiled._cache = _TolerantCache(compiled, fn)
    return compiled


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
