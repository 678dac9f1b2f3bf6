"""A Keras-style progress bar: ``32/32 [=====>....] - 0s 2ms/step - loss: 0.41``.

Live (redrawn in place with a carriage return) in a terminal and in Jupyter;
where output goes to a file or a CI log, only the finished line is written,
so logs do not fill with half-drawn bars.
"""
import sys
import time


def _live(stream):
    if "ipykernel" in sys.modules:
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def format_logs(logs):
    return " - ".join(f"{k}: {v:.4f}" if isinstance(v, float) else f"{k}: {v}" for k, v in logs.items())


def _duration(seconds):
    if seconds >= 1:
        return f"{seconds:.0f}s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms"
    return f"{seconds * 1e6:.0f}us"


class Progbar:
    """A bar over ``target`` steps; ``update(step, logs)`` after each one."""

    def __init__(self, target, width=30, stream=None, interval=0.05):
        self.target, self.width, self.interval = target, width, interval
        self.stream = stream or sys.stdout
        self.live = _live(self.stream)
        self.start = self.last_draw = time.perf_counter()

    def bar(self, step):
        digits = len(str(self.target))
        done = int(self.width * step / self.target) if self.target else self.width
        arrow = ">" if step < self.target else "="
        body = "=" * max(done - 1, 0) + (arrow if done else "") + "." * (self.width - done)
        return f"{step:>{digits}}/{self.target} [{body}]"

    def timing(self, step, now=None):
        """'1s 3ms/step' once finished, 'ETA: 2s' before."""
        elapsed = (now or time.perf_counter()) - self.start
        if step >= self.target:
            return f"{_duration(elapsed)} {_duration(elapsed / max(step, 1))}/step"
        return f"ETA: {_duration(elapsed / max(step, 1) * (self.target - step))}"

    def update(self, step, logs=None):
        now = time.perf_counter()
        finished = step >= self.target
        if not finished and (not self.live or now - self.last_draw < self.interval):
            return
        self.last_draw = now
        line = f"{self.bar(step)} - {self.timing(step, now)}"
        if logs:
            line += " - " + format_logs(logs)
        if self.live:
            self.stream.write("\r" + line + ("\n" if finished else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
