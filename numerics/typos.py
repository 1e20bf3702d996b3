r"""Typo search: single edits of a SymPy expression that make it agree with known values.

A refuted line is often one typo away from the truth.  This module lists the
single edits of the documented typo classes and screens them cheaply, in
double precision, against reference values already computed at a few points:

* ``sign``      -- the sign of one subterm flipped, :math:`s \to -s`;
* ``factor``    -- one subterm times :math:`c \in \{2, \pi, \sqrt2\}^{\pm1}`;
* ``swap``      -- two symbols swapped (everywhere, or inside one function call);
* ``drop_term`` -- one term of a sum dropped (the line has a term too many);
* ``add_term``  -- a term missing from a sum.  The line is inverted from the
  top (sums, products, powers, invertible functions: :func:`needed_values`),
  giving the value every subterm would need at each point; the difference
  from its present value is fitted as :math:`k\,g` with :math:`g` from a
  small dictionary (monomials, common Gaussian shapes, the line's own
  subterms, parameters the line lost) and :math:`k` a simple constant; inside
  a function call small standard terms (1, 2, x, x^2, ...) are tried too;
* ``missing_factor`` -- likewise a non-constant factor :math:`k\,g` missing
  from a product (a dropped factor such as :math:`1/\sqrt{1+b^2}`);
* ``replace``   -- a small subterm that should be :math:`k\,g` (what a dropped
  term inside a square root leaves: :math:`\sqrt{b^2} = |b|`);
* ``exponent``  -- an exponent or a square root dropped or added:
  :math:`b^e \to b^{2e}, b^{e/2}, b` and :math:`s \to s^2, \sqrt s`.

Every subterm is addressed by its path in the expression tree.  The tree is
evaluated bottom-up once at the points; an edit recomputes only the ancestors
of the edited node, so thousands of candidates cost milliseconds.  Survivors
are grouped by their values (one group = one corrected expression up to
algebra) and returned with a sentence naming the typo ("the sign of b inside
erf is flipped"); the caller audits each survivor like a claim.  Pure: knows
nothing about claims or notes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from .diagnose import recognise_constant

Path = tuple[int, ...]

KINDS = ("sign", "factor", "swap", "exponent", "drop_term", "add_term", "replace", "missing_factor")

_FACTORS: tuple[tuple[sympy.Expr, str], ...] = (
    (sympy.Integer(2), "2"), (sympy.Rational(1, 2), "1/2"), (sympy.pi, "pi"), (1 / sympy.pi, "1/pi"),
    (sympy.sqrt(2), "sqrt(2)"), (1 / sympy.sqrt(2), "1/sqrt(2)"),
)


@dataclass(frozen=True)
class Edit:
    """One single edit: the corrected expression and what the typo was."""

    kind: str
    description: str  # names the typo in the line as written: "the sign of b inside erf is flipped"
    expr: sympy.Expr


@dataclass(frozen=True)
class Survivor:
    """Edits that agree with the reference at every screening point; all give the same values."""

    edits: tuple[Edit, ...]
    max_rel_discrepancy: float

    @property
    def best(self) -> Edit:
        return self.edits[0]


# --------------------------------------------------------------------------- the tree
def _descend(node: sympy.Basic) -> bool:
    """Nodes whose arguments are subterms an edit may touch."""
    return bool(node.args) and isinstance(node, (sympy.Add, sympy.Mul, sympy.Pow, sympy.Function)) and not isinstance(
        node, sympy.Piecewise
    )


def _short(expr: sympy.Basic, limit: int = 48) -> str:
    text = sympy.sstr(expr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _func_name(node: sympy.Basic) -> str:
    return getattr(node.func, "__name__", str(node.func))


_FN_CACHE: dict[tuple, Callable[..., np.ndarray]] = {}


def _apply(node: sympy.Basic, children: Sequence[np.ndarray]) -> np.ndarray:
    """The value of ``node`` from the values of its arguments (complex arrays)."""
    with np.errstate(all="ignore"):
        if isinstance(node, sympy.Add):
            return np.sum(np.stack(children), axis=0) + 0j
        if isinstance(node, sympy.Mul):
            return np.prod(np.stack(children), axis=0) + 0j
        if isinstance(node, sympy.Pow):
            base, exp = children
            return np.power(base + 0j, exp) + 0j
        key = (node.func, len(children))
        fn = _FN_CACHE.get(key)
        if fn is None:
            dummies = sympy.symbols(f"_x0:{len(children)}")
            fn = sympy.lambdify(dummies, node.func(*dummies), modules=["scipy", "numpy"])
            _FN_CACHE[key] = fn
        try:
            out = fn(*children)
        except TypeError:  # a real-only special function: feed it the real parts when they are real
            if all(np.all(np.imag(c) == 0) for c in children):
                out = fn(*[np.real(c) for c in children])
            else:
                out = np.full(np.shape(children[0]), np.nan)
        return np.asarray(out, dtype=complex) * np.ones(np.shape(children[0])) + 0j


_CONSTANTS: dict[sympy.Basic, complex] = {}


def _constant(node: sympy.Basic) -> complex:
    """A constant subterm's value (cached: the same constants recur in every candidate)."""
    if node not in _CONSTANTS:
        if len(_CONSTANTS) > 10000:
            _CONSTANTS.clear()
        _CONSTANTS[node] = complex(node.evalf(20))
    return _CONSTANTS[node]


