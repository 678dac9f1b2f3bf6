"""Plain NumPy versions of the compiled kernels, for reading and for the tests."""
