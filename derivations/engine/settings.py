"""Audit settings: the two modes and what they change."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

MODES = ("quick", "thorough")


@dataclass(frozen=True)
class AuditSettings:
    mode: str = "quick"
    seed: int = 0
    dps: int = 30                      # mpmath working precision (digits)
    samples: int = 1 << 16             # Monte Carlo samples per evaluation
    chunk: int = 1 << 15               # samples per streamed block (bounds memory)
    sampling: str = "qmc"              # randomized scrambled Sobol, or "montecarlo" (i.i.d. normals)
    max_examples: int = 8              # parameter points drawn per claim
    shrink_budget: int = 16            # extra evaluations allowed for shrinking
    follows_examples: int = 8          # points for "does it follow from the line above?" (as many as the truth check:
                                       # at 4, a follows check missed a counterexample at some seeds)
    recheck_sample_factor: int = 4     # a refutation is re-checked with this many times the samples
    recheck_extra_dps: int = 15        # ... and this many more digits (and the independent quadrature route)
    uncertified_floor: float = 1e-10   # a deterministic refutation without a proof needs a larger relative discrepancy
    alpha: float = 1e-6                # family-wise false-refutation probability per claim
    max_resolution: float = 0.1        # coarser than this (relative) cannot confirm
    symbolic_timeout: float = 8.0      # seconds for a SymPy proof attempt
    database: str | None = None        # Hypothesis example database folder (None: none)
    workers: int = 2                   # claims audited in parallel
    deadline: float = 60.0             # seconds per claim (a chain of n lines: n times this); then inconclusive
    randomizations: int = 32           # random digital shifts of the Sobol sequence (sampling = "qmc")
    # sequential sampling: double the sample (up to sample_growth x samples) until the estimate
    # resolves target_resolution relative; alpha is spent over the looks (numerics.montecarlo).
    # 0.6 % so that a 1 % error is seen with margin (derivcheck mutate)
    target_resolution: float | None = 6e-3
    sample_growth: int = 8
    sample_head: int = 4               # ... starting from samples / sample_head (stops there when resolved)

    @classmethod
    def for_mode(cls, mode: str = "quick", **overrides: object) -> "AuditSettings":
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        base = cls() if mode == "quick" else cls(
            mode="thorough", dps=40, samples=1 << 18, max_examples=60, shrink_budget=150,
            follows_examples=20, symbolic_timeout=30.0, deadline=600.0, target_resolution=6e-4, sample_growth=16,
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(base, **clean)

    def as_json(self) -> dict:
        return asdict(self)
