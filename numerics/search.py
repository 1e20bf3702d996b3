"""Hypothesis drives the parameter points and shrinks counterexamples.

:func:`search` draws points from a dictionary of strategies, evaluates each
with a caller-supplied function, and stops at the first point the function
marks ``disagree``; Hypothesis then shrinks that point to a simple one (small
integers, round floats, short vectors) while it still disagrees.  Every
evaluation is counted against a budget so an expensive check cannot shrink
forever.  Generation is seeded (``random=``) and failing examples are kept in
an example database keyed by the caller's key, so a re-run replays them first.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.errors import NoSuchExample, Unsatisfiable

from .decide import DISAGREE


@dataclass(frozen=True)
class Evaluation:
    """One tested point and what the caller found there."""

    point: Mapping[str, Any]
    status: str
    record: Any = None


@dataclass
class SearchOutcome:
    evaluations: list[Evaluation] = field(default_factory=list)
    failing: Evaluation | None = None
    budget_exhausted: bool = False
    problem: str | None = None


def point_key(point: Mapping[str, Any]) -> str:
    """A stable text key for a parameter point (numpy arrays included)."""

    def norm(v: Any) -> Any:
        if isinstance(v, np.ndarray):
            return ("array", v.shape, tuple(np.asarray(v, float).ravel().tolist()))
        if isinstance(v, (list, tuple)):
            return tuple(norm(x) for x in v)
        if isinstance(v, float):
            return float.hex(v)
        return v

    return repr(sorted((k, norm(v)) for k, v in point.items()))


def search(
    strategies: Mapping[str, st.SearchStrategy],
    evaluate: Callable[[Mapping[str, Any]], Evaluation],
    *,
    max_examples: int,
    shrink_budget: int,
    seed: int,
    key: str,
    database: Path | None = None,
) -> SearchOutcome:
    """Evaluate up to ``max_examples`` points; shrink the first disagreement."""
    outcome = SearchOutcome()
    cache: dict[str, Evaluation] = {}
    limit = max_examples + shrink_budget

    def condition(point: Mapping[str, Any]) -> bool:
        k = point_key(point)
        if k not in cache:
            if len(cache) >= limit:
                outcome.budget_exhausted = True
                return False
            result = evaluate(dict(point))
            cache[k] = result
            outcome.evaluations.append(result)
        return cache[k].status == DISAGREE

    conf = settings(
        max_examples=max_examples,
        deadline=None,
        database=DirectoryBasedExampleDatabase(str(database)) if database else None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        derandomize=False,
    )
    strategy = st.fixed_dictionaries(dict(strategies))
    try:
        found = find(strategy, condition, settings=conf, random=random.Random(seed), database_key=key.encode())
    except NoSuchExample:
        return outcome
    except Unsatisfiable as exc:
        outcome.problem = f"Hypothesis could not draw valid points: {exc}"
        return outcome
    outcome.failing = cache[point_key(found)]
    return outcome
