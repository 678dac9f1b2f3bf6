"""Formulas as text in the inputs' own names: Mul's derivative 'b' reads 'z'."""
import re

from .format import summary


def substitute(formula, words):
    """``formula`` with its placeholder letters (x; a, b) replaced by ``words``,
    one per input: Mul's derivative 'b' by its second input's name, say."""
    letters = ("x",) if len(words) == 1 else ("a", "b") if len(words) == 2 else ()
    names = dict(zip(letters, words))
    # ASCII look-arounds, not \b: in 'b²' the '²' counts as a word character.
    return re.sub(r"(?<![A-Za-z0-9_])[abx](?![A-Za-z0-9_])",
                  lambda m: names.get(m.group(0), m.group(0)), formula)


def grouped(formula):
    """``formula`` in parentheses when it is more than one term: local (1 - tanh²(x))."""
    simple = re.fullmatch(r"[\w.]+|\(.*\)", formula)
    return formula if simple else f"({formula})"


def mentions_upstream(formula):
    """Whether a derivative is written with g, the upstream gradient (MatMul's 'g @ bᵀ')."""
    return re.search(r"(?<![A-Za-z0-9_])g(?![A-Za-z0-9_])", formula) is not None


def display_name(var):
    """How formulas and captions name a variable: an unnamed constant by its value."""
    if var.role == "constant" and not var.name and var.value is not None:
        return summary(var.value)
    return var.label


def derivative_formula(node, position, labels):
    """The text of d(output)/d(input ``position``) in the inputs' own names."""
    if not node.derivatives or position >= len(node.derivatives):
        return None
    return substitute(node.derivatives[position], labels)


def local_value(node, position):
    """d(output)/d(input ``position``) from the node's last forward, when it has one."""
    try:
        local = node.local_derivatives()
    except Exception:  # never ran forward (a schematic), or cannot say
        return None
    if local is None or position >= len(local):
        return None
    return local[position]
