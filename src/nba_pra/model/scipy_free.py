"""The few ``scipy.stats`` functions the daily stages call, computed exactly as ``scipy.stats`` computes them, without
importing it.

Importing ``scipy.stats`` costs ~1 s a process (it imports all of its statistics and builds every distribution's
docstring), and the predict, evidence, bet and ledger stages each paid it for a gamma or negative binomial tail
and a normal quantile. Each function here is scipy.stats' own recipe (the ``rv_continuous`` / ``rv_discrete``
wrappers of scipy 1.17: argument checks, the support's edges, NaN) around the same ``scipy.special`` ufuncs its
distributions call -- the negative binomial's are the Boost ufuncs ``scipy.special._ufuncs._nbinom_*``, which
``scipy.special`` does not re-export -- so the values are the same bits; ``tests/unit/test_scipy_free.py``
compares them with scipy.stats on ordinary and edge inputs (a scipy upgrade that changed a recipe fails there).

Notation: gamma with shape ``a`` and scale ``s`` (``z = x / s``): ``cdf = P(a, z)``, ``sf = Q(a, z)`` (regularised
incomplete gamma functions), ``ppf(q) = s * P^-1(a, q)``; negative binomial with ``n`` successes of probability
``p`` (scipy's parameterisation, mean ``n (1 - p) / p``) at ``k = floor(x)``; standard normal ``sf(x) = Phi(-x)``,
``ppf(q) = Phi^-1(q)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy.special import _ufuncs, gammainc, gammaincc, gammaincinv, ndtr, ndtri

Array = npt.NDArray[np.float64]


def _result(out: Array) -> Array:
    """scipy.stats' return shape: a 0-d result as a scalar."""
    return out[()] if out.ndim == 0 else out


def _where(mask: npt.NDArray[np.bool_], ufunc: Callable[..., Array], *args: npt.ArrayLike) -> Array:
    """``ufunc`` of ``args`` where ``mask`` holds, 0 elsewhere, in the shape of all of them: like scipy.stats, the
    ufunc sees only the valid elements (Boost raises on some edges, e.g. the quantile at ``p = 1``)."""
    shape = np.broadcast_shapes(np.shape(mask), *(np.shape(a) for a in args))
    mask = np.broadcast_to(mask, shape)
    out = np.zeros(shape, dtype=np.float64)
    if mask.any():
        out[mask] = ufunc(*(np.broadcast_to(np.asarray(a), shape)[mask] for a in args))
    return out


def _scaled(x: npt.ArrayLike, scale: npt.ArrayLike) -> tuple[Array, Array]:
    """``(x - 0) / scale`` as rv_continuous standardises (float64), and the scale as an array."""
    s = np.asarray(scale)
    return np.asarray(np.asarray(x, dtype=np.float64) / s, dtype=np.float64), s


def _gamma_tail(x: npt.ArrayLike, a: npt.ArrayLike, scale: npt.ArrayLike, ufunc: Callable[..., Array], *,
                at_or_below_zero: float, at_inf: float) -> Array:
    """A tail of Gamma(a, scale) at ``x`` by ``ufunc`` (regularised incomplete gamma) for ``0 < x < inf``; the
    given values at or below 0 and at +inf, NaN for ``a <= 0``, ``scale <= 0`` or NaN."""
    z, s = _scaled(x, scale)
    a = np.asarray(a)
    valid = (a > 0) & (s > 0)
    with np.errstate(all="ignore"):
        inside = valid & (z > 0) & (z < np.inf)
        out = _where(inside, ufunc, a, z)
        out = np.where(valid & (z >= np.inf), at_inf, out)
        out = np.where(valid & (z <= 0), at_or_below_zero, out)
        out = np.where(~valid | np.isnan(z), np.nan, out)
    return _result(np.asarray(out, dtype=np.float64))


def gamma_cdf(x: npt.ArrayLike, a: npt.ArrayLike, scale: npt.ArrayLike) -> Array:
    """``scipy.stats.gamma.cdf(x, a, scale=scale)``: ``P(a, x / scale)``; 0 at or below 0, 1 at +inf, NaN for
    ``a <= 0``, ``scale <= 0`` or NaN."""
    return _gamma_tail(x, a, scale, gammainc, at_or_below_zero=0.0, at_inf=1.0)


def gamma_sf(x: npt.ArrayLike, a: npt.ArrayLike, scale: npt.ArrayLike) -> Array:
    """``scipy.stats.gamma.sf(x, a, scale=scale)``: ``Q(a, x / scale)``; 1 at or below 0, 0 at +inf, NaN for
    ``a <= 0``, ``scale <= 0`` or NaN."""
    return _gamma_tail(x, a, scale, gammaincc, at_or_below_zero=1.0, at_inf=0.0)


