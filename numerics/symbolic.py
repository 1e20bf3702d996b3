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


def _reduce_to_zero(expr: sympy.Expr) -> tuple[str, str]:
    if expr == 0:
        return PROVED, "difference is identically 0"
    last = expr
    for name, strategy in _strategies(expr):
        last = strategy(expr)
        if last == 0:
            return PROVED, f"SymPy {name} reduced claimed - reference to 0"
    return NOT_PROVED, f"SymPy could not reduce the difference to 0 (last form: {sympy.sstr(last)[:300]})"


def _child(expr: sympy.Expr, conn) -> None:
    try:
        conn.send(_reduce_to_zero(expr))
    except BaseException:  # noqa: BLE001 - report anything, the parent decides
        conn.send((ERROR, traceback.format_exc(limit=3)))
    finally:
        conn.close()


def prove_zero(expr: sympy.Expr, timeout: float = 10.0) -> ProofAttempt:
    """Try to show ``expr == 0`` identically (under the assumptions on its symbols)."""
    import time

    start = time.perf_counter()
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(expr, child), daemon=True)
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


def prove_equal(claimed: sympy.Expr, reference: sympy.Expr, timeout: float = 10.0) -> ProofAttempt:
    return prove_zero(sympy.sympify(claimed) - sympy.sympify(reference), timeout)
