"""Hypothesis drives the parameter points and shrinks counterexamples.

:func:`search` draws points from a dictionary of strategies, evaluates each
with a caller-supplied function, and stops at the first point the function
marks ``disagree``; Hypothesis then shrinks that point to a simple one (small
integers, round floats, short vectors) while it still disagrees.  Every
evaluation is counted against a budget so an expensive check cannot shrink
forever.

Generation is seeded, so a re-run draws the same points.  (Hypothesis does
not write its own database when a seed is given, so the failing examples are
kept here instead: :class:`ExampleDatabase` stores each shrunk counterexample
as JSON under the caller's key.)  The seeded search always runs first and the
stored points are evaluated only when it finds no disagreement: a re-run with
the same seed then tests exactly the points of the first run and keeps its
evidence (the spread of points a sweep is drawn over, the resolution), while
a counterexample found under another seed or mode is still not lost.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
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


def _encode(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return {"__ndarray__": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "__ndarray__" in value:
        return np.asarray(value["__ndarray__"], dtype=value["dtype"])
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


class ExampleDatabase:
    """Shrunk counterexamples on disk, one JSON file per key (claim and check)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _file(self, key: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in key)[:80]
        return self.folder / f"{safe}-{hashlib.sha1(key.encode()).hexdigest()[:8]}.json"

    def load(self, key: str) -> list[dict]:
        try:
            points = json.loads(self._file(key).read_text())
        except (OSError, ValueError):
            return []
        return [{k: _decode(v) for k, v in p.items()} for p in points if isinstance(p, dict)]

    def save(self, key: str, point: Mapping[str, Any]) -> None:
        encoded = {k: _encode(v) for k, v in point.items()}
        try:
            stored = json.loads(self._file(key).read_text())
        except (OSError, ValueError):
            stored = []
        if encoded in stored:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._file(key).write_text(json.dumps([encoded] + stored[:9]))
        except OSError:  # a read-only place: the database is a convenience, not a requirement
            pass


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
    """Evaluate up to ``max_examples`` points; shrink the first disagreement.

    With a ``database`` folder, a newly shrunk counterexample is stored, and
    the counterexamples stored by earlier runs are evaluated after a seeded
    search that found none; a stored point that still disagrees is then the
    outcome (it was shrunk when it was found).  Replaying them *before* the
    search would make a re-run stop after one point and lose the first run's
    evidence.
    """
    outcome = SearchOutcome()
    cache: dict[str, Evaluation] = {}
    limit = max_examples + shrink_budget
    store = ExampleDatabase(database) if database else None

    def replay() -> SearchOutcome:
        for point in store.load(key) if store is not None else []:
            if set(point) != set(strategies) or point_key(point) in cache:
                continue  # the parameter space changed since it was stored, or the search tested it
            result = evaluate(dict(point))
            cache[point_key(point)] = result
            outcome.evaluations.append(result)
            if result.status == DISAGREE:
                outcome.failing = result
                break
        return outcome

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
        database=None,  # seeded runs never write Hypothesis's own database; see ExampleDatabase
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        derandomize=False,
    )
    strategy = st.fixed_dictionaries(dict(strategies))
    try:
        found = find(strategy, condition, settings=conf, random=random.Random(seed), database_key=key.encode())
    except NoSuchExample:
        return replay()
    except Unsatisfiable as exc:
        outcome.problem = f"Hypothesis could not draw valid points: {exc}"
        return replay()
    outcome.failing = cache[point_key(found)]
    if store is not None:
        store.save(key, dict(outcome.failing.point))
    return outcome