def gamma_ppf(q: npt.ArrayLike, a: npt.ArrayLike, scale: npt.ArrayLike) -> Array:
    """``scipy.stats.gamma.ppf(q, a, scale=scale)``: ``scale * P^-1(a, q)``; 0 at ``q = 0``, +inf at ``q = 1``,
    NaN outside ``[0, 1]`` or for invalid parameters."""
    q, a, s = np.asarray(q), np.asarray(a), np.asarray(scale)
    valid = (a > 0) & (s > 0)
    with np.errstate(all="ignore"):
        inside = valid & (q > 0) & (q < 1)
        out = np.where(inside, _where(inside, gammaincinv, a, q) * s + 0, np.nan)
        out = np.where(valid & (q == 0), 0.0 * s + 0, out)
        out = np.where(valid & (q == 1), np.inf * s + 0, out)
    return _result(np.asarray(out, dtype=np.float64))


def _nbinom_valid(n: npt.ArrayLike, p: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    n, p = np.asarray(n), np.asarray(p)
    return (n > 0) & (p > 0) & (p <= 1)


def _nbinom_tail(k: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike, ufunc: Callable[..., Array], *,
                 below: float, at_inf: float) -> Array:
    """A cumulative tail of NB(n, p) at ``floor(k)`` by ``ufunc`` for ``0 <= k < inf``; ``below`` for ``k < 0``
    (and -inf), ``at_inf`` at +inf, NaN for invalid parameters or NaN."""
    k = np.asarray(k) - 0
    valid = _nbinom_valid(n, p)
    with np.errstate(all="ignore"):
        inside = valid & (k >= 0) & (k < np.inf) & np.isfinite(k)
        out = np.clip(_where(inside, ufunc, np.floor(k), n, p), 0, 1)
        out = np.where(k >= np.inf, at_inf, out)
        out = np.where(((k < 0) | np.isneginf(k)) & valid, below, out)
        out = np.where(~valid | np.isnan(k), np.nan, out)
    return _result(np.asarray(out, dtype=np.float64))


def nbinom_cdf(k: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike) -> Array:
    """``scipy.stats.nbinom.cdf(k, n, p)``: ``P(X <= floor(k))``; 0 below 0 and at -inf, 1 at +inf, NaN for
    invalid parameters or NaN."""
    return _nbinom_tail(k, n, p, _ufuncs._nbinom_cdf, below=0.0, at_inf=1.0)


def nbinom_sf(k: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike) -> Array:
    """``scipy.stats.nbinom.sf(k, n, p)``: ``P(X > floor(k))``; 1 below 0 and at -inf, 0 at +inf, NaN for invalid
    parameters or NaN."""
    return _nbinom_tail(k, n, p, _ufuncs._nbinom_sf, below=1.0, at_inf=0.0)


def nbinom_pmf(k: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike) -> Array:
    """``scipy.stats.nbinom.pmf(k, n, p)``: ``P(X = k)``; 0 unless ``k`` is a whole number >= 0, NaN for invalid
    parameters or NaN."""
    k = np.asarray(k) - 0
    valid = _nbinom_valid(n, p)
    with np.errstate(all="ignore"):
        inside = valid & (k >= 0) & (k <= np.inf) & (np.floor(k) == k)
        out = np.clip(_where(inside, _ufuncs._nbinom_pmf, k, n, p), 0, 1)
        out = np.where(~valid | np.isnan(k), np.nan, out)
    return _result(np.asarray(out, dtype=np.float64))


def nbinom_ppf(q: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike) -> Array:
    """``scipy.stats.nbinom.ppf(q, n, p)``: the smallest ``k`` with ``cdf(k) >= q``; -1 at ``q = 0``, +inf at
    ``q = 1``, NaN outside ``[0, 1]`` or for invalid parameters."""
    q = np.asarray(q)
    valid = _nbinom_valid(n, p)
    with np.errstate(all="ignore"):
        inside = valid & (q > 0) & (q < 1)
        out = np.where(inside, _where(inside, _ufuncs._nbinom_ppf, q, n, p) + 0, np.nan)
        out = np.where((q == 0) & valid, -1.0, out)
        out = np.where((q == 1) & valid, np.inf, out)
    return _result(np.asarray(out, dtype=np.float64))


def norm_sf(x: npt.ArrayLike) -> Array:
    """``scipy.stats.norm.sf(x)``: ``Phi(-x)``; 1 at -inf, 0 at +inf, NaN for NaN."""
    z = np.asarray(np.asarray(x, dtype=np.float64) - 0, dtype=np.float64)
    with np.errstate(all="ignore"):
        out = _where((z > -np.inf) & (z < np.inf), ndtr, -z)
        out = np.where(z <= -np.inf, 1.0, out)
        out = np.where(np.isnan(z), np.nan, out)
    return _result(np.asarray(out, dtype=np.float64))


def norm_ppf(q: npt.ArrayLike) -> Array:
    """``scipy.stats.norm.ppf(q)``: ``Phi^-1(q)``; -inf at 0, +inf at 1, NaN outside ``[0, 1]``."""
    q = np.asarray(q)
    with np.errstate(all="ignore"):
        inside = (q > 0) & (q < 1)
        out = np.where(inside, _where(inside, ndtri, q) * 1 + 0, np.nan)
        out = np.where(q == 0, -np.inf, out)
        out = np.where(q == 1, np.inf, out)
    return _result(np.asarray(out, dtype=np.float64))
