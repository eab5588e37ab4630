"""Products: the matrix product ``@`` against the element-wise ``*``, operand order, transposes, product shapes.

The builders re-enact, on the check's own operands, the slips students make with products and return one
:class:`~.slips.Slip` per mistake that can be made on them: the products never added up ("you forgot to
sum"), summed over everything or over another axis, the operands swapped, a transpose missing or extra,
``x.reshape(...)`` where ``x.T`` belongs, and the reverse slips where the element-wise product was asked. A
dense layer's forward pass combines them with the bias and the ReLU. :func:`product_shape_finding` judges a
stated shape of ``left @ right`` and names a slip only when applying it to the two shapes gives the student's
answer. Messages quote the student's expression, never the one that is the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

from .broadcasting import operator_slips, relu_slips
from .slips import Slip, answer_of, drop_answer, reenact

_SUM_FIX = "use `np.dot` or the `@` operator, which add the products up"
_ELEMENTWISE_FIX = "the element-wise product `*` multiplies the entries in matching positions and adds nothing up"
MATMUL_RULE = (
    "A product `left @ right` is defined when the last length of `left` equals the first length of `right`; the "
    "result keeps the other lengths of `left` followed by those of `right` (a 1-D operand contributes none)."
)


def flip(name: str) -> str:
    """The name of the transposed operand: ``A`` -> ``A.T``, ``A.T`` -> ``A``."""
    return name[:-2] if name.endswith(".T") else f"{name}.T"


def dot_slips(name: str, a: Any, b: Any, a_name: str = "a", b_name: str = "b") -> list[Slip]:
    """Slips of ``np.dot(a, b)``, i.e. ``a @ b`` for 1-D and 2-D operands.

    An operand whose name ends in ``.T`` is taken to be a transpose, so ``base.reshape(...)`` in its place is
    re-enacted as well.
    """
    a, b = np.asarray(a), np.asarray(b)
    with np.errstate(all="ignore"):
        slips = [*_unsummed(name, a, b, a_name, b_name), *_order_and_transposes(name, a, b, a_name, b_name),
                 *_reshaped_operands(name, a, b, a_name, b_name)]
    return drop_answer(slips, answer_of(lambda: np.dot(a, b)))


def _unsummed(name: str, a: np.ndarray, b: np.ndarray, a_name: str, b_name: str) -> list[Slip | None]:
    """The element-wise product where a dot product was meant: summed nowhere, everywhere or along another axis."""
    slips = [
        reenact(f"`{name}` is the element-wise product `{a_name} * {b_name}`: you forgot to sum. A dot product "
                f"multiplies matching entries and then adds them up along the shared axis: {_SUM_FIX}.",
                lambda: a * b, FindingCode.SUM),
        reenact(f"`{name}` is the outer product of `{a_name}` and `{b_name}` (every entry times every entry), not "
                f"their dot product, which is one number: {_SUM_FIX}.",
                lambda: np.multiply.outer(a, b) if a.ndim == b.ndim == 1 else None, FindingCode.SUM),
    ]
    if a.ndim + b.ndim > 2:
        slips.append(reenact(f"`{name}` adds up all the element-wise products into a single number, but a matrix "
                             f"product sums only along the shared axis: {_SUM_FIX}.", lambda: np.sum(a * b),
                             FindingCode.SUM))
        for axis in range(max(a.ndim, b.ndim)):
            slips.append(reenact(f"`{name}` sums the element-wise products along axis {axis}, which is not the axis "
                                 f"the two operands share in a matrix product: {_SUM_FIX}.",
                                 lambda k=axis: np.sum(a * b, axis=k), FindingCode.SUM, f"axis {axis}"))
    return slips


def _order_and_transposes(name: str, a: np.ndarray, b: np.ndarray, a_name: str, b_name: str) -> list[Slip | None]:
    """The operands swapped, a transpose on either operand missing or extra, the product left transposed.

    Two of these that read as the same expression (swapping ``A.T`` and ``A`` is transposing both) are one slip.
    """
    left, right = flip(a_name), flip(b_name)
    ways = [
        (f"{b_name} @ {a_name}", "the operands are in the other order. Matrix products do not commute, so keep the "
         "operands in the order the task gives them", lambda: np.dot(b, a), FindingCode.CANDIDATE),
        (f"{left} @ {b_name}", "the left operand has a transpose too many or too few",
         lambda: np.dot(a.T, b) if a.ndim == 2 else None, FindingCode.FORGOT_TRANSPOSE),
        (f"{a_name} @ {right}", "the right operand has a transpose too many or too few",
         lambda: np.dot(a, b.T) if b.ndim == 2 else None, FindingCode.FORGOT_TRANSPOSE),
        (f"{left} @ {right}", "both operands have a transpose too many or too few",
         lambda: np.dot(a.T, b.T) if a.ndim == b.ndim == 2 else None, FindingCode.FORGOT_TRANSPOSE),
    ]
    seen: set[str] = set()
    slips: list[Slip | None] = []
    for expression, what, make, code in ways:
        if expression not in seen:
            seen.add(expression)
            slips.append(reenact(f"`{name}` is `{expression}`: {what}.", make, code))
    if a.ndim == b.ndim == 2 and f"{right} @ {left}" not in seen:
        slips.append(reenact(f"`{name}` is the transpose of the product, as `{right} @ {left}` gives: its rows "
                             "should be its columns.", lambda: np.dot(a, b).T, FindingCode.TRANSPOSED))
    return slips


def _reshaped_operands(name: str, a: np.ndarray, b: np.ndarray, a_name: str, b_name: str) -> list[Slip | None]:
    """``base.reshape(...)`` in place of an operand named ``base.T``, on either side of the product."""
    left = transpose_slips(name, a, a_name, reshape_only=True)
    right = transpose_slips(name, b, b_name, reshape_only=True)
    return ([reenact(s.message, lambda w=s.value: np.dot(w, b), s.code) for s in left]
            + [reenact(s.message, lambda w=s.value: np.dot(a, w), s.code) for s in right])


def transpose_slips(name: str, x: Any, x_name: str = "x", *, reshape_only: bool = False) -> list[Slip]:
    """Slips where ``x``, a 2-D transpose named like ``A.T``, was meant: ``A.reshape(...)``, or ``A`` itself.

    For a name without ``.T`` nothing is re-enacted: which array it is the transpose of is unknown.
    """
    arr = np.asarray(x)
    if arr.ndim != 2 or not x_name.endswith(".T"):
        return []
    base = flip(x_name)
    shape = ", ".join(str(n) for n in arr.shape)
    slips = [reenact(f"`{name}` uses `{base}.reshape({shape})` where `{x_name}` was meant: the shape is the same, but "
                     "`reshape` keeps the reading order, so the numbers land in the wrong places. `.T` swaps rows "
                     "and columns.", lambda: arr.T.reshape(arr.shape), FindingCode.SCRAMBLED)]
    if not reshape_only:
        slips.append(reenact(f"`{name}` is `{base}`, not its transpose: a `.T` is missing.", lambda: arr.T,
                             FindingCode.FORGOT_TRANSPOSE))
    return drop_answer(slips, arr)


def elementwise_slips(name: str, a: Any, b: Any, a_name: str = "a", b_name: str = "b") -> list[Slip]:
    """Slips of the element-wise ``a * b``: a matrix product, another operator, the products summed."""
    a, b = np.asarray(a), np.asarray(b)
    slips: list[Slip | None] = []
    with np.errstate(all="ignore"):
        pairs = [(f"{a_name} @ {b_name}", lambda: np.dot(a, b)), (f"{a_name} @ {flip(b_name)}", lambda: np.dot(a, b.T)),
                 (f"{flip(a_name)} @ {b_name}", lambda: np.dot(a.T, b))]
        for expression, make in pairs:
            slips.append(reenact(f"`{name}` is the matrix product `{expression}`, but the task asks for the "
                                 f"element-wise product: {_ELEMENTWISE_FIX}.", make, FindingCode.SUM))
        slips += operator_slips(name, a, b, "*", a_name, b_name)
        slips.append(reenact(f"`{name}` adds all the products up into one number: keep every product; "
                             f"{_ELEMENTWISE_FIX}.", lambda: np.sum(a * b), FindingCode.SUM))
        for axis in range(max(a.ndim, b.ndim)):
            slips.append(reenact(f"`{name}` sums the products along axis {axis}: keep every product, without a sum.",
                                 lambda k=axis: np.sum(a * b, axis=k), FindingCode.SUM, f"axis {axis}"))
    return drop_answer(slips, answer_of(lambda: a * b))


# --- a dense layer ---------------------------------------------------------------------------


def dense_slips(name: str, x: Any, w: Any, b: Any, names: tuple[str, str, str] = ("X", "W", "b"), *,
                unactivated: str | None = None) -> list[Slip]:
    """Slips of a dense layer's forward pass ``relu(x @ w + b)``: the bias, the ReLU and the product.

    ``unactivated`` replaces the message for the layer without its ReLU.
    """
    x, w, b = np.asarray(x), np.asarray(w), np.asarray(b)
    x_name, w_name, b_name = names
    try:
        product = x @ w
        z = product + b
    except ValueError:
        return []

    def relu(v: Any) -> Any:
        return np.maximum(v, 0)

    slips: list[Slip | None] = list(relu_slips(name, z, f"{x_name} @ {w_name} + {b_name}", unactivated=unactivated))
    slips += [
        reenact(f"`{name}` leaves out the bias: add `{b_name}` before the ReLU.", lambda: relu(product)),
        reenact(f"`{name}` adds the bias after the ReLU: add `{b_name}` first, then apply ReLU to "
                f"`{x_name} @ {w_name} + {b_name}`.", lambda: relu(product) + b),
        reenact(f"`{name}` subtracts the bias: add it.", lambda: relu(product - b)),
        reenact(f"`{name}` uses the bias as the threshold of the ReLU (`np.maximum(..., {b_name})`) instead of adding "
                "it: add the bias, then compare with 0.", lambda: np.maximum(product, b)),
        reenact(f"`{name}` adds one bias per sample, down the columns: `{b_name}` has one entry per unit and lines up "
                "with the last axis as it is.", lambda: relu(product + b[:, np.newaxis])),
    ]
    for slip in dot_slips(name, x, w, x_name, w_name):
        slips.append(reenact(slip.message, lambda v=slip.value: relu(v + b), slip.code, slip.where))
    return drop_answer(slips, relu(z))


# --- the shape of a product --------------------------------------------------------------------


def matmul_shape(left: Sequence[int], right: Sequence[int]) -> tuple[int, ...] | None:
    """The shape of ``X @ Y`` for operands of shapes ``left`` and ``right`` (1-D or 2-D), or None when undefined."""
    left, right = tuple(left), tuple(right)
    if not left or not right or left[-1] != right[0]:
        return None
    return left[:-1] + right[1:]


def _as_shape(got: Any) -> tuple[int, ...] | str | None:
    """The student's answer as a shape tuple, None, or ``"bad"`` when it is neither."""
    if got is None:
        return None
    if isinstance(got, (tuple, list)) and all(isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                                              for n in got):
        return tuple(int(n) for n in got)
    return "bad"


