"""Small linear algebra that gives the same bits on every CPU.

numpy's ``@``, ``np.dot`` and ``np.linalg`` call OpenBLAS, which picks its kernels for the CPU at run time: the
product of a 20,000 x 3 matrix and a vector differs in its last bits between a Haswell and a Skylake-X kernel,
and a Newton fit carries that into every coefficient, every probability priced with them and every hash DVC
records. These helpers use only elementwise products and numpy's one-axis sums (pairwise summation in a fixed
order, the same under every SIMD level), and solve ``k x k`` systems in Python floats.
``tests/unit/test_exact.py`` fits under several OpenBLAS kernels and numpy SIMD levels and requires equal bits.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: a pivot this small relative to the matrix's largest entry is treated as zero (its unknown is set to 0, as a
#: minimum-norm solution would leave a direction the data do not determine)
_SINGULAR = 1e-13


def matvec(x: npt.ArrayLike, w: npt.ArrayLike) -> FloatArray:
    """``x @ w`` for an ``(n, k)`` matrix and a ``k``-vector: ``sum_j x[:, j] w_j``, added column by column."""
    m, v = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    out = m[:, 0] * v[0]
    for j in range(1, m.shape[1]):
        out = out + m[:, j] * v[j]
    return out


def tmatvec(x: npt.ArrayLike, v: npt.ArrayLike) -> FloatArray:
    """``x.T @ v``: per column ``j``, ``sum_i x[i, j] v_i``."""
    m, u = np.asarray(x, dtype=float), np.asarray(v, dtype=float)
    return np.array([np.sum(m[:, j] * u) for j in range(m.shape[1])])


def weighted_gram(x: npt.ArrayLike, weight: npt.ArrayLike) -> FloatArray:
    """``x.T @ diag(weight) @ x``: entry ``(a, b)`` is ``sum_i x[i, a] x[i, b] weight_i`` (symmetric)."""
    m, u = np.asarray(x, dtype=float), np.asarray(weight, dtype=float)
    k = m.shape[1]
    out = np.empty((k, k))
    for a in range(k):
        for b in range(a, k):
            out[a, b] = out[b, a] = np.sum(m[:, a] * m[:, b] * u)
    return out


def solve(a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """``x`` with ``a x = b`` for a small square ``a``: Gaussian elimination with partial pivoting in Python
    floats. An unknown whose pivot is (relatively) zero is set to 0."""
    rows = [[float(v) for v in row] + [float(r)] for row, r in zip(np.asarray(a, dtype=float),
                                                                  np.asarray(b, dtype=float), strict=True)]
    k = len(rows)
    scale = max((abs(v) for row in rows for v in row[:k]), default=0.0)
    pivots: list[int | None] = []
    r = 0
    for col in range(k):
        best = max(range(r, k), key=lambda i: abs(rows[i][col]), default=None)
        if best is None or abs(rows[best][col]) <= _SINGULAR * scale:
            pivots.append(None)
            continue
        rows[r], rows[best] = rows[best], rows[r]
        for i in range(r + 1, k):
            factor = rows[i][col] / rows[r][col]
            rows[i] = [vi - factor * vr for vi, vr in zip(rows[i], rows[r], strict=True)]
        pivots.append(r)
        r += 1
    x = [0.0] * k
    for col in reversed(range(k)):
        row = pivots[col]
        if row is None:
            continue
        known = sum(rows[row][j] * x[j] for j in range(col + 1, k))
        x[col] = (rows[row][k] - known) / rows[row][col]
    return np.array(x)
