"""Scale-out on an existing engine: claims as dask.distributed tasks.

``derivcheck audit --executor dask`` runs the same groups as the local pool
(one task per chain, in declaration order inside the task; one per
free-standing claim) on a dask cluster: a :class:`~dask.distributed.LocalCluster`
of ``--workers`` single-threaded processes when no ``--scheduler`` address is
given, else the cluster at that address.  Results come back in any order and
are put back in registry order by the runner, so the result file, the
inheritance trace and the verdicts are those of the local pool.

Only claim ids and the discovery recipe cross the network: each worker
process discovers the claims itself, once (it needs derivcheck installed and
the ``--module`` files at the same paths).  Workers must be allowed to start
processes (a SymPy proof runs in a child process with a hard deadline): the
LocalCluster is started with ``distributed.worker.daemon: False``; start the
workers of a cluster of your own with ``DASK_DISTRIBUTED__WORKER__DAEMON=False``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .settings import AuditSettings


@dataclass(frozen=True)
class Discovery:
    """How to find the claims: the user's module paths (absolute), built-in claims, plugins."""

    modules: tuple[str, ...] = ()
    builtin: bool = True
    plugins: bool = True


_REGISTRIES: dict[Discovery, object] = {}  # per worker process


def audit_group(discovery: Discovery, claim_ids: Sequence[str], settings: AuditSettings) -> list[dict]:
    """Audit one group in a worker (the registry is discovered once per worker process)."""
    from pathlib import Path

    from threadpoolctl import threadpool_limits

    from . import registry
    from .audit import audit_claim

    reg = _REGISTRIES.get(discovery)
    if reg is None:
        reg = _REGISTRIES[discovery] = registry.discover(
            extra=[Path(m) for m in discovery.modules], builtin=discovery.builtin, plugins=discovery.plugins)
    lookup = lambda i: reg.get(i) if i in reg else None  # noqa: E731
    with threadpool_limits(limits=1):  # one BLAS thread per single-threaded worker (see runner)
        return [audit_claim(reg.get(cid), settings, lookup) for cid in claim_ids]


def executor(discovery: Discovery, settings: AuditSettings, scheduler: str | None = None,
             workers: int | None = None) -> Callable[[list[list[str]], Callable[[list[dict]], None]], None]:
    """A runner executor: ``(groups, collect)`` runs every group on dask and hands each batch to ``collect``."""

    def run_groups(groups: list[list[str]], collect: Callable[[list[dict]], None]) -> None:
        try:
            from dask.distributed import Client, LocalCluster, as_completed
        except ImportError as exc:  # pragma: no cover - the optional dependency is missing
            raise RuntimeError("--executor dask needs dask.distributed: pip install 'derivcheck[dask]'") from exc
        import dask

        cluster = None
        if scheduler is None:
            # a SymPy proof runs in a child process under a hard deadline: the workers must not be daemons
            with dask.config.set({"distributed.worker.daemon": False}):
                cluster = LocalCluster(n_workers=max(1, workers or settings.workers), threads_per_worker=1,
                                       processes=True, dashboard_address=None, silence_logs=40)
        client = Client(scheduler or cluster)
        try:
            _import_derivcheck_on(client)
            futures = [client.submit(audit_group, discovery, tuple(g), settings, pure=False, retries=0)
                       for g in groups]
            for fut in as_completed(futures):
                collect(fut.result())
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    return run_groups


def _import_derivcheck_on(client) -> None:  # noqa: ANN001 - a dask.distributed Client
    """The scheduler unpickles the tasks and the workers run them: both import derivcheck first.

    Installed from the wheel, ``derivations`` lives inside the package ``derivcheck`` and is importable in a
    process that has imported derivcheck; a function of derivcheck's goes by reference, so unpickling it
    there imports derivcheck.  (Workers that join later: ``dask worker --preload derivcheck``.)
    """
    import derivcheck

    client.run_on_scheduler(derivcheck._imported)
    client.run(derivcheck._imported)
    from .runner import _reuse_freed_memory

    # the local pool's allocator thresholds, on any cluster: dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536,
    # which made the sampled statistics' large arrays fault in afresh at every evaluation (a thorough
    # audit of relu.f.* and bump* on a LocalCluster: 61 s; with this, 36 s)
    client.run(_reuse_freed_memory)


__all__ = ["Discovery", "executor", "audit_group"]
