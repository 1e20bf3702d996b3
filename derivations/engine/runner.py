"""Auditing many claims: in parallel, then tracing where errors enter.

Claims are independent, so they are audited in a pool of forked worker
processes (the registry is inherited by fork, only ids cross the process
boundary).  Results come back in registry order whatever the completion
order, so the JSON file does not depend on scheduling.  After all claims are
done, refuted lines that follow from a refuted line above inherit its root
cause.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from pathlib import Path
from datetime import datetime, timezone


from pebble import ProcessExpired, ProcessPool
from threadpoolctl import threadpool_limits

from ..api import Claim
from ..api import _where as claim_where
from ..authoring import notes as notes_mod
from . import equations as equations_mod
from . import isolation
from .audit import audit_claim, describe_failure, record_for
from .cache import ResultCache
from .cache import keys as cache_keys
from .record import HOLDS, RECORDED, VERDICTS, ResultRecord
from .registry import LoadFailure, Registry
from .settings import AuditSettings
from .version import environment, tool_version



_STATE: dict[str, object] = {}

# a follow-up run in the worker on each audited claim; it may add fields to the record
PerClaim = Callable[[Claim, dict, AuditSettings], None]


def _groups(claims: Sequence[Claim]) -> list[list[str]]:
    """One task per chain (in declaration order), one per free-standing claim."""
    groups: dict[str, list[str]] = {}
    for c in claims:
        groups.setdefault(c.chain or c.id, []).append(c.id)
    return list(groups.values())


def _failure_record(f: LoadFailure) -> dict:
    return ResultRecord(
        id=f"load-error:{f.module}", kind="claim", verdict="error", latex="",
        sources=[{"note": f.location, "equation": None, "quote": "module could not be imported"}],
        # the file's name, not the machine's absolute path nor the internal module name of a --module file
        diagnosis=f"{Path(f.location).name if f.location.endswith('.py') else f.module} failed to import; "
                  f"its claims were not audited: {(f.traceback.strip().splitlines() or [''])[-1]}",
        traceback=f.traceback,
    ).to_json()


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


TRUE = HOLDS


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
        elif links is True and root["verdict"] == "refuted" and root.get("role", "stated") not in ("stated", "prose"):
            r["diagnosis"] = (f"follows from {r['after']}; its chain's root {root['id']} is refuted only under a reading "
                              f"the note does not state ({root.get('role')}): its truth is undecided")
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


# --------------------------------------------------------------------------- the supervisor
#
# Every claim runs in a worker process of a pebble ProcessPool, never in the main process, so that
# nothing a claim does (sys.exit, os._exit, a segfault, an endless loop, the OOM killer) can end
# or hang the audit.  A task is one chain (its lines share memoized reference values) or one
# free-standing claim; its deadline is the per-claim deadline times its size.  The worker writes
# each finished record to a scratch folder as soon as it is done, and a marker when it starts a
# claim: when a task dies or runs out of time the main process knows which records are finished,
# which claim was running (it gets the verdict) and which were never started (they are scheduled
# again as a new task).

NOT_AUDITED = "not audited"
#: how the diagnosis of a claim stopped at its deadline begins ("deadline of 8 s reached; ..."):
#: :func:`exit_status` reads it, so a result file re-read by ``report`` is judged the same way
DEADLINE_REACHED = "deadline of {:g} s reached"
_DEADLINE_RE = re.compile(r"deadline of [0-9.e+-]+ s reached")


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the main process dies (even by SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _worker_init(scratch: str, parent: int) -> None:
    # Ctrl-C reaches the whole process group: the main process decides, the workers carry on
    # until they are stopped (otherwise a claim would turn the interrupt into its own error)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    if os.getppid() != parent:  # the main process died before prctl took effect
        os._exit(1)
    (Path(scratch) / "workers" / str(os.getpid())).touch()


def _write_json_atomic(path: Path, data: object) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


_WARM: list[bool] = []
#: the warm-up pays once what each worker would pay at its first claim: worth it for a whole audit,
#: not for the one claim (and the lines after it) a re-run after an edit audits (0.7 s of its 2 s)
WARM_UP_FROM = 16


def _reuse_freed_memory() -> None:
    """Keep freed memory in the process heap (glibc): the sampled statistics allocate and free
    arrays of several MB at every evaluation, which glibc otherwise maps afresh each time (a page
    fault per 4 kB: 3 s of system time in a quick audit).  With the thresholds raised, the quick
    audit took 0.5 s less on 2 cores (18.8 s against 19.3 s, three runs each way)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_mmap_threshold, 256 << 20)
        libc.mallopt(m_trim_threshold, 1 << 30)
    except (OSError, AttributeError):  # not glibc: the allocator's defaults stand
        pass