def _shape_slips(left: tuple[int, ...], right: tuple[int, ...]) -> dict[tuple[int, ...], str]:
    """Shapes the usual slips give for ``left @ right``, each with what the slip does; coinciding slips dropped."""
    found: dict[tuple[int, ...], list[str]] = {}

    def add(shape: tuple[int, ...] | None, text: str) -> None:
        if shape is not None:
            found.setdefault(shape, []).append(text)

    if matmul_shape(left, right) is None:
        add(left[:-1] + right[1:], "the outer lengths of the two shapes, but a product also needs the inner "
            "lengths (the last of the left shape, the first of the right one) to be equal: compare them")
    if left != right:
        add(matmul_shape(right, left), "the shape of the product in the other order: the left operand comes first")
    want = matmul_shape(left, right)
    if want is not None and len(want) == 2:
        add(want[::-1], "the shape of the product's transpose: a product's rows come from the left operand, its "
            "columns from the right one")
    if len(right) == 1:
        add(matmul_shape(left, (*right, 1)), "what a column of shape (n, 1) would give on the right, but a 1-D "
            "operand adds no axis to the result: its shared axis disappears and nothing takes its place")
    if len(left) == 1:
        add(matmul_shape((1, *left), right), "what a row of shape (1, n) would give on the left, but a 1-D operand "
            "adds no axis to the result: its shared axis disappears and nothing takes its place")
    return {shape: texts[0] for shape, texts in found.items() if len(texts) == 1}


