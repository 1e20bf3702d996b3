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

import contextlib
import hashlib
import json
import random
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisDeprecationWarning, NoSuchExample, StopTest, UnsatisfiedAssumption, Unsatisfiable

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
    warnings: list[str] = field(default_factory=list)  # stored examples that were ignored, and why


@contextlib.contextmanager
def random_of_other_threads_ignored() -> Iterator[None]:
    """Hypothesis warns when the global ``random`` state changes during a draw (a strategy using it).  In a
    thread other than the main one -- a dask worker runs its tasks beside an event loop that uses
    ``random`` -- the change is another thread's doing: the warning is dropped there, and only there."""
    if threading.current_thread() is threading.main_thread():
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HypothesisDeprecationWarning)
        yield


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


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a stored parameter value")


def _plain(value: Any) -> bool:
    """A value the database can have written: a finite number, a bool, or a list/array of them."""
    if isinstance(value, dict) and "__ndarray__" in value:
        return _plain(value["__ndarray__"]) and isinstance(value.get("dtype"), str)
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, bool) or isinstance(value, int):
        return True
    return isinstance(value, float) and np.isfinite(value)


def space_key(strategies: Mapping[str, st.SearchStrategy]) -> str:
    """A digest of what defines the parameter space (names and strategies), for the database key:
    a stored counterexample is replayed only in the space it was found in."""
    import re

    text = repr(sorted((k, re.sub(r" at 0x[0-9a-f]+", "", repr(v))) for k, v in strategies.items()))
    return hashlib.sha1(text.encode()).hexdigest()[:12]


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

    def load(self, key: str, warnings: list[str] | None = None) -> list[dict]:
        """The stored points under ``key``; unreadable entries are skipped (and said in ``warnings``)."""
        warnings = warnings if warnings is not None else []
        file = self._file(key)
        try:
            text = file.read_text()
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            warnings.append(f"example database: {file.name} unreadable ({exc}); ignored")
            return []
        try:
            points = json.loads(text, parse_constant=_no_constant)
        except ValueError as exc:
            warnings.append(f"example database: {file.name} is not valid JSON ({exc}); ignored")
            return []
        if not isinstance(points, list):
            warnings.append(f"example database: {file.name} does not hold a list of points; ignored")
            return []
        out = []
        for p in points:
            try:
                if not isinstance(p, dict) or not all(_plain(v) for v in p.values()):
                    raise ValueError(f"not a point of numbers: {p!r}"[:120])
                out.append({k: _decode(v) for k, v in p.items()})
            except (ValueError, TypeError, KeyError) as exc:
                warnings.append(f"example database: an entry of {file.name} ignored ({exc})")
        return out

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


class _BudgetSpent(BaseException):
    """Ends Hypothesis's shrinking once the evaluation budget is spent.  Hypothesis re-raises at once
    an exception that is not an ``Exception`` (as it does ``KeyboardInterrupt``); without it the
    shrinker ran all its remaining passes, each new point refused.  Few searches of the notes spend
    their budget (most shrinks end within it), so the quick audit's time hardly changes; the bound on
    a search's work is what this gives."""


def _seeded_globals() -> contextlib.AbstractContextManager:
    """The global PRNGs (``random``, numpy's) seeded as Hypothesis seeds them for an example, and restored
    after: a claim whose code draws from them gets the same numbers at every evaluation, as under ``find``."""
    try:
        from hypothesis.internal.entropy import deterministic_PRNG
    except ImportError:  # another Hypothesis: the claim's own randomness is then caught as nondeterminism
        return contextlib.nullcontext()
    return deterministic_PRNG()


class _Found(Exception):
    """The condition held: the role of ``find``'s own ``Found``."""