class Tree:
    """An expression evaluated at ``n`` points, node by node (values keyed by path)."""

    def __init__(self, expr: sympy.Expr, env: Mapping[str, np.ndarray]):
        self.expr = expr
        self.env = {k: np.asarray(v, dtype=complex) for k, v in env.items()}
        self.n = len(next(iter(self.env.values()))) if self.env else 1
        self.nodes: dict[Path, sympy.Basic] = {}
        self.values: dict[Path, np.ndarray] = {}
        self.root_value = self._eval(expr, (), self.env, record=True)

    def _eval(self, node: sympy.Basic, path: Path, env: Mapping[str, np.ndarray], record: bool) -> np.ndarray:
        if record:
            self.nodes[path] = node
        if isinstance(node, sympy.Symbol):
            value = env[node.name]
        elif not node.free_symbols:
            value = np.full(self.n, _constant(node))
        elif _descend(node):
            kids = [self._eval(a, path + (i,), env, record) for i, a in enumerate(node.args)]
            value = _apply(node, kids)
        else:  # opaque (Piecewise, Integral, ...): evaluate whole, edit nothing inside
            syms = sorted(node.free_symbols, key=lambda s: s.name)
            fn = sympy.lambdify(syms, node, modules=["scipy", "numpy"])
            value = np.asarray(fn(*[env[s.name] for s in syms]), dtype=complex) * np.ones(self.n)
        if record:
            self.values[path] = value
        return value

    def value_with(self, path: Path, new_value: np.ndarray) -> np.ndarray:
        """The root's value when the node at ``path`` takes ``new_value`` (ancestors recomputed)."""
        value = new_value + 0j  # -0.0 imaginary parts would put a square root on the other side of its cut
        for depth in range(len(path) - 1, -1, -1):
            parent = path[:depth]
            node = self.nodes[parent]
            kids = [value if i == path[depth] else self.values[parent + (i,)] for i in range(len(node.args))]
            value = _apply(node, kids)
        return value

    def evaluate_subtree(self, path: Path, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return self._eval(self.nodes[path], path, env, record=False)

    def linear_gain(self, path: Path) -> np.ndarray | None:
        r""":math:`\partial(\mathrm{root})/\partial(\mathrm{node})` when every ancestor is a sum or a product
        (the root is then affine in the node); None otherwise."""
        gain = np.ones(self.n, dtype=complex)
        for depth in range(len(path)):
            parent = path[:depth]
            node = self.nodes[parent]
            if isinstance(node, sympy.Add):
                continue
            if isinstance(node, sympy.Mul):
                for i in range(len(node.args)):
                    if i != path[depth]:
                        gain = gain * self.values[parent + (i,)]
                continue
            return None
        return gain


def replace_at(expr: sympy.Basic, path: Path, new: sympy.Basic) -> sympy.Basic:
    """``expr`` with the subterm at ``path`` replaced by ``new`` (SymPy re-canonicalises)."""
    if not path:
        return new
    args = list(expr.args)
    args[path[0]] = replace_at(args[path[0]], path[1:], new)
    return expr.func(*args)


def _where(tree: Tree, path: Path) -> str:
    """Where a subterm sits, for a reader: "inside erf" or "" at the top level of the line."""
    for depth in range(len(path) - 1, -1, -1):
        node = tree.nodes[path[:depth]]
        if isinstance(node, sympy.Function):
            return f" inside {_func_name(node)}"
    return ""


# --------------------------------------------------------------------------- candidates
@dataclass(frozen=True)
class _Candidate:
    kind: str
    description: str
    values: np.ndarray
    build: Callable[[], sympy.Expr]
    rank: tuple = ()  # among equivalent edits the first is named: whole line, then the smallest symbolic subterm


def _is_exponent(tree: Tree, path: Path) -> bool:
    return bool(path) and isinstance(tree.nodes[path[:-1]], sympy.Pow) and path[-1] == 1


def _dictionary(tree: Tree, symbols: Sequence[sympy.Symbol]) -> list[tuple[sympy.Expr, np.ndarray]]:
    """Terms a missing term may be made of: 1, monomials, common Gaussian shapes, the line's own subterms."""
    env = tree.env
    items: list[sympy.Expr] = [sympy.Integer(1)]
    for s in symbols:
        items += [s, s**2, sympy.sqrt(1 - s**2), sympy.sqrt(1 + s**2), sympy.exp(-s**2 / 2), sympy.exp(-s**2),
                  sympy.erf(s), sympy.asin(s), sympy.acos(s), sympy.atan(s), 1 / s, 1 / s**2,
                  1 + s**2, 1 - s**2, 1 + 2 * s**2, 1 / (1 + s**2), 1 / (1 - s**2), 1 / (1 + 2 * s**2),
                  1 / sympy.sqrt(1 + s**2), 1 / sympy.sqrt(1 - s**2), 1 / sympy.sqrt(1 + 2 * s**2), sympy.sqrt(1 + 2 * s**2)]
    for s, u in itertools.combinations(symbols, 2):
        items += [s * u, s**2 * u**2]
    items += [s * e for s in symbols for e in items[1:] if e not in symbols]
    out: dict[sympy.Expr, np.ndarray] = {}
    for e in items:
        out[e] = _value(e, tree)
    for path, node in tree.nodes.items():
        if node.free_symbols and path and not _is_exponent(tree, path):
            out.setdefault(node, tree.values[path])
    return [(e, v) for e, v in out.items() if np.all(np.isfinite(v)) and np.any(v != 0)]


def candidates(tree: Tree, target: np.ndarray | None = None, tol: np.ndarray | None = None) -> Iterator[_Candidate]:
    """Every single edit of the typo classes, with its values at the points.

    ``target``/``tol`` (the reference values and the allowed discrepancy) are
    needed only for the fitted missing terms.
    """
    expr = tree.expr
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    present = {s.name for s in symbols}
    # a parameter absent from the line is named like the line's symbols (real, as parameters are)
    everything = symbols + [sympy.Symbol(n, real=True) for n in sorted(tree.env) if n not in present]
    small = [sympy.Integer(1), sympy.Integer(-1), sympy.Integer(2), sympy.Rational(1, 2)]
    small += [k * s**q for s in everything for q in (1, 2) for k in (1, -1, 2)]
    small_values = [(t, _value(t, tree)) for t in small]
    rank: tuple = ()

    def C(*args: object) -> _Candidate:  # noqa: N802 - a candidate at the current node
        return _Candidate(*args, rank=rank)

    for path, node in tree.nodes.items():
        rank = (bool(path), not node.free_symbols, len(sympy.sstr(node)))
        where = _where(tree, path)
        old = tree.values[path]
        name = "the whole right-hand side" if not path else _short(node)
        exponent = _is_exponent(tree, path)

        def build(new: sympy.Basic, path: Path = path) -> Callable[[], sympy.Expr]:
            return lambda: replace_at(expr, path, new)

        # sign
        yield C("sign", f"the sign of {name}{where} is flipped", tree.value_with(path, -old), build(-node))
        # factor
        if not exponent:
            for c, text in _FACTORS:
                cv = complex(c.evalf(20))
                inverse = {"2": "1/2", "1/2": "2", "pi": "1/pi", "1/pi": "pi", "sqrt(2)": "1/sqrt(2)", "1/sqrt(2)": "sqrt(2)"}[text]
                desc = f"{name}{where} lacks a factor {text} (or carries a spurious {inverse})"
                yield C("factor", desc, tree.value_with(path, cv * old), build(c * node))
        # exponent / square root
        if isinstance(node, sympy.Pow) and node.exp.is_number and node.base.free_symbols:
            base, e = node.args
            bv, ev = tree.values[path + (0,)], tree.values[path + (1,)]
            with np.errstate(all="ignore"):
                yield C("exponent", f"the exponent {e} of {_short(base)}{where} should be {2 * e} (a square dropped)",
                                 tree.value_with(path, np.power(bv, 2 * ev)), build(base ** (2 * e)))
                yield C("exponent", f"the exponent {e} of {_short(base)}{where} should be {e / 2} (a square root dropped)",
                                 tree.value_with(path, np.power(bv, ev / 2)), build(base ** (e / 2)))
            yield C("exponent", f"the exponent {e} on {_short(base)}{where} should not be there",
                             tree.value_with(path, bv), build(base))
        elif isinstance(node, sympy.Pow) and node.exp.is_number and not exponent:  # a constant power: pi^(-1/2)
            base, e = node.args
            for new, what in ((base ** (2 * e), f"should be {2 * e} (a square dropped)"),
                              (base ** (e / 2), f"should be {e / 2} (a square root dropped)"), (base, "should not be there")):
                value = np.full(tree.n, complex(new.evalf(20)))
                yield C("exponent", f"the exponent {e} on {_short(base)}{where} {what}", tree.value_with(path, value), build(new))
        elif node.free_symbols and not exponent:
            with np.errstate(all="ignore"):
                yield C("exponent", f"{name}{where} should be squared (an exponent dropped)",
                                 tree.value_with(path, old**2), build(node**2))
                yield C("exponent", f"{name}{where} should be under a square root (a square root dropped)",
                                 tree.value_with(path, np.sqrt(old)), build(sympy.sqrt(node)))
        # a term too many
        if isinstance(node, sympy.Add):
            for i, term in enumerate(node.args):
                rest = sum(tree.values[path + (j,)] for j in range(len(node.args)) if j != i)
                yield C("drop_term", f"the term {_short(term)}{where} should not be there",
                                 tree.value_with(path, rest), build(sympy.Add(*[a for j, a in enumerate(node.args) if j != i])))
        # a term missing: small standard terms inside functions, fitted terms on linear paths
        if node.free_symbols and not exponent and isinstance(node, (sympy.Add, sympy.Symbol, sympy.Mul, sympy.Pow)):
            if where:
                for t, tv in small_values:
                    if t == -node:
                        continue
                    yield C("add_term", f"a term {_short(t)} is missing from {name}{where}",
                                     tree.value_with(path, old + tv), build(node + t))
    if target is not None and tol is not None:
        yield from _fitted_terms(tree, target, tol, everything)
    # swaps
    for s, u in itertools.combinations(symbols, 2):
        env = dict(tree.env)
        env[s.name], env[u.name] = tree.env[u.name], tree.env[s.name]
        yield _Candidate("swap", f"{s} and {u} are swapped", tree.evaluate_subtree((), env),
                         lambda s=s, u=u: expr.xreplace({s: u, u: s}))
        for path, node in tree.nodes.items():
            if path and isinstance(node, sympy.Function) and {s, u} <= node.free_symbols:
                yield _Candidate("swap", f"{s} and {u} are swapped inside {_short(node)}",
                                 tree.value_with(path, tree.evaluate_subtree(path, env)),
                                 lambda s=s, u=u, path=path, node=node: replace_at(expr, path, node.xreplace({s: u, u: s})))


def _value(t: sympy.Expr, tree: Tree) -> np.ndarray:
    """Values of a small expression at the tree's points (by the same node-wise evaluator)."""
    return Tree(t, {s.name: tree.env[s.name] for s in t.free_symbols} or {"_": np.zeros(tree.n)}).root_value


def _inverses() -> dict:
    from scipy import special

    def real_only(fn: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
        return lambda v: fn(np.real(v)) if np.all(np.imag(v) == 0) else np.full(np.shape(v), np.nan)

    return {
        sympy.exp: np.log, sympy.log: np.exp, sympy.asin: np.sin, sympy.acos: np.cos, sympy.atan: np.tan,
        sympy.sin: np.arcsin, sympy.tan: np.arctan, sympy.sinh: np.arcsinh, sympy.tanh: np.arctanh,
        sympy.erf: real_only(special.erfinv), sympy.erfc: real_only(special.erfcinv),
    }


_INVERSE: dict = {}


def needed_values(tree: Tree, target: np.ndarray) -> dict[Path, np.ndarray]:
    """For every subterm, the value it would need at each point for the line to equal ``target``
    (the line inverted from the top: sums, products, powers and invertible functions; principal branches)."""
    if not _INVERSE:
        _INVERSE.update(_inverses())
    need: dict[Path, np.ndarray] = {(): np.asarray(target, dtype=complex)}
    for path in sorted(tree.nodes, key=len):  # parents before children
        if path not in need:
            continue
        node, v = tree.nodes[path], need[path]
        if not _descend(node) or not node.free_symbols:
            continue
        for i in range(len(node.args)):
            child = path + (i,)
            if child not in tree.values:
                continue
            others = [tree.values[path + (j,)] for j in range(len(node.args)) if j != i]
            with np.errstate(all="ignore"):
                if isinstance(node, sympy.Add):
                    c = v - sum(others)
                elif isinstance(node, sympy.Mul):
                    c = v / np.prod(np.stack(others), axis=0)
                elif isinstance(node, sympy.Pow):
                    base, exp = tree.values[path + (0,)], tree.values[path + (1,)]
                    c = np.power(v, 1 / exp) if i == 0 else np.log(v) / np.log(base)
                elif len(node.args) == 1 and node.func in _INVERSE:
                    c = np.asarray(_INVERSE[node.func](v), dtype=complex)
                else:
                    continue
            # a point where the child does not matter (a factor 0 beside it) constrains nothing: keep the
            # others (a fit needs 3 points; every candidate is screened at all points anyway)
            if np.sum(np.isfinite(c)) >= 3:
                need[child] = c
    return need


def _fit(values: np.ndarray, dictionary: list[tuple[sympy.Expr, np.ndarray]]) -> Iterator[tuple[sympy.Expr, sympy.Expr]]:
    """Dictionary terms g with values = k g for a simple constant k; yields (k, g)."""
    ok = np.isfinite(values)
    if ok.sum() < 3:
        return
    values = values[ok]
    scale = float(np.max(np.abs(values)))
    if scale == 0:
        return
    for g, gv in dictionary:
        gv = gv[ok]
        den = float(np.sum(np.abs(gv) ** 2))
        if not np.isfinite(den) or den == 0:
            continue
        k = complex(np.sum(values * np.conj(gv)) / den)
        if abs(k.imag) > 1e-9 * abs(k) or not np.all(np.abs(values - k.real * gv) <= 1e-7 * scale):
            continue
        kk = _simple_constant(k.real)
        if kk is not None:
            yield kk, g


def _fitted_terms(tree: Tree, target: np.ndarray, tol: np.ndarray, symbols: Sequence[sympy.Symbol]) -> Iterator[_Candidate]:
    r"""What a subterm should have been: for every node, the value it would need at each point
    (the line inverted numerically), matched as the old subterm plus a missing term :math:`k\,g`, or
    replaced by :math:`k\,g`, with g from a small dictionary and k a simple constant."""
    dictionary = None
    seen: set[tuple[Path, sympy.Expr]] = set()
    need = needed_values(tree, target)
    for path, node in tree.nodes.items():
        if _is_exponent(tree, path) or (path and not node.free_symbols and not isinstance(tree.nodes[path[:-1]], sympy.Add)):
            continue
        needed = need.get(path)
        if needed is None:
            continue
        dictionary = dictionary if dictionary is not None else _dictionary(tree, symbols)
        where = _where(tree, path)
        name = "the whole right-hand side" if not path else _short(node)
        old = tree.values[path]
        for kk, g in _fit(needed - old, dictionary):
            term = kk * g
            if (path, term) in seen:
                continue
            seen.add((path, term))
            yield _Candidate("add_term", f"a term {_short(term)} is missing from {name}{where}",
                             tree.value_with(path, old + complex(kk.evalf(20)) * _value(g, tree)),
                             lambda path=path, node=node, term=term: replace_at(tree.expr, path, node + term),
                             (bool(path), False, len(sympy.sstr(node))))
        if isinstance(node, sympy.Mul) or not path:  # a factor missing from a product (a dropped factor)
            with np.errstate(all="ignore"):
                ratio = needed / old
            if np.sum(np.isfinite(ratio)) >= 3:
                for kk, g in _fit(ratio, dictionary):
                    if not g.free_symbols:
                        continue  # a constant factor is the factor class's business
                    factor = kk * g
                    if (path, factor) in seen:
                        continue
                    seen.add((path, factor))
                    yield _Candidate("missing_factor", f"a factor {_short(factor)} is missing from {name}{where}",
                                     tree.value_with(path, old * complex(kk.evalf(20)) * _value(g, tree)),
                                     lambda path=path, node=node, factor=factor: replace_at(tree.expr, path, node * factor),
                                     (bool(path), False, len(sympy.sstr(node))))
        if not node.free_symbols or not path or len(sympy.sstr(node)) > 24:
            continue  # a replacement is a typo only on a small subterm (not a new formula for the line)
        for kk, g in _fit(needed, dictionary):
            new = kk * g
            if new == node or (path, new) in seen:
                continue
            seen.add((path, new))
            yield _Candidate("replace", f"{name}{where} should be {_short(new)}",
                             tree.value_with(path, complex(kk.evalf(20)) * _value(g, tree)),
                             lambda path=path, new=new: replace_at(tree.expr, path, new),
                             (bool(path), False, len(sympy.sstr(node))))


def _simple_constant(k: float) -> sympy.Expr | None:
    """k as +-1 or a simple closed form (powers of 2, pi, sqrt 2, thirds), else None."""
    if abs(abs(k) - 1.0) <= 1e-8:
        return sympy.Integer(1 if k > 0 else -1)
    rec = recognise_constant(k, 1e-8)
    if rec is None:
        return None
    return sympy.nsimplify(rec.value, [sympy.pi], tolerance=1e-10, rational=False)


# --------------------------------------------------------------------------- screening
def screen(
    expr: sympy.Expr,
    points: Sequence[Mapping[str, object]],
    reference: Sequence[complex],
    tolerance: Sequence[float],
    limit: int = 6,
) -> tuple[list[Survivor], int]:
    """Single edits of ``expr`` that agree with ``reference`` at every point within ``tolerance``.

    ``points`` are parameter dictionaries; non-scalar parameters make the
    screening impossible (returns no survivors).  Survivors are grouped by their values
    (relative 1e-9), ordered by typo class and then by discrepancy; at most
    ``limit`` groups are returned, with the number of edits screened.
    """
    names = sorted(s.name for s in expr.free_symbols)
    try:
        env = {n: np.asarray([complex(p[n]) for p in points]) for n in names}
    except (TypeError, ValueError, KeyError):
        return [], 0
    for n in points[0] if points else ():  # parameters the line lost (a dropped term may have held them)
        try:
            env.setdefault(n, np.asarray([complex(p[n]) for p in points]))
        except (TypeError, ValueError):
            continue
    target = np.asarray(reference, dtype=complex)
    tol = np.asarray(tolerance, dtype=float)
    tree = Tree(expr, env)
    groups: dict[tuple, list[tuple[_Candidate, float]]] = {}
    scale = np.maximum(np.abs(target), 1e-300)
    screened = 0
    for cand in candidates(tree, target, tol):
        screened += 1
        v = cand.values
        if v.shape != target.shape or not np.all(np.isfinite(v)):
            continue
        diff = np.abs(v - target)
        if not np.all(diff <= tol):
            continue
        key = tuple(np.round(np.concatenate([v.real, v.imag]) / np.concatenate([scale, scale]), 8).tolist())
        groups.setdefault(key, []).append((cand, float(np.max(diff / scale))))
    out: list[Survivor] = []
    for members in groups.values():
        members.sort(key=lambda m: (KINDS.index(m[0].kind), m[0].rank or (True, False, 10**6)))
        edits = []
        for cand, _ in members[:8]:
            try:
                edits.append(Edit(cand.kind, cand.description, cand.build()))
            except (TypeError, ValueError, sympy.SympifyError):
                continue
        if edits:
            out.append(Survivor(tuple(edits), max(m[1] for m in members)))
    out.sort(key=lambda s: (KINDS.index(s.best.kind), s.max_rel_discrepancy))
    return out[:limit], screened


def single_edit_variants(expr: sympy.Expr) -> Iterator[Edit]:
    """The forward typos of ``expr`` (for benchmarks): what a writer's slip turns a true line into.

    Signs and factors on every subterm, swapped symbols, a dropped term, a
    dropped exponent or square root.  Some are equal to ``expr`` (a swap of a
    symmetric pair); the caller removes those numerically.
    """
    tree = Tree(expr, {s.name: np.ones(1) for s in expr.free_symbols})
    for path, node in tree.nodes.items():
        exponent = _is_exponent(tree, path)
        where = _where(tree, path)
        name = "the whole right-hand side" if not path else _short(node)
        if node.free_symbols and not exponent:
            yield Edit("sign", f"sign of {name}{where} flipped", replace_at(expr, path, -node))
            for c, text in _FACTORS:
                yield Edit("factor", f"factor {text} on {name}{where}", replace_at(expr, path, c * node))
        if isinstance(node, sympy.Add):
            for i, term in enumerate(node.args):
                yield Edit("drop_term", f"term {_short(term)}{where} dropped",
                           replace_at(expr, path, sympy.Add(*[a for j, a in enumerate(node.args) if j != i])))
        if isinstance(node, sympy.Pow) and node.exp.is_number and node.exp != -1:
            base, e = node.args
            if abs(e) == sympy.Rational(1, 2) or abs(e) == 2:
                new = base if e > 0 else base ** (-1)
                what = "square root" if abs(e) == sympy.Rational(1, 2) else "exponent"
                yield Edit("exponent", f"{what} of {_short(base)}{where} dropped", replace_at(expr, path, new))
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    for s, u in itertools.combinations(symbols, 2):
        yield Edit("swap", f"{s} and {u} swapped", expr.xreplace({s: u, u: s}))
