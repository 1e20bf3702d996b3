"""``numerics.models.sampling.per_block``: the shared per-block cache the topic modules use for draws that the
paired statistics of one point share (instead of hand-written caches of their own)."""

from __future__ import annotations

import numpy as np

from numerics.models import sampling


def _counting():
    calls: list[object] = []

    def compute(name):
        def run():
            calls.append(name)
            return ("value", name)
        return run

    return calls, compute


def test_a_draw_is_computed_once_per_block_and_name() -> None:
    calls, compute = _counting()
    a = np.random.default_rng(0).standard_normal((64, 3))
    b = np.random.default_rng(1).standard_normal((64, 3))
    first = sampling.per_block(a, ("x", 1), compute(("x", 1)))
    assert sampling.per_block(a, ("x", 1), compute(("x", 1))) is first  # the second side of a pair reuses it
    sampling.per_block(a, ("x", 2), compute(("x", 2)))  # another point on the same block: its own draw
    sampling.per_block(b, ("x", 1), compute(("x", 1)))  # a new block: drawn again
    assert calls == [("x", 1), ("x", 2), ("x", 1)]


def test_a_block_replayed_at_many_points_keeps_a_bounded_number_of_draws() -> None:
    """The points of one check replay the same normals: one block must not keep a draw for every point."""
    calls, compute = _counting()
    a = np.random.default_rng(2).standard_normal((64, 3))
    points = 5 * sampling.PER_BLOCK_KEPT
    for k in range(points):
        assert sampling.per_block(a, ("pt", k), compute(k)) == ("value", k)
        assert sampling.per_block(a, ("pt", k), compute(k)) == ("value", k)  # the pair still shares it
    assert len(calls) == points
    assert len(sampling._CURRENT["store"]) <= sampling.PER_BLOCK_KEPT