def _warm_up(settings: AuditSettings) -> None:
    """Audit a trivial claim of our own once in the main process before forking: the first audit
    in a process pays about a second of lazy imports and set-up (Hypothesis, SymPy's printers),
    which every forked worker would otherwise pay again."""
    if _WARM:
        return
    _WARM.append(True)
    import sympy
    from hypothesis import strategies as st

    from ..api import Source

    x = sympy.Symbol("x")
    probe = Claim(id="derivcheck.warm-up", sources=(Source("-", "0"),), latex="2x", params={"x": st.floats(0.5, 2)},
                  claimed=2 * x, reference=lambda p: 2 * p.x)
    try:
        with isolation.fresh_globals():
            audit_claim(probe, replace(settings, database=None, max_examples=2, shrink_budget=0), lambda _i: None)
    except Exception:  # noqa: BLE001 - only a speed-up
        pass


def _exit_refused_in(worker: int, real_exit: Callable[[int], None]) -> Callable[[int], None]:
    """``os._exit`` for the claims audited in process ``worker``: there it raises (a claim's
    ``os._exit`` becomes its error); in a process forked from it (the symbolic prover's child, a
    multiprocessing child ending with ``os._exit``) it exits as usual -- raising there ran the rest
    of the worker's loop in the child, which overwrote the claim's record with an error."""

    def exit_(code: int = 0) -> None:
        if os.getpid() != worker:
            real_exit(code)
        exc = SystemExit(code)
        exc.derivcheck_via = "os._exit"  # type: ignore[attr-defined]
        raise exc

    return exit_


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    try:  # a zombie has ended
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _audit_task(task: int, claim_ids: list[str], scratch: str) -> int:
    """Audit claims in order in this worker; each record goes to ``scratch/task-i.json``."""
    registry: Registry = _STATE["registry"]  # type: ignore[assignment]
    settings: AuditSettings = _STATE["settings"]  # type: ignore[assignment]
    per_claim: PerClaim | None = _STATE.get("per_claim")  # type: ignore[assignment]
    lookup = lambda i: registry.get(i) if i in registry else None  # noqa: E731
    folder = Path(scratch)
    # one BLAS thread per worker: threaded BLAS in two workers on two cores made the small matrix
    # products of sampled statistics 10-300x slower (see derivations/cli.py)
    with threadpool_limits(limits=1):
        for i, cid in enumerate(claim_ids):
            (folder / f"{task}-{i}.start").write_text(str(os.getpid()))
            claim = registry.get(cid)
            real_exit = os._exit
            os._exit = _exit_refused_in(os.getpid(), real_exit)  # pebble ignores a worker ending with 0
            try:
                with isolation.fresh_globals():
                    record = audit_claim(claim, settings, lookup)
                    if per_claim is not None:
                        per_claim(claim, record, settings)  # e.g. mutation testing, in the same worker
            except BaseException as exc:  # noqa: BLE001 - whatever the claim did, it is this claim's error
                record = record_for(claim, verdict="error", traceback=traceback.format_exc(limit=-8),
                                    diagnosis=f"{claim_where(claim)}: {describe_failure(exc, claim)}")
            finally:
                os._exit = real_exit
            _write_json_atomic(folder / f"{task}-{i}.json", record)
    return len(claim_ids)


