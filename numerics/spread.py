"""Parameter points spread over the space, for diagnosing a refutation.

Hypothesis draws simple and boundary values on purpose (0, the bounds, two
parameters equal): good for finding counterexamples, bad for telling a
constant factor from a ratio that varies -- at h = k or rho = 0 many wrong
formulas happen to be a constant multiple of the truth.  :func:`spread_points`
draws many points from the same strategies (so every point is inside the
stated space), drops the special ones, and keeps a maximin subset: each new
point is the one farthest (in coordinates scaled to the drawn range) from those
already kept.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import StopTest

from .decide import AGREE
from .search import Evaluation, point_key, random_of_other_threads_ignored, search


def _coords(points: list[dict], names: list[str]) -> np.ndarray:
    cols = []
    for n in names:
        col = np.asarray([float(p[n]) for p in points])
        span = float(col.max() - col.min())
        cols.append((col - col.min()) / span if span > 0 else np.zeros_like(col))
    return np.stack(cols, axis=1) if cols else np.zeros((len(points), 0))


def _special(point: dict, names: list[str], bounds: dict[str, tuple[float, float]]) -> bool:
    """A value at or within 1e-6 of the drawn span from an integer (0, +-1), a bound of the drawn range,
    or another parameter (Hypothesis draws 1e-250 and 2.9999999999999996 as readily as 0 and 3)."""
    values = [float(point[n]) for n in names]
    for n, v in zip(names, values):
        lo, hi = bounds[n]
        near = 1e-6 * max(hi - lo, 1e-300)
        if isinstance(point[n], float) and (abs(v - round(v)) <= near or min(abs(v - lo), abs(v - hi)) <= near):
            return True
    span = max((bounds[n][1] - bounds[n][0] for n in names), default=0.0)
    return any(abs(u - w) <= 1e-6 * max(span, 1e-300) for i, u in enumerate(values) for w in values[i + 1:])


def _draw_bare(strategy: st.SearchStrategy, draws: int, seed: int) -> list[dict[str, Any]]:
    """``draws`` attempts at drawing from ``strategy``, each from a bare Hypothesis ``ConjectureData``
    on one seeded stream: the same strategies, so every point is inside the stated space, without the
    engine around each example (a search costs several times more per example: ``benchmarks/speed.py``;
    the diagnosis of 130 refuted claims drew 10,000 points).  The classes are internal to Hypothesis:
    where this version spells them differently nothing is drawn, and :func:`draw` runs a search."""
    try:
        from hypothesis.control import BuildContext
        from hypothesis.internal.conjecture.data import ConjectureData
    except ImportError:
        return []
    rng = random.Random(seed)
    out = []
    with random_of_other_threads_ignored():
        for _ in range(draws):
            try:
                data = ConjectureData(random=rng)
                with BuildContext(data, wrapped_test=None):  # type: ignore[arg-type]
                    out.append(dict(data.draw(strategy)))
            except (Exception, StopTest):  # noqa: BLE001 - a filtered-out draw, or another Hypothesis: next attempt
                continue
    return out


def draw(strategies: Mapping[str, st.SearchStrategy], draws: int, seed: int, key: str) -> list[dict[str, Any]]:
    """Distinct points drawn (seeded) from the strategies: every one is inside the stated space."""
    drawn: dict[str, dict] = {}
    bare = _draw_bare(st.fixed_dictionaries(dict(strategies)), draws, seed)
    if bare:
        for point in bare:
            drawn.setdefault(point_key(point), point)
        return list(drawn.values())

    def record(point: Mapping[str, Any]) -> Evaluation:
        drawn.setdefault(point_key(point), dict(point))
        return Evaluation(point, AGREE)

    search(strategies, record, max_examples=draws, shrink_budget=0, seed=seed, key=key)
    return list(drawn.values())


def sweep_values(strategies: Mapping[str, st.SearchStrategy], name: str, count: int, seed: int, key: str) -> list[float]:
    """Up to ``count`` values of one float parameter, evenly spread over the values its strategy drew
    (a sweep built from draws cannot leave the space, even when the strategy is filtered or a union)."""
    values = sorted({float(p[name]) for p in draw(strategies, 40, seed, key) if isinstance(p.get(name), float)})
    values = [v for v in values if np.isfinite(v)]
    if len(values) <= count:
        return values
    idx = np.unique(np.round(np.linspace(0, len(values) - 1, count)).astype(int))
    return [values[i] for i in idx]


def spread_points(strategies: Mapping[str, st.SearchStrategy], count: int, seed: int, key: str, draws: int = 80) -> list[dict[str, Any]]:
    """``count`` points drawn from ``strategies``, away from special values and from each other."""
    if not strategies or count <= 0:
        return []
    points = draw(strategies, draws, seed, key)
    names = [n for n in sorted(strategies) if all(isinstance(p[n], (int, float)) and not isinstance(p[n], bool) for p in points)]
    if not points:
        return []
    if not names:
        return points[:count]
    bounds = {n: (min(float(p[n]) for p in points), max(float(p[n]) for p in points)) for n in names}
    ordinary = [p for p in points if not _special(p, names, bounds)]
    pool = ordinary if len(ordinary) >= count else ordinary + [p for p in points if _special(p, names, bounds)]
    x = _coords(pool, names)
    # start from the point nearest the centre, then add the farthest from those kept
    chosen = [int(np.argmin(np.sum((x - 0.5) ** 2, axis=1)))]
    dist = np.sum((x - x[chosen[0]]) ** 2, axis=1)
    while len(chosen) < min(count, len(pool)):
        nxt = int(np.argmax(dist))
        if dist[nxt] <= 0 and len(chosen) >= 1 and nxt in chosen:
            break
        chosen.append(nxt)
        dist = np.minimum(dist, np.sum((x - x[nxt]) ** 2, axis=1))
    return [pool[i] for i in chosen]
