r"""The authoring API: how a module of the notes declares its claims.

A claim module reads like the part of the notes it audits::

    from derivations.api import Chain, Sampled, claim, definition, eq, quote

    NOTE = "001_d82c553c3bda8740.txt"

    definition("relu.model", sources=[eq(NOTE, "2")], latex=r"\hat y(x) = ...")

    claim(
        "nlgp.normaliser",
        sources=[quote(NOTE, "ensures the variance of each coordinate is 1")],
        latex=r"\mathcal Z(g) = \frac{2}{\pi}\arcsin\frac{2g^2}{1+2g^2}",
        params={"g": st.floats(0.05, 20)},
        claimed=2 / sp.pi * sp.asin(2 * g**2 / (1 + 2 * g**2)),
        reference=lambda p, ctx: ctx.gaussian_expectation(lambda z: mp.erf(p.g * z) ** 2),
    )

Sides of a claim (``claimed``, ``reference``) are one of

* a SymPy expression whose free symbols are named after the parameters
  (scalar algebra; evaluated with mpmath at the audit precision; can be proved);
* a function ``f(p)`` or ``f(p, ctx)`` returning a number, an array, or an
  :class:`~numerics.estimate.Estimate` (vectors, matrices, quadrature, ODEs);
* :class:`Sampled` — an expectation over sampled data; when both sides are
  sampled they share random numbers and the paired standard error is used.

Declarations never raise: a malformed declaration is registered with its
``problem`` (naming module, claim and field) and comes out as ``error`` while
the rest of the audit runs.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy
from hypothesis import strategies as st

KINDS = ("claim", "definition", "incomplete")


# --------------------------------------------------------------------------- sources
@dataclass(frozen=True)
class Source:
    """Where a claim appears: a note file and an equation label, or a short quote."""

    note: str
    equation: str | None = None
    quote: str | None = None

    def label(self) -> str:
        return f"{self.note} ({self.equation})" if self.equation else f'{self.note} "{self.quote}"'


def eq(note: str, label: str | int) -> Source:
    return Source(note=note, equation=str(label))


def quote(note: str, text: str) -> Source:
    return Source(note=note, quote=text)


# --------------------------------------------------------------------------- points
class Point(Mapping[str, Any]):
    """A parameter point: a read-only mapping with attribute access (``p.g``)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]):
        object.__setattr__(self, "_values", dict(values))

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"parameter {name!r} is not among {sorted(self._values)}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a parameter point is read-only")

    @property
    def mp(self) -> "Point":
        """The same point with every int/float as an mpmath number, so that arithmetic
        on parameters inside a high-precision side is not rounded to double first."""
        import mpmath

        def conv(v: Any) -> Any:
            return mpmath.mpf(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

        return Point({k: conv(v) for k, v in self._values.items()})

    def __repr__(self) -> str:
        return "Point(" + ", ".join(f"{k}={v!r}" for k, v in self._values.items()) + ")"


# --------------------------------------------------------------------------- sides
@dataclass(frozen=True)
class Sampled:
    r"""A side that is an expectation over sampled data: :math:`\mathbb{E}[T(\varepsilon)]`.

    ``dim(p)`` is the number of standard normals per sample; ``statistic(p, eps)``
    maps a block eps of shape (B, dim) to per-sample values of shape (B, ...).
    Use :mod:`numerics.datamodels` to turn eps into Gaussian / NLGP / cube data.
    """

    dim: Callable[[Point], int] | int
    statistic: Callable[[Point, Any], Any]
    description: str = ""

    def dimension(self, p: Point) -> int:
        return int(self.dim(p) if callable(self.dim) else self.dim)


class _NotWritten:
    """Placeholder for a side that has not been written yet (what ``derivcheck new`` scaffolds)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "TODO"


TODO = _NotWritten()

Side = sympy.Expr | Callable[..., Any] | Sampled | float | _NotWritten


@dataclass(frozen=True)
class Correction:
    """A corrected form of a refuted line, supplied by the author of the module.

    It is audited like a claim (same parameters, same reference) and its own
    verdict is reported next to the original.
    """

    latex: str
    claimed: Side
    remark: str = ""


@dataclass(frozen=True)
class Tolerances:
    """Per-claim overrides of the decision rule (None: the audit's default)."""

    rtol: float | None = None
    atol: float | None = None
    max_resolution: float | None = None
    scale: float | None = None  # natural magnitude of the quantity, for claims whose true value is 0


# --------------------------------------------------------------------------- claim
@dataclass(frozen=True)
class Claim:
    id: str
    sources: tuple[Source, ...]
    latex: str
    kind: str = "claim"
    note_flag: str | None = None
    assumptions: tuple[str, ...] = ()
    params: Mapping[str, st.SearchStrategy] = field(default_factory=dict)
    claimed: Side | None = None
    reference: Side | None = None
    method: str | None = None
    chain: str | None = None
    after: str | None = None
    previous_form: Side | None = None
    corrected: Correction | None = None
    tolerances: Tolerances = field(default_factory=Tolerances)
    diagnose: Callable[..., str | None] | None = None
    remark: str = ""
    defined_at: str = ""
    module: str = ""
    problem: str | None = None
    latex_symbols: Mapping[str, Any] = field(default_factory=dict)
    relation: str = "=="  # "==", or "<=", "<", ">=", ">" for an inequality claimed (lhs) REL reference (rhs)

    @property
    def checkable(self) -> bool:
        return self.kind == "claim"


# --------------------------------------------------------------------------- collection
_DECLARED: dict[str, list[Claim]] = {}


def declared_in(module_name: str) -> list[Claim]:
    """The claims a module declared when it was imported, in declaration order."""
    return list(_DECLARED.get(module_name, []))


# modules whose frames are never the place a claim is "defined at" (the API and its helpers)
HELPER_MODULES = {__name__, "derivations.kinds"}


def _caller(depth: int = 2) -> tuple[str, str]:
    """(module, "file:line") of the declaration: the first frame outside the API; if that frame is inside a
    function (a user's helper that declares claims), the module-level line that called it, in the same file."""
    frame = sys._getframe(depth)
    while frame is not None and frame.f_globals.get("__name__") in HELPER_MODULES:
        frame = frame.f_back
    if frame is None:  # pragma: no cover
        return "<unknown>", "<unknown>"
    outer = frame
    for _ in range(3):  # a helper a few calls deep; never into the importer or a test runner
        if outer.f_code.co_name == "<module>" or outer.f_back is None:
            break
        nxt = outer.f_back
        if nxt.f_code.co_filename.startswith("<") or "site-packages" in nxt.f_code.co_filename or "importlib" in nxt.f_code.co_filename:
            break
        outer = nxt
    if outer.f_code.co_name == "<module>":
        frame = outer  # the module-level statement that called the helper, not the helper's body
    module = frame.f_globals.get("__name__", "<unknown>")
    return module, f"{frame.f_code.co_filename}:{frame.f_lineno}"


def _side_problem(side: Any, name: str, params: Mapping[str, Any]) -> str | None:
    if side is None or isinstance(side, (Sampled, _NotWritten)):
        return None
    if isinstance(side, (int, float)) and not isinstance(side, bool):
        return None  # a constant
    if isinstance(side, sympy.Basic):
        unknown = sorted(str(s) for s in side.free_symbols if str(s) not in params)
        if unknown:
            return f"field {name!r}: symbols {unknown} are not parameters (params: {sorted(params)})"
        return None
    if callable(side):
        try:
            n = len([p for p in inspect.signature(side).parameters.values() if p.default is p.empty])
        except (TypeError, ValueError):
            return None
        if n not in (1, 2):
            return f"field {name!r}: a function side takes (p) or (p, ctx), this one takes {n} arguments"
        return None
    return f"field {name!r}: expected a SymPy expression, a function or Sampled, got {type(side).__name__}"


def _validate(c: Claim) -> str | None:
    where = f"module {c.module}, claim {c.id!r}"
    if not isinstance(c.id, str) or not c.id or any(ch.isspace() for ch in c.id):
        return f"{where}: field 'id' must be a non-empty string without spaces"
    if c.kind not in KINDS:
        return f"{where}: field 'kind' must be one of {KINDS}, got {c.kind!r}"
    if c.relation not in ("==", "<=", "<", ">=", ">"):
        return f"{where}: field 'relation' must be one of ==, <=, <, >=, >; got {c.relation!r}"
    if not c.sources:
        return f"{where}: field 'sources' is empty; give at least one eq(NOTE, LABEL) or quote(NOTE, TEXT)"
    for s in c.sources:
        if not isinstance(s, Source) or not (s.equation or s.quote):
            return f"{where}: field 'sources' has {s!r}; use eq(NOTE, LABEL) or quote(NOTE, TEXT)"
    if not isinstance(c.latex, str) or not c.latex.strip():
        return f"{where}: field 'latex' must hold the equation as the note writes it"
    if not isinstance(c.params, Mapping) or any(not isinstance(v, st.SearchStrategy) for v in c.params.values()):
        return f"{where}: field 'params' must map names to Hypothesis strategies"
    if c.kind == "claim":
        if c.claimed is None:
            return f"{where}: field 'claimed' is missing (a claim needs the note's right-hand side)"
        if c.reference is None:
            return f"{where}: field 'reference' is missing (reference not written)"
    for name in ("claimed", "reference", "previous_form"):
        msg = _side_problem(getattr(c, name), name, c.params)
        if msg:
            return f"{where}: {msg}"
    if c.corrected is not None:
        msg = _side_problem(c.corrected.claimed, "corrected.claimed", c.params)
        if msg:
            return f"{where}: {msg}"
    return None


def _register(c: Claim) -> Claim:
    problem = _validate(c)
    if problem:
        c = Claim(**{**c.__dict__, "problem": problem})
    _DECLARED.setdefault(c.module, []).append(c)
    return c


def _as_sources(sources: Iterable[Source] | Source) -> tuple[Source, ...]:
    return (sources,) if isinstance(sources, Source) else tuple(sources)


def claim(
    id: str,
    *,
    sources: Iterable[Source] | Source,
    latex: str,
    claimed: Side,
    reference: Side,
    params: Mapping[str, st.SearchStrategy] | None = None,
    assumptions: Sequence[str] = (),
    note_flag: str | None = None,
    method: str | None = None,
    corrected: Correction | None = None,
    tolerances: Tolerances | None = None,
    diagnose: Callable[..., str | None] | None = None,
    remark: str = "",
    after: str | None = None,
    previous_form: Side | None = None,
    chain: str | None = None,
    latex_symbols: Mapping[str, Any] | None = None,
) -> Claim:
    """Declare a checkable claim: the note's ``claimed`` side against an independent ``reference``.

    ``latex_symbols`` maps names in the parsed LaTeX (``z_i``, ``Z``) to a
    parameter name or a SymPy expression/Lambda, for the transcription check
    of a SymPy ``claimed`` against the note's LaTeX.
    """
    module, where = _caller()
    return _register(
        Claim(
            id=id, sources=_as_sources(sources), latex=latex, kind="claim", note_flag=note_flag,
            assumptions=tuple(assumptions), params=dict(params or {}), claimed=claimed, reference=reference,
            method=method, chain=chain, after=after, previous_form=previous_form, corrected=corrected,
            tolerances=tolerances or Tolerances(), diagnose=diagnose, remark=remark, defined_at=where, module=module,
            latex_symbols=dict(latex_symbols or {}),
        )
    )


def definition(
    id: str, *, sources: Iterable[Source] | Source, latex: str, remark: str = "",
    assumptions: Sequence[str] = (), note_flag: str | None = None,
) -> Claim:
    """Record a model definition (not checked)."""
    module, where = _caller()
    return _register(
        Claim(id=id, sources=_as_sources(sources), latex=latex, kind="definition", remark=remark,
              assumptions=tuple(assumptions), note_flag=note_flag, defined_at=where, module=module)
    )


def incomplete(
    id: str, *, sources: Iterable[Source] | Source, latex: str, remark: str = "",
    note_flag: str | None = None, assumptions: Sequence[str] = (),
) -> Claim:
    """Record a line the note never finished (not checked)."""
    module, where = _caller()
    return _register(
        Claim(id=id, sources=_as_sources(sources), latex=latex, kind="incomplete", remark=remark,
              note_flag=note_flag, assumptions=tuple(assumptions), defined_at=where, module=module)
    )


class Chain:
    """A displayed derivation: lines that should all equal the same quantity.

    Every step is a claim ``{chain id}.eq{label}`` checked twice: against the
    chain's (or the step's own) reference — is the line true? — and against
    the previous line's claimed form — does it follow?  ``after=`` names a
    different earlier line and ``previous_form=`` what that line becomes after
    the substitution the note makes in between.
    """

    def __init__(
        self,
        id: str,
        *,
        note: str,
        params: Mapping[str, st.SearchStrategy],
        reference: Side | None = None,
        assumptions: Sequence[str] = (),
        method: str | None = None,
        note_flag: str | None = None,
        tolerances: Tolerances | None = None,
        latex_symbols: Mapping[str, Any] | None = None,
    ):
        self.id = id
        self.latex_symbols = dict(latex_symbols or {})
        self.note = note
        self.params = dict(params)
        self.reference = reference
        self.assumptions = tuple(assumptions)
        self.method = method
        self.note_flag = note_flag
        self.tolerances = tolerances
        self.steps: list[Claim] = []

    def record(
        self,
        label: str | int,
        *,
        kind: str,
        latex: str,
        id: str | None = None,
        also: Iterable[Source] = (),
        note_flag: str | None = None,
        remark: str = "",
    ) -> Claim:
        """A line of the chain that is not checked: ``kind`` is "definition" or "incomplete".

        Later steps still name it as the line they follow (give them a
        ``previous_form`` for what it means numerically)."""
        module, where = _caller()
        c = Claim(
            id=id or f"{self.id}.eq{label}", sources=(eq(self.note, label), *also), latex=latex, kind=kind,
            note_flag=note_flag or self.note_flag, assumptions=self.assumptions, chain=self.id,
            after=self.steps[-1].id if self.steps else None, remark=remark, defined_at=where, module=module,
        )
        c = _register(c)
        self.steps.append(c)
        return c

    def step(
        self,
        label: str | int,
        *,
        latex: str,
        claimed: Side,
        reference: Side | None = None,
        id: str | None = None,
        also: Iterable[Source] = (),
        note_flag: str | None = None,
        assumptions: Sequence[str] = (),
        corrected: Correction | None = None,
        after: str | None = None,
        previous_form: Side | None = None,
        diagnose: Callable[..., str | None] | None = None,
        remark: str = "",
        method: str | None = None,
        tolerances: Tolerances | None = None,
        params: Mapping[str, st.SearchStrategy] | None = None,
        latex_symbols: Mapping[str, Any] | None = None,
    ) -> Claim:
        module, where = _caller()
        previous = self.steps[-1].id if self.steps else None
        c = Claim(
            id=id or f"{self.id}.eq{label}",
            sources=(eq(self.note, label), *also),
            latex=latex,
            kind="claim",
            note_flag=note_flag or self.note_flag,
            assumptions=self.assumptions + tuple(assumptions),
            params=dict(params or self.params),
            claimed=claimed,
            reference=reference if reference is not None else self.reference,
            method=method or self.method,
            chain=self.id,
            after=after if after is not None else previous,
            previous_form=previous_form,
            corrected=corrected,
            tolerances=tolerances or self.tolerances or Tolerances(),
            diagnose=diagnose,
            remark=remark,
            defined_at=where,
            module=module,
            latex_symbols=dict(latex_symbols or self.latex_symbols),
        )
        c = _register(c)
        self.steps.append(c)
        return c