def product_shape_finding(name: str, got: Any, left: Sequence[int], right: Sequence[int]) -> Finding | None:
    """None when ``got`` is the shape of ``X @ Y`` (None when undefined), else what is wrong with the answer.

    A slip is named only when applying it to the two shapes gives the student's answer; the right shape, and
    whether the product exists, are never stated.
    """
    if got is Ellipsis:
        return Finding(FindingCode.MISSING, f"`{name}` is not answered yet: write the shape as a tuple, or None when "
                       "the product is not defined.")
    shape = _as_shape(got)
    if shape == "bad":
        return Finding(FindingCode.TYPE, f"`{name}` should be a tuple of lengths such as `(2, 5)`, or None, but it is "
                       f"{got!r}.")
    left, right = tuple(left), tuple(right)
    want = matmul_shape(left, right)
    if shape == want:
        return None
    if shape is not None:
        slip = _shape_slips(left, right).get(shape)
        if slip is not None:
            return Finding(FindingCode.SHAPE, f"`{name}` is {shape}, {slip}.", confirmed=True)
        inner = left[-1]
        if want is not None and inner in shape and inner not in want:
            return Finding(FindingCode.SHAPE, f"`{name}` is {shape}, which keeps the length {inner} of the shared "
                           f"axis, but in a product that axis disappears. {MATMUL_RULE}")
    if shape is None:
        return Finding(FindingCode.VALUES, f"`{name}` is None, but the inner lengths agree (the last of the left "
                       f"shape and the first of the right one are both {left[-1]}), so the product is defined. "
                       f"{MATMUL_RULE}")
    return Finding(FindingCode.VALUES, f"`{name}` is not right. {MATMUL_RULE}")
