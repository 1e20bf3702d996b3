"""Auditing many claims: in parallel, then tracing where errors enter.

Claims are independent, so they are audited in a pool of forked worker
processes (the registry is inherited by fork, only ids cross the process
boundary).  Results come back in registry order whatever the completion
order, so the JSON file does not depend on scheduling.  After all claims are
done, refuted lines that follow from a refuted line above inherit its root
cause.
"""

from __future__ import annotations

import multiprocessing
import platform
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version

from threadpoolctl import threadpool_limits

from .api import Claim
from .audit import audit_claim
from .registry import LoadFailure, Registry
from .settings import AuditSettings

TOOL_VERSION = "0.1.0"
VERDICTS = ("proved", "confirmed", "refuted", "inconclusive", "error", "definition", "incomplete")

_STATE: dict[str, object] = {}

# a follow-up run in the worker on each audited claim; it may add fields to the record
PerClaim = Callable[[Claim, dict, AuditSettings], None]


def _audit_group(claim_ids: list[str]) -> list[dict]:
    """Audit claims in order in this process (a chain's lines share memoized reference values)."""
    registry: Registry = _STATE["registry"]  # type: ignore[assignment]
    settings: AuditSettings = _STATE["settings"]  # type: ignore[assignment]
    per_claim: PerClaim | None = _STATE.get("per_claim")  # type: ignore[assignment]
    lookup = lambda i: registry.get(i) if i in registry else None  # noqa: E731
    out = []
    # one BLAS thread per worker: threaded BLAS in two workers on two cores made the small matrix
    # products of sampled statistics 10-300x slower (see derivations/__init__.py)
    with threadpool_limits(limits=1):
        for cid in claim_ids:
            claim = registry.get(cid)
            record = audit_claim(claim, settings, lookup)
            if per_claim is not None:
                per_claim(claim, record, settings)  # e.g. mutation testing, in the same worker
            out.append(record)
    return out


def _groups(claims: Sequence[Claim]) -> list[list[str]]:
    """One task per chain (in declaration order), one per free-standing claim."""
    groups: dict[str, list[str]] = {}
    for c in claims:
        groups.setdefault(c.chain or c.id, []).append(c.id)
    return list(groups.values())


def _failure_record(f: LoadFailure) -> dict:
    return {
        "id": f"load-error:{f.module}",
        "kind": "claim",
        "verdict": "error",
        "sources": [{"note": f.location, "equation": None, "quote": "module could not be imported"}],
        "latex": "",
        "note_flag": None,
        "assumptions": [],
        "method": None,
        "evidence": None,
        "counterexample": None,
        "diagnosis": f"module {f.module} ({f.location}) failed to import; its claims were not audited",
        "corrected": None,
        "follows": None,
        "inherits_from": None,
        "seconds": 0.0,
        "traceback": f.traceback,
    }


def trace_inheritance(results: list[dict]) -> None:
    """Set ``inherits_from`` on refuted lines that follow from a refuted line (in place).

    The root cause is found by walking back along ``after`` links, so the order of
    ``results`` does not matter.
    """
    by_id = {r["id"]: r for r in results}

    def root(r: dict, seen: frozenset) -> str | None:
        if r.get("verdict") != "refuted" or r.get("follows") is not True or not r.get("after"):
            return None
        prev = by_id.get(r["after"])
        if prev is None or prev.get("verdict") != "refuted" or prev["id"] in seen:
            return None
        return root(prev, seen | {prev["id"]}) or prev["id"]

    for r in results:
        r["inherits_from"] = root(r, frozenset({r["id"]}))


def environment() -> dict:
    env = {"python": sys.version.split()[0], "platform": platform.platform()}
    for pkg in ("sympy", "mpmath", "numpy", "scipy", "hypothesis"):
        try:
            env[pkg] = version(pkg)
        except PackageNotFoundError:  # pragma: no cover
            env[pkg] = None
    return env


def run(
    registry: Registry,
    claims: Sequence[Claim],
    settings: AuditSettings,
    on_result: Callable[[dict], None] | None = None,
    per_claim: PerClaim | None = None,
) -> dict:
    """Audit ``claims`` and return the whole result document (DESIGN.md schema).

    ``per_claim(claim, record, settings)`` runs after each claim's audit in the
    worker that audited it (the pool is forked, so it needs no pickling).
    """
    ids = [c.id for c in claims]
    results: dict[str, dict] = {}
    _STATE.update(registry=registry, settings=settings, per_claim=per_claim)
    groups = sorted(_groups(claims), key=len, reverse=True)  # long chains first: better packing
    workers = max(1, min(settings.workers, len(groups)))

    def collect(batch: list[dict]) -> None:
        for res in batch:
            results[res["id"]] = res
            if on_result:
                on_result(res)

    if workers == 1:
        for group in groups:
            collect(_audit_group(group))
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for fut in as_completed([pool.submit(_audit_group, group) for group in groups]):
                collect(fut.result())
    ordered = [_failure_record(f) for f in registry.failures] + [results[cid] for cid in ids]
    trace_inheritance(ordered)
    counts = {v: sum(1 for r in ordered if r["verdict"] == v) for v in VERDICTS}
    return {
        "tool_version": TOOL_VERSION,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "settings": settings.as_json(),
        "environment": environment(),
        "summary": counts,
        "results": ordered,
    }


def exit_status(document: dict) -> int:
    """0: every checkable claim proved/confirmed; 1: some refuted/inconclusive; 2: errors."""
    verdicts = [r["verdict"] for r in document["results"]]
    if "error" in verdicts:
        return 2
    if any(v in ("refuted", "inconclusive") for v in verdicts):
        return 1
    return 0
