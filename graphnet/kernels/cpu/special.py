"""Special functions NumPy lacks, as compiled ufuncs."""
import math

from ..jit import vectorize


@vectorize(["float32(float32)", "float64(float64)"])
def erf(x):
    return math.erf(x)
