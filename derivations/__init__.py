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

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for type checkers and editors; at run time the names are loaded on first use (below)
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
    from .interactive import CheckResult, check

#: the authoring vocabulary, from :mod:`derivations.api`: imported on first use, so that a command that
#: needs none of it (``derivcheck --version``, ``report``, an unchanged audit replayed) does not pay the
#: second SymPy and Hypothesis take to import
_API = ("TODO", "Chain", "Claim", "Correction", "DataModel", "Point", "Sampled", "Source", "Tolerances",
        "claim", "definition", "eq", "incomplete", "quote")

__all__ = [
    "TODO", "Chain", "Claim", "Correction", "DataModel", "Point", "Sampled", "Source", "Tolerances",
    "claim", "definition", "eq", "incomplete", "quote", "check", "CheckResult",
]


def __getattr__(name: str):
    """The authoring vocabulary (:mod:`derivations.api`), ``derivations.check`` and ``derivations.CheckResult``,
    each imported on first use (the engine is not loaded before)."""
    if name in _API:
        from . import api

        return getattr(api, name)
    if name in ("check", "CheckResult"):
        from . import interactive

        return getattr(interactive, name)
    raise AttributeError(f"module 'derivations' has no attribute {name!r}")
