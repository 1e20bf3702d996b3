"""Symbolic proofs with SymPy under a hard time bound.

SymPy's simplifier can run for minutes and ignore alarms, so the attempt runs
in a forked child process that is killed at the deadline.  The result is one
of ``proved`` (the difference reduced to exactly 0), ``not_proved`` (every
strategy finished without reaching 0), ``timeout`` or ``error``.
"""

from __future__ import annotations

import multiprocessing
import traceback
from dataclasses import dataclass

import sympy

PROVED, NOT_PROVED, TIMEOUT, ERROR = "proved", "not_proved", "timeout", "error"


@dataclass(frozen=True)
class ProofAttempt:
    status: str
    detail: str
    seconds: float


def _strategies(expr: sympy.Expr):
    yield "cancel", lambda e: sympy.cancel(sympy.together(e))
    yield "simplify", sympy.simplify
    yield "radsimp+simplify", lambda e: sympy.simplify(sympy.radsimp(sympy.together(e)))
    yield "expand+simplify", lambda e: sympy.simplify(sympy.expand(e, force=False))
    yield "trigsimp", lambda e: sympy.trigsimp(sympy.simplify(e))


def _is_zero(expr: sympy.Expr) -> tuple[bool, str]:
    if expr == 0:
        return True, "identically 0"
    for name, strategy in _strategies(expr):
        if strategy(expr) == 0:
            return True, name
    return False, ""


def _reduce_to_zero(expr: sympy.Expr, anchor: dict | None) -> tuple[str, str]:
    ok, how = _is_zero(expr)
    if ok:
        return PROVED, f"SymPy {how} reduced claimed - reference to 0"
    # A function on a connected parameter box whose gradient vanishes identically is constant;
    # if it is 0 at one point of the box it is 0 everywhere.
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    if anchor and symbols and all(not s.is_integer for s in symbols) and all(s.name in anchor for s in symbols):
        for s in symbols:
            ok, _ = _is_zero(sympy.diff(expr, s))
            if not ok:
                break
        else:
            at = {s: sympy.nsimplify(anchor[s.name], rational=True) for s in symbols}
            ok, how = _is_zero(expr.subs(at))
            if ok:
                return PROVED, (
                    "every partial derivative of claimed - reference simplifies to 0 and the difference is 0 at "
                    f"{ {str(k): str(v) for k, v in at.items()} }, so it vanishes on the connected parameter box"
                )
    return NOT_PROVED, f"SymPy could not reduce the difference to 0 (form: {sympy.sstr(expr)[:300]})"


def _child(expr: sympy.Expr, anchor: dict | None, conn) -> None:
    try:
        conn.send(_reduce_to_zero(expr, anchor))
    except BaseException:  # noqa: BLE001 - report anything, the parent decides
        conn.send((ERROR, traceback.format_exc(limit=3)))
    finally:
        conn.close()


def prove_zero(expr: sympy.Expr, timeout: float = 10.0, anchor: dict | None = None) -> ProofAttempt:
    """Try to show ``expr == 0`` identically (under the assumptions on its symbols).

    ``anchor`` (symbol name -> value) is a point of the parameter box, for the
    vanishing-gradient argument.
    """
    import time

    start = time.perf_counter()
    if multiprocessing.current_process().daemon:
        # a daemonic worker (e.g. a dask nanny's) may not start the child that enforces the deadline, and an
        # unbounded SymPy call could hang it: no proof is attempted, the numerics decide alone
        return ProofAttempt(TIMEOUT, "no proof attempted: this worker process cannot start the deadline-bounded "
                            "SymPy child (daemonic process)", 0.0)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(expr, anchor, child), daemon=True)
    proc.start()
    child.close()
    try:
        if parent.poll(timeout):
            status, detail = parent.recv()
        else:
            status, detail = TIMEOUT, f"SymPy gave no answer within {timeout:g} s (killed)"
    except EOFError:
        status, detail = ERROR, "SymPy worker died without an answer"
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1.0)
        parent.close()
    return ProofAttempt(status, detail, time.perf_counter() - start)


def prove_equal(claimed: sympy.Expr, reference: sympy.Expr, timeout: float = 10.0, anchor: dict | None = None) -> ProofAttempt:
    return prove_zero(sympy.sympify(claimed) - sympy.sympify(reference), timeout, anchor)