def _find(strategy: st.SearchStrategy, condition: Callable[[Any], bool], conf: settings, rng: random.Random) -> Any:
    """``hypothesis.find(strategy, condition, settings=conf, random=rng)`` run on Hypothesis's engine directly.

    The engine, its settings and its random stream are those ``find`` uses (``find`` seeds its test with
    ``rng.getrandbits(64)``), so the same points are drawn in the same order and shrunk by the same passes;
    what is left out is ``@given``'s machinery around each example (argument printing, tracing,
    observability; see ``benchmarks/speed.py``).  As under ``find``, a strategy that uses the global
    ``random`` is warned about, an error of the condition is shrunk like a hit and raised at its smallest
    example, no valid example is :class:`Unsatisfiable`, and no hit is :class:`NoSuchExample`.  ``find``
    also seeds the global PRNGs for every example; :func:`search` does it only around the evaluation of a
    new point (:func:`_seeded_globals`), the one place a claim's code runs.  The classes are internal to
    Hypothesis: where this version spells them differently, ``find`` itself runs."""
    try:
        from hypothesis.control import BuildContext, deprecate_random_in_strategy
        from hypothesis.internal.conjecture.data import ConjectureData
        from hypothesis.internal.conjecture.engine import ConjectureRunner
        from hypothesis.internal.conjecture.shrinker import sort_key
        from hypothesis.internal.escalation import InterestingOrigin
    except ImportError:
        return find(strategy, condition, settings=conf, random=rng)
    hit = InterestingOrigin.from_exception(_Found())
    errors: dict[Any, Exception] = {}

    def example(data: ConjectureData) -> None:
        origin = None
        with BuildContext(data, wrapped_test=None):  # type: ignore[arg-type]
            try:
                with deprecate_random_in_strategy("from {}={!r}", "point", strategy):  # find's warning, where find gives it
                    value = data.draw(strategy)
                if condition(value):
                    origin = hit
            except UnsatisfiedAssumption:
                data.mark_invalid()
            except Exception as exc:  # noqa: BLE001 - the claim's own error: shrunk, then raised, as by find
                origin = InterestingOrigin.from_exception(exc)
                errors.setdefault(origin, exc)
        if origin is not None:
            data.mark_interesting(origin)

    runner = ConjectureRunner(example, settings=settings(conf, suppress_health_check=list(HealthCheck), report_multiple_bugs=False),
                              random=random.Random(rng.getrandbits(64)))
    runner.run()
    if not runner.interesting_test_cases:
        if runner.call_count and runner.valid_test_cases == 0:
            raise Unsatisfiable(f"no valid example in {runner.call_count} attempts "
                                f"({runner.invalid_test_cases} failed a filter or assume, {runner.overrun_test_cases} too large)")
        raise NoSuchExample(repr(condition))
    origin, result = min(runner.interesting_test_cases.items(), key=lambda kv: sort_key(kv[1].nodes))
    data = ConjectureData.for_choices(result.choices)
    try:
        with BuildContext(data, is_final=True, wrapped_test=None):  # type: ignore[arg-type]
            value = data.draw(strategy)
    except StopTest:  # pragma: no cover - a shrunk example always replays
        raise errors.get(origin) or NoSuchExample(repr(condition)) from None
    if origin != hit:
        condition(value)  # the error again, with its traceback at the smallest example
        raise errors[origin]
    return value


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
    key = f"{key}:{space_key(strategies)}"  # the space is part of the key: a narrowed range starts afresh

    def replay() -> SearchOutcome:
        # a stored point is a hint: tried after the seeded search, and one that cannot be evaluated is dropped
        for point in store.load(key, outcome.warnings) if store is not None else []:
            if set(point) != set(strategies) or point_key(point) in cache:
                continue  # the parameter space changed since it was stored, or the search tested it
            try:
                with _seeded_globals():
                    result = evaluate(dict(point))
            except Exception as exc:  # noqa: BLE001 - a corrupt entry is not the claim's error
                outcome.warnings.append(f"example database: stored point {point} ignored ({type(exc).__name__}: {exc})"[:300])
                continue
            cache[point_key(point)] = result
            outcome.evaluations.append(result)
            if result.status == DISAGREE:
                outcome.failing = result
                break
        return outcome

    # the shrink target: Hypothesis tests only candidates smaller than its current target, so the
    # last disagreement it saw is the smallest so far
    smallest: list[Evaluation] = []

    def condition(point: Mapping[str, Any]) -> bool:
        k = point_key(point)
        if k not in cache:
            if len(cache) >= limit:
                outcome.budget_exhausted = True
                if smallest:
                    raise _BudgetSpent
                return False
            with _seeded_globals():
                result = evaluate(dict(point))
            cache[k] = result
            outcome.evaluations.append(result)
        if cache[k].status == DISAGREE:
            smallest[:] = [cache[k]]
            return True
        return False

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
        with random_of_other_threads_ignored():
            found = _find(strategy, condition, conf, random.Random(seed))
    except NoSuchExample:
        return replay()
    except Unsatisfiable as exc:
        outcome.problem = f"Hypothesis could not draw valid points: {exc}"
        return replay()
    except _BudgetSpent:
        found = smallest[0].point
    outcome.failing = cache[point_key(found)]
    if store is not None:
        store.save(key, dict(outcome.failing.point))
    return outcome
