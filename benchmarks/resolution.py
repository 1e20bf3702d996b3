"""Resolution of the Monte Carlo confirmations, and what it costs, against plain Monte Carlo.

    python benchmarks/resolution.py [--mode quick|thorough] [--select GLOB ...] [--json PATH]

For every claim the audit confirms by sampling (method montecarlo / qmc with a
resolution coarser than 1e-6), the claim is audited twice in this process
(one worker, one BLAS thread, so CPU seconds are comparable):

* as the audit runs it now (the mode's settings), and
* by plain Monte Carlo: i.i.d. normals, the mode's fixed sample size, no
  sequential sampling.

For each it records the resolution reached and the CPU seconds.  Plain Monte
Carlo's resolution at the *same* CPU time would be
``res_plain * sqrt(cpu_plain / cpu_new)``, so the variance-reduction factor
(efficiency gain) is

    VRF = (res_plain / res_new)^2 * (cpu_plain / cpu_new),

the figure that matters (not the absolute time).  The median VRF is printed.
"""

from __future__ import annotations

import derivcheck

derivcheck.activate()  # derivations, numerics and reports are derivcheck's in this process (see its docstring)

import argparse
import json
import resource
import statistics
from dataclasses import replace

from threadpoolctl import threadpool_limits

from derivations.engine import registry as registry_mod
from derivations.engine.audit import audit_claim
from derivations.engine.settings import AuditSettings

SAMPLED = ("montecarlo", "qmc")


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _audit(claim, settings, lookup) -> tuple[dict, float]:
    start = _cpu()
    record = audit_claim(claim, settings, lookup)
    return record, _cpu() - start


def plain(settings: AuditSettings) -> AuditSettings:
    """The same mode by plain Monte Carlo at the fixed sample size."""
    return replace(settings, sampling="montecarlo", target_resolution=None, sample_growth=1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("quick", "thorough"), default="quick")
    ap.add_argument("--select", action="append", metavar="GLOB")
    ap.add_argument("--json", metavar="PATH", help="write the per-claim figures")
    args = ap.parse_args()
    reg = registry_mod.discover()
    lookup = lambda i: reg.get(i) if i in reg else None  # noqa: E731
    now = AuditSettings.for_mode(args.mode, workers=1, database=None)
    base = plain(now)
    rows = []
    print(f"{'claim':55} {'res plain':>9} {'cpu':>6} {'res now':>9} {'cpu':>6} {'verdict':>10} {'VRF':>8}")
    with threadpool_limits(limits=1):
        for claim in reg.select(args.select):
            if claim.kind != "claim":
                continue
            old, cpu_old = _audit(claim, base, lookup)
            ev = old.get("evidence") or {}
            if old["verdict"] not in ("confirmed", "proved") or old.get("method") not in SAMPLED \
                    or not (ev.get("resolution") or 0) > 1e-6:
                continue
            new, cpu_new = _audit(claim, now, lookup)
            r_old, r_new = ev["resolution"], (new.get("evidence") or {}).get("resolution")
            vrf = (r_old / r_new) ** 2 * (cpu_old / cpu_new) if r_new and cpu_new > 0 else None
            rows.append({"id": claim.id, "plain": {"resolution": r_old, "cpu": cpu_old},
                         "now": {"resolution": r_new, "cpu": cpu_new, "verdict": new["verdict"],
                                 "method": new.get("method")}, "vrf": vrf})
            print(f"{claim.id:55} {r_old:9.2e} {cpu_old:6.2f} {r_new or float('nan'):9.2e} {cpu_new:6.2f} "
                  f"{new['verdict']:>10} {vrf or float('nan'):8.1f}", flush=True)
    if not rows:
        print("no sampled confirmation selected")
        return
    res_new = [r["now"]["resolution"] for r in rows if r["now"]["resolution"] is not None]
    target = 1e-2 if args.mode == "quick" else 1e-3
    vrfs = [r["vrf"] for r in rows if r["vrf"]]
    print(f"\n{len(rows)} sampled confirmations ({args.mode} mode)")
    print(f"median resolution: plain MC {statistics.median(r['plain']['resolution'] for r in rows):.2e}, "
          f"now {statistics.median(res_new):.2e}; worst now {max(res_new):.2e}; "
          f"at or below {target:g}: {sum(1 for x in res_new if x <= target)} of {len(rows)}")
    print(f"CPU seconds: plain MC {sum(r['plain']['cpu'] for r in rows):.1f}, now {sum(r['now']['cpu'] for r in rows):.1f}")
    if vrfs:
        print(f"median variance-reduction factor (at equal CPU time): {statistics.median(vrfs):.1f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"mode": args.mode, "rows": rows}, fh, indent=1)


if __name__ == "__main__":
    main()
