"""Compiled kernels: ``cpu/`` (Numba), later ``cuda/`` (numba.cuda), with NumPy references.

Numba is imported on first use, so ``import graphnet`` stays quick.
"""
