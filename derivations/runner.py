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

from pathlib import Path

from . import notes as notes_mod
from .api import Claim
from .audit import audit_claim
from .engine import equations as equations_mod
from .registry import LoadFailure, Registry
from .settings import AuditSettings

TOOL_VERSION = "0.1.0"
VERDICTS = ("proved", "confirmed", "refuted", "inconclusive", "error", "definition", "incomplete")

_STATE: dict[str, object] = {}


def _audit_group(claim_ids: list[str]) -> list[dict]:
    """Audit claims in order in this process (a chain's lines share memoized reference values)."""
    registry: Registry = _STATE["registry"]  # type: ignore[assignment]
    settings: AuditSettings = _STATE["settings"]  # type: ignore[assignment]
    lookup = lambda i: registry.get(i) if i in registry else None  # noqa: E731
    # one BLAS thread per worker: threaded BLAS in two workers on two cores made the small matrix
    # products of sampled statistics 10-300x slower (see derivations/__init__.py)
    with threadpool_limits(limits=1):
        return [audit_claim(registry.get(cid), settings, lookup) for cid in claim_ids]


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
        "role": "stated",
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


TRUE = ("proved", "confirmed")


def resolve_follows_only(results: list[dict]) -> None:
    """Give each follows-only line the truth of its chain's root (in place).

    A follows-only line was compared with the line above only.  Walking back
    along ``after`` through follows-only lines to the first line with a truth
    verdict of its own (the root): if every link follows, the line is true when
    the root is true and refuted, inheriting from the root's root cause, when
    the root is refuted.  A line that does not follow from a true line is
    refuted (it differs from the truth at the counterexample of the "follows"
    check).  Anything else (a link undecided, a root inconclusive or not
    audited) leaves it inconclusive, with the reason.
    """
    by_id = {r["id"]: r for r in results}

    def root_of(r: dict) -> tuple[dict | None, bool | None, str]:
        """(root record, whether every link follows, text) for a follows-only ``r``."""
        rest_follow = True  # every link between the line above and the root follows
        seen = {r["id"]}
        cur = r
        while cur.get("follows_only"):
            if cur is not r and cur.get("follows") is not True:
                rest_follow = False
            prev = by_id.get(cur.get("after") or "")
            if prev is None or prev["id"] in seen:
                return None, None, f"the line above ({cur.get('after')}) was not audited"
            seen.add(prev["id"])
            cur = prev
        links = r.get("follows") if rest_follow and r.get("follows") in (True, False) else None
        return cur, links, ""

    for r in results:
        if not r.get("follows_only") or r.get("verdict") == "error":
            continue
        root, links, why = root_of(r)
        r["inherits_from"] = None
        if root is None:
            r["diagnosis"] = f"follows-only, and {why}: its truth is undecided"
            continue
        if links is True and root["verdict"] in TRUE:
            r["verdict"] = "confirmed"
            r["diagnosis"] = f"true because it follows from {r['after']}, and its chain's root {root['id']} is {root['verdict']}"
        elif links is True and root["verdict"] == "refuted":
            r["verdict"] = "refuted"
            r["inherits_from"] = root.get("inherits_from") or root["id"]
            r["diagnosis"] = (f"follows from {r['after']}; its chain's root {root['id']} is false, so this line is false "
                              f"(inherited from {r['inherits_from']})")
        elif links is False and root["verdict"] in TRUE:
            r["verdict"] = "refuted"
            follows = (r.get("evidence") or {}).get("follows") or {}
            r["counterexample"] = follows.get("counterexample")
            r["diagnosis"] = f"does not follow from {r['after']}, which is true (root {root['id']}): so this line is false"
        else:
            r["diagnosis"] = (f"follows-only: {'it follows' if links else 'the link to the line above is undecided'}, "
                              f"and its chain's root {root['id']} is {root['verdict']}: its truth is undecided")


def default_notes_dir() -> Path | None:
    """``shared/notes`` beside the repository or one of its parents (where the notes live), if any."""
    here = Path(__file__).resolve().parent
    for folder in here.parents:
        candidate = folder / "shared" / "notes"
        if candidate.is_dir():
            return candidate
    return None


def read_notes(folder: Path | None, results: Sequence[dict]) -> tuple[dict, dict]:
    """The displays and texts of the notes the results cite that exist in ``folder``."""
    cited = sorted({s["note"] for r in results for s in (r.get("sources") or []) if s.get("note")})
    displays, texts = {}, {}
    for name in cited:
        path = folder / name if folder is not None else None
        if path is not None and path.is_file():
            displays[name] = notes_mod.equations(path)
            texts[name] = path.read_text(encoding="utf-8")
    return displays, texts


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
    notes_dir: Path | None = None,
) -> dict:
    """Audit ``claims`` and return the whole result document (DESIGN.md schema).

    ``notes_dir`` holds the notes (default :func:`default_notes_dir`): every numbered
    equation of a cited note gets an equation record, audited or not.
    """
    ids = [c.id for c in claims]
    results: dict[str, dict] = {}
    _STATE.update(registry=registry, settings=settings)
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
    resolve_follows_only(ordered)
    trace_inheritance(ordered)
    counts = {v: sum(1 for r in ordered if r["verdict"] == v) for v in VERDICTS}
    displays, texts = read_notes(notes_dir or default_notes_dir(), ordered)
    equations = equations_mod.build(ordered, displays, texts)
    return {
        "tool_version": TOOL_VERSION,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "settings": settings.as_json(),
        "environment": environment(),
        "summary": counts,
        "equations": equations,
        "results": ordered,
    }


def exit_status(document: dict) -> int:
    """From the equation verdicts: 0 when every audited equation is true, a definition or unfinished;
    1 when one is false, inherited, ambiguous or undecided; 2 when an entry's code failed.

    A result file without ``equations`` (written before they existed) is judged by its entries.
    """
    verdicts = [r["verdict"] for r in document["results"]]
    if "error" in verdicts:
        return 2
    if "equations" in document:
        return 1 if equations_mod.failing(document["equations"]) else 0
    if any(v in ("refuted", "inconclusive") for v in verdicts):
        return 1
    return 0
