"""Optimizers: how gradients become parameter updates, with Keras' names, defaults and rules.

    opt = Adam()                              # Keras' defaults
    loss.backward()
    opt.step(params)                          # every trainable parameter that has a .grad
    opt.apply_gradients(zip(grads, params))   # Keras' spelling, with gradients of your own

Every rule updates ``param.value`` in place, so a graph replayed afterwards sees the
new weights. Each rule is one fused Numba kernel (``graphnet/kernels/cpu/optimizers.py``)
that makes a single pass over the parameter's numbers; ``use_kernels=False``, or
``USE_KERNELS = False`` in this module for every optimizer, runs the NumPy reference
of the same rule instead (same numbers, slower, easier to read).

Notation in the docstrings: ``w`` a parameter, ``g`` its gradient, ``t`` the step
number counting from 1 (``iterations + 1``), ``lr`` this step's learning rate: the
number or schedule given, times Keras 2's time decay ``1 / (1 + decay * iterations)``.
State arrays (``m``, ``v``, ...) are per parameter, the parameter's shape, and start at 0.

``weight_decay=`` (every optimizer, Keras 3's meaning) shrinks each weight before its
update, decoupled from the gradient: ``w = w - w * weight_decay * lr``. ``AdamW`` is Adam
with it on by default. Keras 1's ``lr=`` is accepted for ``learning_rate=``, with a warning.
"""
import difflib
import math
import os
import sys
from types import SimpleNamespace

import numpy as np

from ..core.errors import did_you_mean, renamed
from ..kernels.dispatch import as_array, device_of, kernel

from . import schedules

__all__ = ["Optimizer", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "AdamW", "Adamax", "Nadam",
           "get", "serialize", "deserialize", "USE_KERNELS"]

USE_KERNELS = True  # False: every optimizer without its own ``use_kernels`` runs NumPy
_COMPILED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _kernels():
    # Imported on the first update, not with graphnet: importing it imports Numba.
    from ..kernels.cpu import optimizers
    return optimizers


def _check(name, value, low, high, high_included=True):
    value = float(value)
    if not (low <= value <= high if high_included else low <= value < high):
        raise ValueError(f"{name} must be in [{low}, {high}{']' if high_included else ')'}, "
                         f"got {value}")
    return value


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _user_stacklevel():
    """The stacklevel, for ``renamed``, of the first frame outside graphnet: a warning then
    points at the user's line however many constructors (AdamW -> Adam -> Optimizer) lie
    between."""
    frame, level = sys._getframe(1), 2  # our caller, seen from inside renamed
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


