"""derivcheck.derivations: what is claimed.

This module is the public face for authors of claim modules; importing it has no
side effects (no environment variables, no discovery)::

    from derivations import Chain, Sampled, claim, definition, eq, quote

The tree says what each file is for:

* :mod:`derivations.api` — the authoring vocabulary re-exported here;
* :mod:`derivations.engine` — how an audit runs (registry, sides, audit, runner);
  it never imports :mod:`derivations.topics`, which it finds by discovery only;
* :mod:`derivations.authoring` — from notes to claim modules (note reading, LaTeX
  parsing, coverage, scaffolding);
* :mod:`derivations.topics` — the claims about the notes, one module per topic;
* :mod:`derivations.cli` and :mod:`derivations.pytest_plugin` — the two front ends.
"""

from .api import (
    TODO,
    Chain,
    Claim,
    Correction,
    DataModel,
    Point,
    Sampled,
    Source,
    Tolerances,
    claim,
    definition,
    eq,
    incomplete,
    quote,
)

__all__ = [
    "TODO", "Chain", "Claim", "Correction", "DataModel", "Point", "Sampled", "Source", "Tolerances",
    "claim", "definition", "eq", "incomplete", "quote", "check", "CheckResult",
]


def __getattr__(name: str):
    """``derivations.check`` and ``derivations.CheckResult`` (imported on first use: the engine is not loaded before)."""
    if name in ("check", "CheckResult"):
        from . import interactive

        return getattr(interactive, name)
    raise AttributeError(f"module 'derivations' has no attribute {name!r}")