def death_cause(exitcode: int | None) -> str:
    """Why a worker process ended, in words."""
    if exitcode is None:
        return "the worker process ended (exit status 0 or unknown: exit() in compiled code?)"
    if exitcode < 0:
        sig = -exitcode
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        what = {
            signal.SIGSEGV: "a segmentation fault", signal.SIGBUS: "a bus error", signal.SIGABRT: "an abort",
            signal.SIGFPE: "a fatal arithmetic error", signal.SIGILL: "an illegal instruction",
            signal.SIGKILL: "SIGKILL (typically the out-of-memory killer)",
        }.get(sig, name)
        return f"the worker process was killed by {what} ({name})"
    return f"the worker process exited with status {exitcode} (os._exit or a fatal error in the claim's code)"


@dataclass
class _Task:
    number: int
    ids: list[str]
    deadline: float


class _Stop:
    """SIGINT/SIGTERM in the main process: the first one stops the audit, a second one kills the
    workers at once.  The handlers only set flags and send signals: they never raise, so no
    interrupt lands inside a lock of the pool's machinery."""

    def __init__(self, scratch: Path):
        self.reason: str | None = None
        self.scratch = scratch
        self._old: dict[int, object] = {}

    def worker_pids(self) -> list[int]:
        try:
            return [int(p.name) for p in (self.scratch / "workers").iterdir()]
        except OSError:
            return []

    def kill_workers(self) -> None:
        """SIGKILL the workers still alive -- only processes that are this process's children
        (a dead worker's number may since belong to an unrelated process)."""
        me = os.getpid()
        for pid in self.worker_pids():
            try:
                ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == me:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

    def _handle(self, signum: int, frame: object) -> None:
        name = signal.Signals(signum).name
        if self.reason is None:
            self.reason = name
            print(f"\nderivcheck: {name} received; stopping the audit and writing the partial result "
                  "(again to stop at once)", file=sys.stderr)
        else:
            self.kill_workers()

    def __enter__(self) -> "_Stop":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            # after an interrupt the caller is writing the partial result and ending: further presses
            # must not break that with a KeyboardInterrupt
            signal.signal(sig, old if self.reason is None else signal.SIG_IGN)