class Optimizer:
    """What every optimizer shares: the learning rate, the step count and per-parameter state.

    A subclass names its state arrays (``slot_names``), computes the numbers that
    every parameter shares in a step (``_step_scalars``) and calls its kernel on one
    parameter (``_update``). Parameters are told apart by their position in the list
    given to ``step`` or ``apply_gradients``: pass the same parameters in the same order.
    """

    hyperparameters = ()  # constructor arguments that get_config saves, besides the two below
    scalar_state = ()     # optimizer-wide numbers that get_state saves (Nadam's u_product)
    kernel_name = None    # the update function in graphnet/kernels/cpu/optimizers.py

    def __init__(self, learning_rate, decay=0.0, name=None, use_kernels=None, clipnorm=None,
                 clipvalue=None, weight_decay=None, **keras1):
        where = name or type(self).__name__
        if "lr" in keras1:  # Keras 1 (and the course's book): SGD(lr=0.01)
            renamed(where, "lr=", "learning_rate=", stacklevel=_user_stacklevel())
            learning_rate = keras1.pop("lr")
        if keras1:
            bad = next(iter(keras1))
            raise TypeError(f"{where}() got an unexpected keyword argument {bad!r}"
                            f"{did_you_mean(bad, self._keywords())}")
        self.learning_rate = learning_rate
        # Keras 3's decoupled weight decay: w -= w * weight_decay * lr before each update.
        self.weight_decay = None if weight_decay is None else _check("weight_decay", weight_decay, 0,
                                                                     math.inf)
        # Keras' gradient clipping, the usual cure for exploding gradients: each
        # gradient scaled down to norm <= clipnorm, and/or cut into [-clipvalue, clipvalue].
        self.clipnorm = None if clipnorm is None else _check("clipnorm", clipnorm, 0, math.inf)
        self.clipvalue = None if clipvalue is None else _check("clipvalue", clipvalue, 0, math.inf)
        self.decay = _check("decay", decay, 0, math.inf)
        self.name = name or type(self).__name__
        self.use_kernels = use_kernels  # None: follow the module's USE_KERNELS
        self.iterations = 0             # updates done so far
        self._slots = {}                # parameter position -> {slot name: array}

    @classmethod
    def _keywords(cls):
        """The keyword arguments that the constructors take, for did-you-mean hints."""
        import inspect
        return {k for c in cls.__mro__ if "__init__" in vars(c)
                for k in inspect.signature(c.__init__).parameters if k not in ("self", "keras1")}

    # --- the learning rate ------------------------------------------------------
    @property
    def learning_rate(self):
        """A number, or a schedule: a callable of the step count (see ``schedules``)."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if not callable(value):
            value = _check("learning_rate", value, 0, math.inf)
        self._learning_rate = value

    def current_learning_rate(self):
        """The rate the next update uses: schedule (if any) at ``iterations``, then time decay."""
        lr = self.learning_rate
        if callable(lr):
            lr = lr(self.iterations)
        return float(lr) / (1.0 + self.decay * self.iterations)

    # --- updating -----------------------------------------------------------------
    def step(self, params):
        """Update every parameter that requires a gradient and has one (``param.grad``)."""
        return self.apply_gradients([(p.grad, p) for p in params])

    def apply_gradients(self, grads_and_vars):
        """One update from ``(gradient, parameter)`` pairs; returns the new ``iterations``.

        A ``None`` gradient, or a parameter with ``requires_grad=False``, is skipped
        (its state is kept). Everything is checked before anything changes.
        """
        work = [self._prepare(index, self._clipped(grad), param)
                for index, (grad, param) in enumerate(grads_and_vars)
                if grad is not None and getattr(param, "requires_grad", True)]
        lr = self.current_learning_rate()
        scalars = self._step_scalars(lr, self.iterations + 1)
        if self.weight_decay:
            scalars["keep"] = 1 - self.weight_decay * lr  # what is left of each weight
        in_dtype = {}  # the step's scalars cast to each dtype met, once
        for param, value, flat, copied, grad, slots in work:
            dtype = flat.dtype
            if dtype not in in_dtype:
                in_dtype[dtype] = SimpleNamespace(**{k: dtype.type(v) for k, v in scalars.items()})
            if self.weight_decay:  # first, as Keras 3 does: the gradient was taken before it
                self._kernel(dtype, flat, "weight_decay_update")(flat, in_dtype[dtype].keep)
            self._update(self._kernel(dtype, flat), flat, grad, slots, in_dtype[dtype])
            if copied:
                _store(param, value, flat)
            if hasattr(param, "mark_changed"):  # a Variable (not a bare holder of a value)
                param.mark_changed()  # updated in place: graphs computed before are stale
        self.iterations += 1
        return self.iterations

    def _clipped(self, grad):
        if self.clipnorm is not None:
            norm = float(np.sqrt(np.sum(np.square(grad, dtype=np.float64))))
            if norm > self.clipnorm:
                grad = grad * (self.clipnorm / norm)
        if self.clipvalue is not None:
            grad = np.clip(grad, -self.clipvalue, self.clipvalue)
        return grad

    def _set_moments(self, beta_1, beta_2, epsilon):
        """The decay rates of the first and second moment estimates (Adam's family)."""
        self.beta_1 = _check("beta_1", beta_1, 0, 1, high_included=False)
        self.beta_2 = _check("beta_2", beta_2, 0, 1, high_included=False)
        self.epsilon = _check("epsilon", epsilon, 0, math.inf)

    def _prepare(self, index, grad, param):
        value = param.value if hasattr(param, "value") else param  # a Tensor, or a bare array
        name = getattr(param, "name", None)
        where = f"{self.name}: parameter {index}" + (f" {name!r}" if name else "")
        if hasattr(grad, "value"):
            raise TypeError(f"{where}: got a tensor where its gradient should be; the pairs are "
                            "(gradient, parameter), as in Keras")
        shape, dtype = np.shape(value), np.result_type(value)
        if dtype.kind != "f":
            raise TypeError(f"{where} holds {dtype} numbers; only float parameters can be trained")
        if np.shape(grad) != shape:
            raise ValueError(f"{where} has shape {shape} but its gradient has shape "
                             f"{np.shape(grad)}")
        flags = getattr(value, "flags", None)  # NumPy's arrays and scalars, and GPU arrays
        copied = not (flags is not None and flags.c_contiguous and flags.writeable)
        if not copied:
            flat = value.reshape(-1)  # a view: the kernel writes straight into the parameter
        elif hasattr(param, "value") or (isinstance(value, np.ndarray) and value.flags.writeable):
            flat = np.array(value, dtype=dtype).reshape(-1)  # scalars, strided views: a copy
        else:
            raise TypeError(f"{where} is a read-only {type(value).__name__}; it cannot be updated")
        grad = as_array(grad, dtype=dtype).reshape(-1)
        if not grad.flags.writeable:  # Numba would compile read-only arrays as another type
            grad = grad.copy()
        return param, value, flat, copied, grad, self._slots_for(index, shape, dtype, where, like=flat)

    def _slots_for(self, index, shape, dtype, where, like):
        slots = self._slots.setdefault(index, {})
        for name in self.slot_names():
            if name not in slots:  # state is made on a parameter's first update
                slots[name] = np.full(shape, self.initial_slot_value(name), dtype, like=like)
            elif slots[name].shape != shape:
                raise ValueError(f"{where} has shape {shape}, but its optimizer state {name!r} "
                                 f"was made for shape {slots[name].shape}: pass the same "
                                 "parameters in the same order at every step")
            elif slots[name].dtype != dtype:  # e.g. restored from a float64 file
                slots[name] = slots[name].astype(dtype)
            if device_of(slots[name]) != device_of(like):  # the model moved since (model.to)
                slots[name] = np.asarray(slots[name], like=like)
        return {name: array.reshape(-1) for name, array in slots.items()}

    def _kernel(self, dtype, value, name=None):
        name = name or self.kernel_name
        if device_of(value) == "cuda":
            return kernel(name, value)
        use = USE_KERNELS if self.use_kernels is None else self.use_kernels
        if not (use and dtype in _COMPILED_DTYPES):  # NumPy for teaching, and for float16
            name += "_reference"
        return getattr(_kernels(), name)

    # --- what subclasses fill in ----------------------------------------------------
    def slot_names(self):
        """Names of the per-parameter state arrays this configuration needs."""
        return ()

    def initial_slot_value(self, name):
        return 0.0

    def _step_scalars(self, lr, t):
        """The numbers every parameter shares in step ``t`` (Python floats), by name."""
        return {"lr": lr}

    def _update(self, kernel, value, grad, slots, s):
        """Run ``kernel`` on one parameter's flat arrays; ``s`` holds the scalars in their dtype."""
        raise NotImplementedError

    # --- saving ---------------------------------------------------------------------
    @property
    def key(self):
        """The prefix of this optimizer's state keys: 'adam' in 'adam/0/m'."""
        return type(self).__name__.lower()

    def get_config(self):
        """The constructor's arguments, JSON-able; ``from_config`` makes the optimizer again."""
        lr = self.learning_rate
        config = {"name": self.name,
                  "learning_rate": schedules.serialize(lr) if callable(lr) else lr,
                  "decay": self.decay, "clipnorm": self.clipnorm, "clipvalue": self.clipvalue,
                  "weight_decay": self.weight_decay}
        config.update({name: getattr(self, name) for name in self.hyperparameters})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"])
        return cls(**config)

    def get_state(self):
        """Arrays only, to save without pickle: ``iterations`` and ``'<key>/<position>/<slot>'``."""
        state = {"iterations": np.array(self.iterations, dtype=np.int64)}
        for name in self.scalar_state:
            state[f"{self.key}/{name}"] = np.array(getattr(self, name), dtype=np.float64)
        for index in sorted(self._slots):
            for name, array in self._slots[index].items():
                state[f"{self.key}/{index}/{name}"] = array.copy()
        return state

    def set_state(self, state):
        """Continue from what ``get_state`` returned; all is checked before anything changes."""
        if "iterations" not in state:
            raise ValueError(f"{self.name}: the optimizer state has no 'iterations'")
        iterations = np.asarray(state["iterations"])
        if iterations.shape != () or iterations.dtype.kind not in "iu" or iterations < 0:
            raise ValueError(f"{self.name}: 'iterations' must be a count, got {iterations!r}")
        scalars, slots, wanted = {}, {}, self.slot_names()
        for entry, array in state.items():
            if entry == "iterations":
                continue
            parts = entry.split("/")
            if len(parts) == 2 and parts[0] == self.key and parts[1] in self.scalar_state:
                scalars[parts[1]] = float(np.asarray(array))
            elif (len(parts) == 3 and parts[0] == self.key and parts[1].isdigit()
                  and parts[2] in wanted):
                array = np.array(array, order="C")  # our own copy
                if array.dtype.kind != "f":
                    raise ValueError(f"{self.name}: state {entry!r} holds {array.dtype}, "
                                     "not floats")
                slots.setdefault(int(parts[1]), {})[parts[2]] = array
            else:
                expected = [f"{self.key}/<position>/{name}" for name in wanted]
                expected += [f"{self.key}/{name}" for name in self.scalar_state]
                raise ValueError(f"{self.name}: unexpected optimizer state {entry!r}; expected "
                                 f"'iterations' and {', '.join(expected) or 'nothing else'}")
        for index, found in slots.items():
            if set(found) != set(wanted) or len({a.shape for a in found.values()}) != 1:
                raise ValueError(f"{self.name}: the state of parameter {index} should be "
                                 f"{list(wanted)} of one shape, got "
                                 f"{ {k: a.shape for k, a in found.items()} }")
        missing = set(self.scalar_state) - set(scalars)
        if missing:
            raise ValueError(f"{self.name}: the optimizer state lacks {sorted(missing)}")
        self.iterations, self._slots = int(iterations), slots
        for name, number in scalars.items():
            setattr(self, name, number)

    def __repr__(self):
        args = {"learning_rate": self.learning_rate, "decay": self.decay,
                **{name: getattr(self, name) for name in self.hyperparameters}}
        if self.weight_decay is not None:
            args["weight_decay"] = self.weight_decay
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in args.items())})"


