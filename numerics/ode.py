"""ODE integration with an error estimate (scipy.integrate.solve_ivp).

The error of a trajectory is estimated by solving twice, at tolerance ``rtol``
and ``rtol / 100``, and taking the difference (plus the tighter tolerance).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.integrate import solve_ivp

from .estimate import Estimate
from .errors import IntegrationError  # noqa: F401 - raised here, importable from here


def integrate_flow(
    rhs: Callable[[float, np.ndarray], np.ndarray],
    y0: np.ndarray,
    t_end: float,
    t_eval: np.ndarray | None = None,
    rtol: float = 1e-8,
    atol: float = 1e-11,
    method: str = "DOP853",
) -> Estimate:
    """Solve y' = rhs(t, y) from y(0) = y0; value at ``t_eval`` (default: t_end only).

    Returns shape (len(t_eval), *y0.shape), or y0.shape when t_eval is None.
    """
    y0 = np.asarray(y0, float)
    times = np.array([t_end]) if t_eval is None else np.asarray(t_eval, float)

    def f(t: float, y: np.ndarray) -> np.ndarray:
        return np.asarray(rhs(t, y.reshape(y0.shape)), float).ravel()

    sols = []
    for tol_r, tol_a in ((rtol, atol), (rtol / 100, atol / 100)):
        sol = solve_ivp(f, (0.0, float(times.max())), y0.ravel(), method=method, t_eval=times, rtol=tol_r, atol=tol_a)
        if not sol.success:
            raise IntegrationError(f"solve_ivp ({method}) failed: {sol.message}")
        sols.append(sol.y.T.reshape((len(times),) + y0.shape))
    fine, coarse = sols[1], sols[0]
    err = np.abs(fine - coarse) + rtol / 100 * np.abs(fine) + atol / 100
    if t_eval is None:
        fine, err = fine[0], err[0]
    return Estimate(
        value=fine, method="ode", abs_error=err,
        detail=f"solve_ivp {method}, rtol {rtol / 100:g}; error from the difference with rtol {rtol:g}",
    )
