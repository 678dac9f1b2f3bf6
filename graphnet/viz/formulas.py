"""Formulas as text in the inputs' own names: Mul's derivative 'b' reads 'z';
TeX-ish sources typeset in Unicode: 'h_{t-1}' reads 'hₜ₋₁'."""
import re

import numpy as np

from .format import shape_text, summary


# Every character Unicode has a subscript or superscript for (q has neither, and
# few capitals have either: the rest keep a plain fallback).
SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvxβγρφχ",
                      "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))
SUPERSCRIPTS = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzT",
                        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀ"))

# x_{...} and x^{...} after anything; a bare x_t only where the base is a one-letter
# word (σ_1 and ĥ_t too), so that node names such as dense_1 or y_target are left
# alone; a bare x^2, x^T or e^-1 after anything. What follows a bare script is
# checked in ASCII, not with \w: in 'x_tᵀ' the 'ᵀ' counts as a word character.
_SCRIPT = re.compile(
    r"(?P<mark>[_^])\{(?P<braced>[^{}]*)\}"
    r"|(?<!\w)(?P<base>[^\W\d_])_(?P<sub>[A-Za-z0-9])(?![A-Za-z0-9_])"
    r"|\^(?P<sup>-?[0-9]+|[A-Za-z])(?![A-Za-z0-9_])")


def typeset(text):
    """``text`` with its TeX-ish sub- and superscripts in Unicode: 'c_{t-1}' ->
    'cₜ₋₁', 'x_1' -> 'x₁', 'W^T' -> 'Wᵀ', 'x^{-1}' -> 'x⁻¹'. A script with a
    character Unicode cannot raise or lower stays plain: 'z_{b}' -> 'z_b',
    'x_{t+q}' -> 'x_(t+q)'. Everything else is unchanged, and typesetting twice
    changes nothing more."""
    return _SCRIPT.sub(_script, text) if text else text


def _script(m):
    if m.group("base"):
        return m.group("base") + _shifted(m.group("sub"), SUBSCRIPTS, "_")
    if m.group("sup"):
        return _shifted(m.group("sup"), SUPERSCRIPTS, "^")
    return _shifted(m.group("braced"), SUBSCRIPTS if m.group("mark") == "_" else SUPERSCRIPTS,
                    m.group("mark"))


def _shifted(script, table, mark):
    """``script`` in sub- or superscript characters, or a plain fallback that a
    second pass leaves alone: a word after the mark (z_b), else parentheses."""
    if script and all(c in table for c in script):
        return "".join(table[c] for c in script)
    if re.fullmatch(r"[A-Za-z0-9]+", script):
        return mark + script
    return f"{mark}({script})"


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
        # A number reads as itself; an unnamed array by what it is.
        return summary(var.value) if np.size(var.value) == 1 else f"constant{shape_text(var.value)}"
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