def _store(param, value, flat):
    """Put an updated copy back: into the array, or as the Tensor's new value."""
    if isinstance(value, np.ndarray) and value.flags.writeable:
        value[...] = flat.reshape(value.shape)
    else:  # graphnet keeps 0-d values as NumPy scalars
        param.value = flat.reshape(np.shape(value))[()]


# --- the rules ------------------------------------------------------------------------
class SGD(Optimizer):
    """Gradient descent, with momentum or Nesterov momentum if asked (Keras' ``SGD``).

    Plain (``momentum=0``)::

        w = w - lr * g

    With momentum, a velocity ``v`` remembers past steps::

        v = momentum * v - lr * g
        w = w + v

    With ``nesterov=True`` the step looks ahead along the new velocity::

        v = momentum * v - lr * g
        w = w + momentum * v - lr * g
    """

    hyperparameters = ("momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, decay=0.0, name=None,
                 use_kernels=None, clipnorm=None, clipvalue=None, weight_decay=None, **keras1):
        super().__init__(learning_rate, decay, name, use_kernels, clipnorm, clipvalue, weight_decay,
                         **keras1)
        self.momentum = _check("momentum", momentum, 0, 1)
        self.nesterov = bool(nesterov)

    @property
    def kernel_name(self):
        return "momentum_update" if self.momentum > 0 else "sgd_update"

    def slot_names(self):
        return ("velocity",) if self.momentum > 0 else ()

    def _step_scalars(self, lr, t):
        return {"lr": lr, "momentum": self.momentum}

    def _update(self, kernel, value, grad, slots, s):
        if self.momentum > 0:
            kernel(value, grad, slots["velocity"], s.lr, s.momentum, self.nesterov)
        else:
            kernel(value, grad, s.lr)