def run(
    registry: Registry,
    claims: Sequence[Claim],
    settings: AuditSettings,
    on_result: Callable[[dict], None] | None = None,
    notes_dir: Path | None = None,
    cache: ResultCache | None = None,
    per_claim: PerClaim | None = None,
    executor: Callable[[list[list[str]], Callable[[list[dict]], None]], None] | None = None,
) -> dict:
    """Audit ``claims`` and return the whole result document (DESIGN.md schema).

    The document has ``complete: false`` and ``interrupted`` set when the run was cut short
    (SIGINT/SIGTERM); claims that were not audited then carry verdict ``inconclusive``,
    ``audited: false`` and a diagnosis saying so.

    With a ``cache`` (:mod:`.cache`), a claim whose key (its code, what it calls, the line it
    follows, the settings, the library versions) is unchanged gets its stored record back, marked
    ``"reused": true``; the others are audited and stored.  An ``executor`` (e.g.
    :func:`.distributed.executor`) runs the groups instead of the local pool.

    ``notes_dir`` holds the notes (default :func:`default_notes_dir`): every numbered equation of a
    cited note gets an equation record, audited or not.  ``per_claim(claim, record, settings)`` runs
    after each claim's audit in the worker that audited it (the pool is forked: nothing is pickled).
    """
    ids = [c.id for c in claims]
    all_claims = list(claims)
    results: dict[str, dict] = {}
    _STATE.update(registry=registry, settings=settings, per_claim=per_claim)
    keys: dict[str, str | None] = {}
    reused: dict[str, dict] = {}
    if cache is not None:
        keys = cache_keys(claims, lambda i: registry.get(i) if i in registry else None, settings, cache.folder)
        stored = {c.id: cache.get(keys.get(c.id)) for c in claims}
        reused = {cid: {**rec, "reused": True} for cid, rec in stored.items() if rec is not None}
        claims = [c for c in claims if c.id not in reused]
    groups = sorted(_groups(claims), key=len, reverse=True)  # long chains first: better packing
    workers = max(1, min(settings.workers, len(groups))) if groups else 1
    deadline = float(settings.deadline)

    def collect(res: dict) -> None:
        if res["id"] not in results:
            results[res["id"]] = res
            if cache is not None and not res.get("reused") and res.get("audited", True):
                cache.put(keys.get(res["id"]), res)
            if on_result:
                on_result(res)

    for res in reused.values():
        collect(res)

    def local_pool() -> str | None:
        """The supervised local pool; returns the signal that cut the run short, or None."""
        if sum(len(g) for g in groups) >= WARM_UP_FROM:
            _warm_up(settings)
        _reuse_freed_memory()
        # the forked workers share the loaded libraries' objects copy-on-write; a garbage collection
        # in a worker would write to every one of them (and copy its page) unless they are frozen
        gc.freeze()
        scratch = Path(tempfile.mkdtemp(prefix="derivcheck-"))
        (scratch / "workers").mkdir()
        counter = iter(range(1 << 30))
        interrupted: str | None = None
        try:
            with _Stop(scratch) as stop:
                pool = ProcessPool(max_workers=workers, initializer=_worker_init, initargs=(str(scratch), os.getpid()),
                                   context=multiprocessing.get_context("fork"))
                pending: dict[object, _Task] = {}
                dead_since: dict[int, float] = {}

                def submit(group: list[str]) -> None:
                    task = _Task(next(counter), group, deadline * len(group))
                    pending[pool.schedule(_audit_task, args=(task.number, group, str(scratch)), timeout=task.deadline)] = task

                def harvest(task: _Task) -> int:
                    """Collect the task's finished records; return the index of the first unfinished claim."""
                    for i, cid in enumerate(task.ids):
                        f = scratch / f"{task.number}-{i}.json"
                        if not f.exists():
                            return i
                        if cid not in results:
                            try:
                                collect(json.loads(f.read_text()))
                            except (OSError, ValueError):
                                return i
                    return len(task.ids)

                try:
                    for group in groups:
                        submit(group)
                    while pending and stop.reason is None:
                        done, _ = wait(list(pending), timeout=0.2, return_when=FIRST_COMPLETED)
                        vanished: dict[object, BaseException] = {}
                        for fut, task in pending.items():  # progress of running tasks, claim by claim
                            if fut not in done and not fut.running():
                                continue  # not started: looking for its files at every wake-up cost 1 s of CPU
                            i = harvest(task)
                            start = scratch / f"{task.number}-{i}.start"
                            if fut not in done and i < len(task.ids) and start.exists():
                                # pebble does not notice a worker that ends with status 0 (C code calling exit(0))
                                pid = int(start.read_text() or 0)
                                if pid and not _pid_alive(pid) and harvest(task) == i:
                                    # pebble reports a death by a signal or a non-zero status itself: give it time
                                    first = dead_since.setdefault(pid, time.monotonic())
                                    if time.monotonic() - first > 3.0:
                                        vanished[fut] = ProcessExpired("worker ended", code=None, pid=pid)
                        for fut in vanished:
                            fut.cancel()
                        for fut in list(done) + list(vanished):
                            if stop.reason is not None:  # workers killed by a second interrupt: not the claims' fault
                                break
                            task = pending.pop(fut)
                            i = harvest(task)
                            if i == len(task.ids):
                                continue
                            claim = registry.get(task.ids[i])
                            started = (scratch / f"{task.number}-{i}.start").exists()
                            error = vanished[fut] if fut in vanished else fut.exception()
                            if not started:
                                record = record_for(claim, verdict="error", diagnosis=f"{claim_where(claim)}: "
                                                    f"the audit task failed before the claim started: {type(error).__name__}: {error}")
                            elif isinstance(error, FutureTimeout):
                                chain = (f" (its chain's task had {task.deadline:g} s for {len(task.ids)} lines)"
                                         if len(task.ids) > 1 else "")
                                record = record_for(claim, verdict="inconclusive",
                                                    diagnosis=f"{DEADLINE_REACHED.format(deadline)}{chain}; the claim's "
                                                    "process was killed (set the per-claim deadline with --deadline SECONDS)")
                            elif isinstance(error, ProcessExpired):
                                record = record_for(claim, verdict="error", diagnosis=f"{claim_where(claim)}: "
                                                    f"{death_cause(error.exitcode)} while this claim was audited")
                            else:
                                record = record_for(claim, verdict="error", diagnosis=f"{claim_where(claim)}: "
                                                    f"{type(error).__name__}: {error}",
                                                    traceback=getattr(error, "traceback", None) or "")
                            collect(record)
                            if task.ids[i + 1:]:
                                submit(task.ids[i + 1:])  # the rest of the chain goes on in a fresh worker
                    interrupted = stop.reason
                finally:
                    pool.stop()
                    stop.kill_workers()  # stopped workers are killed anyway; this also covers a stuck stop
                    try:
                        pool.join(timeout=5)
                    except Exception:  # noqa: BLE001 - the workers are dead; the pool's threads are daemons
                        pass
                for task in pending.values():
                    harvest(task)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
            gc.unfreeze()
        return interrupted

    if executor is not None and groups:  # e.g. dask: the same groups; results put back in registry order below
        executor(groups, lambda batch: [collect(r) for r in batch])
        interrupted: str | None = None
    else:
        interrupted = local_pool() if groups else None
    for c in all_claims:
        if c.id not in results:
            results[c.id] = record_for(
                c, verdict="inconclusive", audited=False,
                diagnosis=f"{NOT_AUDITED}: the audit was interrupted ({interrupted}) before this claim finished")
    ordered = [_failure_record(f) for f in registry.failures] + [results[cid] for cid in ids]
    resolve_follows_only(ordered)
    trace_inheritance(ordered)
    counts = {v: sum(1 for r in ordered if r["verdict"] == v) for v in VERDICTS}
    # verdicts decided in ball arithmetic (numerics.certify): proofs of refutation, proven bounds of agreement
    for v in ("proved", "confirmed", "refuted"):
        counts[f"certified_{v}"] = sum(1 for r in ordered if r["verdict"] == v and (r.get("evidence") or {}).get("certified"))
    counts["certified_follows"] = sum(
        1 for r in ordered if r.get("follows") is not None and ((r.get("evidence") or {}).get("follows") or {}).get("certified")
    )
    displays, texts = read_notes(notes_dir or default_notes_dir(), ordered)
    return {
        "tool_version": tool_version(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "settings": settings.as_json(),
        "environment": environment(),
        "complete": interrupted is None,
        "interrupted": interrupted,
        "summary": counts,
        "equations": equations_mod.build(ordered, displays, texts),
        "results": ordered,
    }


def exit_status(document: dict) -> int:
    """From the equation verdicts: 0 when every audited equation is true, a definition or unfinished;
    1 when one is false, inherited, ambiguous or undecided; 2 when an entry's code failed or the run was
    cut short: interrupted, or a claim stopped at its deadline (that claim stays ``inconclusive``).
    A result file without ``equations`` (written before they existed) is judged by its entries.
    """
    verdicts = [r["verdict"] for r in document["results"]]
    if "error" in verdicts or document.get("complete") is False or any(map(reached_deadline, document["results"])):
        return 2
    if "equations" in document:
        return 1 if equations_mod.failing(document["equations"]) else 0
    if any(v not in HOLDS + RECORDED for v in verdicts):
        return 1
    return 0


def reached_deadline(record: dict) -> bool:
    """Was this claim's audit cut short by its per-claim deadline (``inconclusive``, "deadline of N s reached")?"""
    return record.get("verdict") == "inconclusive" and bool(_DEADLINE_RE.match(str(record.get("diagnosis") or "")))
