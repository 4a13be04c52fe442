"""nba_pra.model.exact: the products and the solve agree with numpy's, and a fit gives the same bits under every
OpenBLAS kernel this CPU can run (what another CPU would pick).

(numpy's own SIMD paths for exp, log and tanh also differ in the last bit between CPU levels, e.g. with and
without AVX-512: that is not this module's to fix, so the numpy SIMD level is left as it is here.)"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nba_pra.model.exact import matvec, solve, tmatvec, weighted_gram


def test_the_products_agree_with_numpys() -> None:
    rng = np.random.default_rng(1)
    x, w, v, weight = rng.normal(size=(500, 3)), rng.normal(size=3), rng.normal(size=500), rng.uniform(size=500)
    np.testing.assert_allclose(matvec(x, w), x @ w, rtol=1e-12)
    np.testing.assert_allclose(tmatvec(x, v), x.T @ v, rtol=1e-12)
    gram = weighted_gram(x, weight)
    np.testing.assert_allclose(gram, (x * weight[:, None]).T @ x, rtol=1e-12)
    assert (gram == gram.T).all()


def test_solve_matches_a_hand_solved_system_and_pivots() -> None:
    # 2x + y = 5, x + 3y = 10 -> x = 1, y = 3; the first row's zero pivot needs a row swap
    np.testing.assert_allclose(solve([[2.0, 1.0], [1.0, 3.0]], [5.0, 10.0]), [1.0, 3.0], rtol=1e-15)
    np.testing.assert_allclose(solve([[0.0, 1.0], [1.0, 0.0]], [2.0, 7.0]), [7.0, 2.0], rtol=1e-15)
    a = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
    np.testing.assert_allclose(solve(a, [1.0, 2.0, 3.0]), np.linalg.solve(a, [1.0, 2.0, 3.0]), rtol=1e-13)


def test_solve_leaves_an_undetermined_unknown_at_zero() -> None:
    # the second unknown does not appear: x = 2 solves the first equation, y is free and stays 0
    got = solve([[1.0, 0.0], [0.0, 0.0]], [2.0, 0.0])
    assert got.tolist() == [2.0, 0.0]


_FIT = """
import numpy as np
from nba_pra.betting.stacking import StackFit, apply_stack, fit_stack
rng = np.random.default_rng(0)
n = 20000
p_model = rng.uniform(0.2, 0.8, n)
p_market = np.clip(p_model + rng.normal(0.0, 0.05, n), 0.01, 0.99)
y = (rng.random(n) < p_market).astype(float)
fit = fit_stack(p_model, p_market, y, l2=1.0, clip=1e-4, max_iter=50)
priced = apply_stack(fit, p_model, p_market, 1e-4)
print(np.array([fit.intercept, fit.model_weight, fit.market_weight]).tobytes().hex(), priced.tobytes().hex()[:4096])
"""


def _kernels() -> list[str]:
    """OpenBLAS kernel sets this CPU can run: the oldest x86-64 one and the newer ones its flags allow."""
    cpuinfo = Path("/proc/cpuinfo")
    flags = cpuinfo.read_text() if cpuinfo.exists() else ""
    kernels = ["Prescott", "Nehalem"]
    if " avx " in flags:
        kernels.append("Sandybridge")
    if " avx2 " in flags:
        kernels.append("Haswell")
    if " avx512f " in flags:
        kernels.append("SkylakeX")
    return kernels


#: the live model's variance fit: scipy's non-negative least squares on three variance terms (live/fit.py)
_NNLS = """
import numpy as np
from scipy.optimize import nnls
rng = np.random.default_rng(0)
a = np.abs(rng.normal(size=(20000, 3))) * rng.uniform(0.5, 3.0, size=3)
b = a @ np.array([0.7, 0.0, 1.3]) + rng.normal(size=20000)
coef, residual = nnls(a, b)
print(coef.tobytes().hex(), np.float64(residual).tobytes().hex())
"""


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="OpenBLAS kernel names are x86-64's")
@pytest.mark.parametrize("script", [_FIT, _NNLS], ids=["stack fit", "live variance nnls"])
def test_a_fit_gives_the_same_bits_under_every_blas_kernel(script: str) -> None:
    runs = {}
    for kernel in _kernels():
        env = {**os.environ, "OPENBLAS_CORETYPE": kernel}
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        runs[kernel] = out.stdout
    assert len(runs) >= 2
    assert len(set(runs.values())) == 1, {k: v[:40] for k, v in runs.items()}