class RMSprop(Optimizer):
    """Divide each step by a running root mean square of the gradients (Keras' ``RMSprop``).

    ::

        ms = rho * ms + (1 - rho) * g**2
        increment = lr * g / sqrt(ms + epsilon)
        w = w - increment                  # momentum = 0
        v = momentum * v + increment       # momentum > 0
        w = w - v

    With ``centered=True`` the gradients' running mean ``mg`` is taken out, so the step
    is divided by an estimate of their standard deviation rather than their RMS::

        mg = rho * mg + (1 - rho) * g
        increment = lr * g / sqrt(ms - mg**2 + epsilon)

    This is Keras 3's rule (and Keras 2's with momentum); Keras 2 without momentum
    divided by ``sqrt(ms) + epsilon``, which differs only when ``ms`` is about ``epsilon``.
    """

    hyperparameters = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 decay=0.0,
                 name=None, use_kernels=None, clipnorm=None, clipvalue=None, weight_decay=None,
                 **keras1):
        super().__init__(learning_rate, decay, name, use_kernels, clipnorm, clipvalue, weight_decay,
                         **keras1)
        self.rho = _check("rho", rho, 0, 1)
        self.momentum = _check("momentum", momentum, 0, 1)
        self.epsilon = _check("epsilon", epsilon, 0, math.inf)
        self.centered = bool(centered)

    @property
    def kernel_name(self):
        return "rmsprop_centered_update" if self.centered else "rmsprop_update"

    def slot_names(self):
        return (("mean_square",) + (("mean_gradient",) if self.centered else ())
                + (("velocity",) if self.momentum > 0 else ()))

    def _step_scalars(self, lr, t):
        return {"lr": lr, "rho": self.rho, "one_minus_rho": 1 - self.rho,
                "momentum": self.momentum, "epsilon": self.epsilon}

    def _update(self, kernel, value, grad, slots, s):
        velocity = slots.get("velocity", value[:0])  # an empty stand-in, never read
        centered = (slots["mean_gradient"],) if self.centered else ()
        kernel(value, grad, slots["mean_square"], *centered, velocity, s.lr, s.rho, s.one_minus_rho,
               s.momentum, s.epsilon)


