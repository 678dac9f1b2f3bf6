"""Compiled kernels: ``cpu/`` (Numba) and ``cuda/`` (numba.cuda), with NumPy references
in ``reference/``; ``dispatch`` picks one. ``memory`` sets how freed memory is kept.

Numba is imported on first use, so ``import graphnet`` stays quick.
"""