class Adagrad(Optimizer):
    """Each number's step shrinks with the sum of its squared gradients (Keras' ``Adagrad``).

    ::

        acc = acc + g**2                  # acc starts at initial_accumulator_value
        w = w - lr * g / sqrt(acc + epsilon)
    """

    hyperparameters = ("initial_accumulator_value", "epsilon")
    kernel_name = "adagrad_update"

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 decay=0.0, name=None, use_kernels=None, clipnorm=None, clipvalue=None,
                 weight_decay=None, **keras1):
        super().__init__(learning_rate, decay, name, use_kernels, clipnorm, clipvalue, weight_decay,
                         **keras1)
        self.initial_accumulator_value = _check("initial_accumulator_value",
                                                initial_accumulator_value, 0, math.inf)
        self.epsilon = _check("epsilon", epsilon, 0, math.inf)

    def slot_names(self):
        return ("accumulator",)

    def initial_slot_value(self, name):
        return self.initial_accumulator_value

    def _step_scalars(self, lr, t):
        return {"lr": lr, "epsilon": self.epsilon}

    def _update(self, kernel, value, grad, slots, s):
        kernel(value, grad, slots["accumulator"], s.lr, s.epsilon)


class Adadelta(Optimizer):
    """Steps scaled by the RMS of past steps over the RMS of gradients (Keras' ``Adadelta``).

    ::

        Eg2   = rho * Eg2 + (1 - rho) * g**2
        delta = sqrt(Edx2 + epsilon) / sqrt(Eg2 + epsilon) * g
        Edx2  = rho * Edx2 + (1 - rho) * delta**2
        w = w - lr * delta

    ``Eg2`` is the slot ``accumulated_grad``, ``Edx2`` is ``accumulated_delta``.

    The learning rate: Zeiler's paper has none (``lr = 1``), and Keras 1 (the course's
    book) defaulted to ``lr=1.0``; Keras 2 and 3 default to ``learning_rate=0.001``, as
    graphnet does. A listing written for Keras 1 that says ``optimizer='adadelta'``
    therefore takes steps 1000 times smaller and seems not to learn: write
    ``Adadelta(learning_rate=1.0)`` for the book's behaviour.
    """

    hyperparameters = ("rho", "epsilon")
    kernel_name = "adadelta_update"

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, decay=0.0, name=None,
                 use_kernels=None, clipnorm=None, clipvalue=None, weight_decay=None, **keras1):
        super().__init__(learning_rate, decay, name, use_kernels, clipnorm, clipvalue, weight_decay,
                         **keras1)
        self.rho = _check("rho", rho, 0, 1)
        self.epsilon = _check("epsilon", epsilon, 0, math.inf)

    def slot_names(self):
        return ("accumulated_grad", "accumulated_delta")

    def _step_scalars(self, lr, t):
        return {"lr": lr, "rho": self.rho, "one_minus_rho": 1 - self.rho, "epsilon": self.epsilon}

    def _update(self, kernel, value, grad, slots, s):
        kernel(value, grad, slots["accumulated_grad"], slots["accumulated_delta"], s.lr, s.rho,
               s.one_minus_rho, s.epsilon)


class Adam(Optimizer):
    """Momentum (``m``) and RMSprop (``v``) with bias correction (Keras' ``Adam``).

    ::

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        lr_t = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)     # bias corrections, folded in
        w = w - lr_t * m / (sqrt(v) + epsilon)

    With ``amsgrad=True``: ``v_hat = max(v_hat, v)`` and ``sqrt(v_hat)`` replaces ``sqrt(v)``.
    """

    hyperparameters = ("beta_1", "beta_2", "epsilon", "amsgrad")
    kernel_name = "adam_update"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 decay=0.0, name=None, use_kernels=None, clipnorm=None, clipvalue=None,
                 weight_decay=None, **keras1):
        super().__init__(learning_rate, decay, name, use_kernels, clipnorm, clipvalue, weight_decay,
                         **keras1)
        self._set_moments(beta_1, beta_2, epsilon)
        self.amsgrad = bool(amsgrad)

    def slot_names(self):
        return ("m", "v", "v_hat") if self.amsgrad else ("m", "v")

    def _step_scalars(self, lr, t):
        b1, b2 = self.beta_1, self.beta_2
        return {"lr_t": lr * math.sqrt(1 - b2**t) / (1 - b1**t),
                "beta_1": b1, "one_minus_beta_1": 1 - b1,
                "beta_2": b2, "one_minus_beta_2": 1 - b2, "epsilon": self.epsilon}

    def _update(self, kernel, value, grad, slots, s):
        v_hat = slots.get("v_hat", value[:0])  # an empty stand-in without amsgrad
        kernel(value, grad, slots["m"], slots["v"], v_hat, s.lr_t, s.beta_1, s.one_minus_beta_1,
               s.beta_2, s.one_minus_beta_2, s.epsilon, self.amsgrad)


class AdamW(Adam):
    """Adam with decoupled weight decay on by default (Keras 3's ``AdamW``).

    Before each Adam step every weight shrinks by ``weight_decay * lr`` of itself::

        w = w - w * weight_decay * lr
        (then Adam's update, see ``Adam``)

    Unlike an L2 penalty in the loss, the decay does not pass through Adam's division
    by ``sqrt(v)``, so every weight decays at the same rate (Loshchilov and Hutter).
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, decay=0.0, name=None, use_kernels=None,
                 clipnorm=None, clipvalue=None, **keras1):
        if weight_decay is None:
            raise ValueError("AdamW needs a weight_decay (a number >= 0); for none, use Adam")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, decay, name, use_kernels,
                         clipnorm, clipvalue, weight_decay, **keras1)


class Adamax(Optimizer):
    """Adam with the infinity norm in place of ``sqrt(v)`` (Keras' ``Adamax``).

    ::

        m = beta_1 * m + (1 - beta_1) * g
        u = max(beta_2 * u, |g|)
        w = w - lr / (1 - beta_1**t) * m / (u + epsilon)
    """

    hyperparameters = ("beta_1", "beta_2", "epsilon")
    kernel_name = "adamax_update"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, decay=0.0,
                 name=None, use_kernels=None, clipnorm=None, clipvalue=None, weight_decay=None,
                 **keras1):
        super().__init__(learning_rate, decay, name, use_kernels, clipnorm, clipvalue, weight_decay,
                         **keras1)
        self._set_moments(beta_1, beta_2, epsilon)

    def slot_names(self):
        return ("m", "u")

    def _step_scalars(self, lr, t):
        return {"lr_t": lr / (1 - self.beta_1**t), "beta_1": self.beta_1,
                "one_minus_beta_1": 1 - self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}

    def _update(self, kernel, value, grad, slots, s):
        kernel(value, grad, slots["m"], slots["u"], s.lr_t, s.beta_1, s.one_minus_beta_1,
               s.beta_2, s.epsilon)


class Nadam(Optimizer):
    """Adam with Nesterov momentum and Dozat's momentum schedule (Keras 3's ``Nadam``).

    ::

        u_t = beta_1 * (1 - 0.5 * 0.96**t)         # the momentum schedule ("cache")
        u_product = u_1 * u_2 * ... * u_t          # kept from step to step
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        m_hat = u_{t+1} * m / (1 - u_product * u_{t+1}) + (1 - u_t) * g / (1 - u_product)
        v_hat = v / (1 - beta_2**t)
        w = w - lr * m_hat / (sqrt(v_hat) + epsilon)

    (Keras 2 used ``0.96**(0.004 * t)`` in ``u_t``; Keras 3 dropped the 0.004.)
    """

    hyperparameters = ("beta_1", "beta_2", "epsilon")
    scalar_state = ("u_product",)
    kernel_name = "nadam_update"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, decay=0.0,
                 name=None, use_kernels=None, clipnorm=None, clipvalue=None, weight_decay=None,
                 **keras1):
        super().__init__(learning_rate, decay, name, use_kernels, clipnorm, clipvalue, weight_decay,
                         **keras1)
        self._set_moments(beta_1, beta_2, epsilon)
        self.u_product = 1.0

    def slot_names(self):
        return ("m", "v")

    def _u(self, t):
        return self.beta_1 * (1 - 0.5 * 0.96**t)

    def _step_scalars(self, lr, t):
        u_t, u_next = self._u(t), self._u(t + 1)
        self.u_product *= u_t  # advances once per step, as Keras does before the updates
        b1, b2 = self.beta_1, self.beta_2
        return {"lr": lr, "beta_1": b1, "one_minus_beta_1": 1 - b1,
                "beta_2": b2, "one_minus_beta_2": 1 - b2,
                "momentum_weight": u_next / (1 - self.u_product * u_next),
                "gradient_weight": (1 - u_t) / (1 - self.u_product),
                "v_correction": 1 - b2**t, "epsilon": self.epsilon}

    def _update(self, kernel, value, grad, slots, s):
        kernel(value, grad, slots["m"], slots["v"], s.lr, s.beta_1, s.one_minus_beta_1,
               s.beta_2, s.one_minus_beta_2, s.momentum_weight, s.gradient_weight,
               s.v_correction, s.epsilon)


# --- finding optimizers by name -----------------------------------------------------------
_OPTIMIZERS = {cls.__name__.lower(): cls
               for cls in (SGD, RMSprop, Adagrad, Adadelta, Adam, AdamW, Adamax, Nadam)}


def _class_named(name):
    cls = _OPTIMIZERS.get(str(name).lower())
    if cls is None:
        close = difflib.get_close_matches(str(name).lower(), _OPTIMIZERS, n=2)
        hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
        raise ValueError(f"unknown optimizer {name!r}; known: "
                         f"{', '.join(repr(k) for k in _OPTIMIZERS)}.{hint}")
    return cls


def serialize(optimizer):
    """``{"class_name": "Adam", "config": {...}}``, JSON-able, as Keras writes it."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config):
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"expected {{'class_name': ..., 'config': ...}}, got {config!r:.80}")
    return _class_named(config["class_name"]).from_config(config.get("config", {}))


def get(identifier):
    """An optimizer from a Keras name ('adam'), a class, a serialized dict, or itself.

    A name gives the optimizer with Keras 3's defaults: 'sgd', 'rmsprop', 'adagrad',
    'adadelta', 'adam', 'adamw', 'adamax', 'nadam'. Mind 'adadelta': its default
    learning_rate is 0.001 (Keras 2 and 3), where Keras 1 and the course's book used 1.0;
    pass ``Adadelta(learning_rate=1.0)`` for the book's runs.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, str):
        return _class_named(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise TypeError(f"cannot make an optimizer from {type(identifier).__name__} "
                    f"{identifier!r:.60}; pass a name such as 'adam', an optimizer class "
                    "or an optimizer")
