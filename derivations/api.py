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

from numerics.domain import OutsideDomain  # noqa: F401  (re-exported: a side raises it at a degenerate point)

KINDS = ("claim", "definition", "incomplete")
#: The role of an entry's reading of its line (what a referee takes the entry to say about the note):
#: ``stated`` the note's own reading (also one forced by a convention the note states nearby);
#: ``unstated`` fills a gap the note leaves open; ``contrary`` contradicts a premise the note states;
#: ``completion`` a value for a line the note never finished; ``domain`` a boundary case (a zero
#: eigenvalue, a degenerate point, a null set); ``prose`` a statement of the surrounding text.
ROLES = ("stated", "unstated", "contrary", "completion", "domain", "prose")


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
class DataModel:
    r"""A law of data drawn from a block of standard normals: ``draw(p, eps) -> (X, Y, ...)``.

    ``dim(p)`` is the number of standard normals per sample.  The engine draws the data
    once per block of normals and point, and hands the same arrays to every statistic
    that names this model (claimed, reference and correction run on common blocks).
    """

    name: str
    dim: Callable[[Point], int] | int
    draw: Callable[[Point, Any], tuple]
    description: str = ""

    def dimension(self, p: Point) -> int:
        return int(self.dim(p) if callable(self.dim) else self.dim)


@dataclass(frozen=True)
class Sampled:
    r"""A side that is an expectation over sampled data: :math:`\mathbb{E}[T(\cdot)]`.

    Either name a data model, and the statistic receives the drawn data::

        Sampled(data=NLGP_MIXTURE, statistic=lambda p, x, y: (y * (x[:, p.i] > 0))[:, None] * x)

    or work on the normals directly: ``dim(p)`` is the number of standard normals per
    sample and ``statistic(p, eps)`` maps a block eps of shape (B, dim) to per-sample
    values of shape (B, ...) (use :mod:`numerics.models.datamodels` to turn eps into data).
    """

    dim: Callable[[Point], int] | int | None = None
    statistic: Callable[..., Any] | None = None
    description: str = ""
    data: DataModel | None = None

    def dimension(self, p: Point) -> int:
        if self.data is not None:
            return self.data.dimension(p)
        return int(self.dim(p) if callable(self.dim) else self.dim)


def almost_surely(law: "DataModel | Callable[[Point], int] | int", difference: Callable[..., Any],
                  description: str = "") -> Sampled:
    r"""The side :math:`\mathbb{E}\,|D|` for a statement ``lhs = rhs`` about random quantities,
    with ``difference`` = lhs - rhs per draw: compared with the constant 0 it says ``lhs = rhs``
    almost surely.  Statements about random quantities are judged this way: a failure on a null set
    (a boundary such as x_i = 0 under a continuous law) is never drawn, so it is not a refutation; give
    the boundary its own entry with ``role="domain"`` (a remark, not a refutation of the line).

    ``law`` is a :class:`DataModel` (``difference(p, x, y, ...)`` on the drawn data) or the number of
    standard normals per sample (``difference(p, eps)``)."""
    import numpy as np

    def statistic(p: Point, *drawn: Any) -> Any:
        return np.abs(np.asarray(difference(p, *drawn), dtype=float))

    text = description or "E|lhs - rhs| (zero iff the two agree almost surely)"
    if isinstance(law, DataModel):
        return Sampled(data=law, statistic=statistic, description=text)
    return Sampled(law, statistic, text)


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


class _LineAbove:
    """``reference=LINE_ABOVE``: the line is compared only with the line above (``after`` / ``previous_form``).

    Such an entry answers "does it follow?" and nothing else; its truth verdict is
    taken from the root of its chain by the runner (true when the root is true,
    otherwise refuted with ``inherits_from`` the root).  Use it only where no
    independent route to the truth exists.
    """

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "LINE_ABOVE"


LINE_ABOVE = _LineAbove()

Side = sympy.Expr | Callable[..., Any] | Sampled | float | _NotWritten | _LineAbove


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
    role: str = "stated"
    relation: str = "=="  # "==", or "<=", "<", ">=", ">" for an inequality claimed (lhs) REL reference (rhs)

    @property
    def checkable(self) -> bool:
        return self.kind == "claim"

    @property
    def follows_only(self) -> bool:
        """The entry is only compared with the line above (its truth comes from its chain's root)."""
        return self.reference is LINE_ABOVE


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
    if isinstance(side, Sampled):
        if not callable(side.statistic):
            return f"field {name!r}: Sampled needs statistic=, a function of (p, eps) or, with data=, of (p, *data)"
        if side.data is None and side.dim is None:
            return f"field {name!r}: Sampled needs dim= (normals per sample) or data= (a DataModel)"
        if side.data is not None and not isinstance(side.data, DataModel):
            return f"field {name!r}: Sampled(data=...) must be a DataModel, got {type(side.data).__name__}"
        return None
    if side is None or isinstance(side, (_NotWritten, _LineAbove)):
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


class _Invalid(tuple):
    """A field value that is not a sequence where one is expected; ``raw`` is what the author wrote."""

    raw: Any = None


def _seq(value: Any) -> tuple:
    """A list/tuple field as a tuple; a string, a number or another non-sequence is kept for the validation."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        bad = _Invalid(())
        bad.raw = value
        return bad
    try:
        return tuple(value)
    except Exception:  # noqa: BLE001 - an iterable that fails is reported, not raised
        bad = _Invalid(())
        bad.raw = value
        return bad


def _where(c: Claim) -> str:
    """``file.py:line, claim 'id'`` -- the file's name, never the machine's absolute path."""
    place = c.defined_at
    if place and ":" in place:
        path, line = place.rsplit(":", 1)
        place = f"{path.replace(chr(92), '/').rsplit('/', 1)[-1]}:{line}"
    return f"{place or c.module}, claim {c.id!r}"


def _optional_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _tolerance_problem(t: Any) -> str | None:
    import math

    if not isinstance(t, Tolerances):
        return f"field 'tolerances' must be Tolerances(...), got {type(t).__name__}"
    for name in ("rtol", "atol", "max_resolution", "scale"):
        v = getattr(t, name)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0 \
                or (name == "max_resolution" and v == 0):
            return f"field 'tolerances': {name} must be a finite number >= 0{' (> 0)' if name == 'max_resolution' else ''}, got {v!r}"
    return None


def _field_problem(c: Claim) -> str | None:
    """The first malformed field of a declaration (types and values), before anything uses it."""
    if not isinstance(c.id, str) or not c.id or any(ch.isspace() for ch in c.id):
        return f"field 'id' must be a non-empty string without spaces, got {c.id!r}"
    if c.kind not in KINDS:
        return f"field 'kind' must be one of {KINDS}, got {c.kind!r}"
    if isinstance(c.sources, _Invalid):
        return (f"field 'sources' must be a list of eq(NOTE, LABEL) or quote(NOTE, TEXT), "
                f"got {type(c.sources.raw).__name__} {c.sources.raw!r}")
    if c.role not in ROLES:
        return f"field 'role' must be one of {ROLES}, got {c.role!r}"
    if c.relation not in ("==", "<=", "<", ">=", ">"):
        return f"field 'relation' must be one of ==, <=, <, >=, >; got {c.relation!r}"
    if not c.sources:
        return "field 'sources' is empty; give at least one eq(NOTE, LABEL) or quote(NOTE, TEXT)"
    for s in c.sources:
        if not isinstance(s, Source) or not (s.equation or s.quote):
            return f"field 'sources' has {s!r}; use eq(NOTE, LABEL) or quote(NOTE, TEXT)"
        if not isinstance(s.note, str) or not s.note:
            return f"field 'sources': the note must be a file name (a string), got {s.note!r}"
        if not _optional_str(s.equation) or not _optional_str(s.quote):
            return f"field 'sources': equation label and quote must be strings, got {s!r}"
    if not isinstance(c.latex, str) or not c.latex.strip():
        return "field 'latex' must hold the equation as the note writes it (a non-empty string)"
    if not _optional_str(c.note_flag):
        return f"field 'note_flag' must be a string or None, got {type(c.note_flag).__name__} {c.note_flag!r}"
    if isinstance(c.assumptions, _Invalid) or any(not isinstance(a, str) for a in c.assumptions):
        raw = c.assumptions.raw if isinstance(c.assumptions, _Invalid) else c.assumptions
        return f"field 'assumptions' must be a list of strings, got {raw!r}"
    if not isinstance(c.params, Mapping) or any(not isinstance(v, st.SearchStrategy) for v in c.params.values()):
        return "field 'params' must map names to Hypothesis strategies"
    if any(not isinstance(k, str) or not k.isidentifier() for k in c.params):
        return f"field 'params': names must be identifiers, got {sorted(map(repr, c.params))}"
    for name in ("method", "chain", "after", "remark"):
        if not _optional_str(getattr(c, name)):
            return f"field {name!r} must be a string, got {getattr(c, name)!r}"
    msg = _tolerance_problem(c.tolerances)
    if msg:
        return msg
    if c.corrected is not None and (not isinstance(c.corrected, Correction) or not isinstance(c.corrected.latex, str)):
        return "field 'corrected' must be Correction(latex=..., claimed=...)"
    if c.diagnose is not None and not callable(c.diagnose):
        return f"field 'diagnose' must be a function, got {type(c.diagnose).__name__}"
    if not isinstance(c.latex_symbols, Mapping):
        return "field 'latex_symbols' must map names to parameters or SymPy expressions"
    if c.kind == "claim":
        if c.claimed is None:
            return "field 'claimed' is missing (a claim needs the note's right-hand side)"
        if c.reference is None:
            return "field 'reference' is missing (reference not written)"
    if c.claimed is LINE_ABOVE or c.previous_form is LINE_ABOVE:
        return "LINE_ABOVE can only be a 'reference'"
    if c.follows_only and not c.after:
        return "reference=LINE_ABOVE needs a line above (give 'after=' or declare it in a Chain)"
    noted = _note_line_owner(c.reference)
    if noted is not None:
        # a comparison with a line of the note only answers "does it follow?": it is never a truth verdict
        return (
            f"field 'reference' is the claimed side of {noted!r}, a line of the note; compare with it "
            f"through 'after=' (does it follow?) and give an independent reference, or reference=LINE_ABOVE"
        )
    for name in ("claimed", "reference", "previous_form"):
        msg = _side_problem(getattr(c, name), name, c.params)
        if msg:
            return msg
    if c.corrected is not None:
        msg = _side_problem(c.corrected.claimed, "corrected.claimed", c.params)
        if msg:
            return msg
    return None


def _validate(c: Claim) -> str | None:
    try:
        msg = _field_problem(c)
    except Exception as exc:  # noqa: BLE001 - a field so odd that checking it raised
        msg = f"a field could not be checked: {type(exc).__name__}: {exc}"
    return f"{_where(c)}: {msg}" if msg else None


def _sanitized(c: Claim, problem: str) -> Claim:
    """A claim with a problem, made safe for records and reports: every field of its declared type."""
    sources = tuple(
        s for s in (() if isinstance(c.sources, _Invalid) else c.sources)
        if isinstance(s, Source) and isinstance(s.note, str) and s.note
        and _optional_str(s.equation) and _optional_str(s.quote) and (s.equation or s.quote)
    ) or (Source(note=str(c.module), quote="(no valid source declared)"),)

    def text(v: Any) -> str:
        return v if isinstance(v, str) else ""

    def side(v: Any, name: str) -> Any:
        return v if v is None or _side_problem(v, name, {}) is None or isinstance(v, sympy.Basic) else None

    params = c.params if isinstance(c.params, Mapping) and all(isinstance(k, str) for k in c.params) else {}
    return Claim(
        id=c.id if isinstance(c.id, str) and c.id else repr(c.id), sources=sources, latex=text(c.latex),
        kind=c.kind if c.kind in KINDS else "claim",
        note_flag=c.note_flag if isinstance(c.note_flag, str) else None,
        assumptions=tuple(a for a in c.assumptions if isinstance(a, str)) if not isinstance(c.assumptions, _Invalid) else (),
        params=params, claimed=side(c.claimed, "claimed"), reference=side(c.reference, "reference"),
        method=c.method if isinstance(c.method, str) else None,
        chain=c.chain if isinstance(c.chain, str) else None, after=c.after if isinstance(c.after, str) else None,
        remark=text(c.remark), defined_at=c.defined_at, module=c.module, problem=problem,
    )


def _note_line_owner(side: Any) -> str | None:
    """The id of a declared claim whose ``claimed`` side (a line of the note) is ``side`` itself, if any.

    SymPy expressions are values, not lines (the same expression may be a true
    reference), so only functions and Sampled sides are matched, by identity.
    """
    if side is None or isinstance(side, (sympy.Basic, int, float, _NotWritten, _LineAbove)):
        return None
    for claims in _DECLARED.values():
        for other in claims:
            if other.claimed is side:
                return other.id
    return None


def _register(c: Claim) -> Claim:
    problem = _validate(c)
    if problem:
        c = _sanitized(c, problem)
    _DECLARED.setdefault(c.module, []).append(c)
    return c


def _as_sources(sources: Iterable[Source] | Source) -> tuple[Source, ...]:
    return (sources,) if isinstance(sources, Source) else _seq(sources)


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
    role: str = "stated",
) -> Claim:
    """Declare a checkable claim: the note's ``claimed`` side against an independent ``reference``.

    ``latex_symbols`` maps names in the parsed LaTeX (``z_i``, ``Z``) to a
    parameter name or a SymPy expression/Lambda, for the transcription check
    of a SymPy ``claimed`` against the note's LaTeX.

    ``after=`` names an earlier line this one should follow from (with ``previous_form=``
    what that line becomes after the note's substitution in between).

    ``chain=`` is the lower-level form that :class:`Chain` writes for each of its steps; a
    line of a displayed derivation is declared with ``Chain(...).step(...)``, the one
    documented way.  It stays accepted here, with the same meaning (the lines of a chain
    share parameter points and random numbers and are audited in one process), for modules
    written against the older API.
    """
    module, where = _caller()
    return _register(
        Claim(
            id=id, sources=_as_sources(sources), latex=latex, kind="claim", note_flag=note_flag,
            assumptions=_seq(assumptions), params=params if isinstance(params, Mapping) else (params or {}), claimed=claimed, reference=reference,
            method=method, chain=chain, after=after, previous_form=previous_form, corrected=corrected,
            tolerances=tolerances or Tolerances(), diagnose=diagnose, remark=remark, defined_at=where, module=module,
            latex_symbols=latex_symbols if isinstance(latex_symbols, Mapping) else (latex_symbols or {}), role=role,
        )
    )


def definition(
    id: str, *, sources: Iterable[Source] | Source, latex: str, remark: str = "",
    assumptions: Sequence[str] = (), note_flag: str | None = None, role: str = "stated",
) -> Claim:
    """Record a model definition (not checked)."""
    module, where = _caller()
    return _register(
        Claim(id=id, sources=_as_sources(sources), latex=latex, kind="definition", remark=remark,
              assumptions=_seq(assumptions), note_flag=note_flag, defined_at=where, module=module, role=role)
    )


def incomplete(
    id: str, *, sources: Iterable[Source] | Source, latex: str, remark: str = "",
    note_flag: str | None = None, assumptions: Sequence[str] = (), role: str = "stated",
) -> Claim:
    """Record a line the note never finished (not checked)."""
    module, where = _caller()
    return _register(
        Claim(id=id, sources=_as_sources(sources), latex=latex, kind="incomplete", remark=remark,
              note_flag=note_flag, assumptions=_seq(assumptions), defined_at=where, module=module, role=role)
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
        role: str = "stated",
    ) -> Claim:
        """A line of the chain that is not checked: ``kind`` is "definition" or "incomplete".

        Later steps still name it as the line they follow (give them a
        ``previous_form`` for what it means numerically)."""
        module, where = _caller()
        c = Claim(
            id=id or f"{self.id}.eq{label}", sources=(eq(self.note, label), *also), latex=latex, kind=kind,
            note_flag=note_flag or self.note_flag, assumptions=self.assumptions, chain=self.id,
            after=self.steps[-1].id if self.steps else None, remark=remark, defined_at=where, module=module,
            role=role,
        )
        c = _register(c)
        self.steps.append(c)
        return c

    def step(
        self,
        label: str | int | None,
        *,
        latex: str,
        claimed: Side,
        id: str | None = None,
        also: Iterable[Source] = (),
        sources: Iterable[Source] | Source | None = None,
        **fields: Any,
    ) -> Claim:
        """A checked line of the chain: :func:`claim` with the chain's defaults.

        ``id`` defaults to ``{chain id}.eq{label}``, the source to ``eq(note, label)`` (plus
        ``also``), ``after`` to the previous line; ``reference``, ``params``, ``method``,
        ``note_flag``, ``tolerances`` and ``latex_symbols`` default to the chain's, and
        ``assumptions`` are added to the chain's.  Any other keyword of :func:`claim` is passed on.

        A line the note does not number (an unnumbered display, read by a quote) gives its own
        ``sources=`` (replacing ``eq(note, label)``; ``also`` is still added) and its own ``id``;
        its ``label`` may then be None.  ``after=None`` given explicitly: the line follows no
        earlier line (another reading of a line already in the chain, checked against the truth
        only), while it still belongs to the chain (same points, same process).
        """
        defaults = {
            "reference": self.reference, "params": self.params, "method": self.method,
            "note_flag": self.note_flag, "tolerances": self.tolerances, "latex_symbols": self.latex_symbols,
        }
        for name, value in defaults.items():
            if fields.get(name) is None or (name in ("params", "latex_symbols") and not fields.get(name)):
                fields[name] = value
        if "after" not in fields:  # an explicit after=None is kept: no line above
            fields["after"] = self.steps[-1].id if self.steps else None
        fields["assumptions"] = self.assumptions + tuple(fields.get("assumptions", ()))
        own = _as_sources(sources) if sources is not None else (eq(self.note, label),) if label is not None else ()
        if id is None and label is not None:
            id = f"{self.id}.eq{label}"
        # a missing id or source (label None without id= / sources=) is registered as a malformed
        # declaration by claim(), like any other: declarations never raise
        c = claim(id, sources=own if isinstance(own, _Invalid) else (*own, *also), latex=latex, claimed=claimed,
                  chain=self.id, **fields)
        self.steps.append(c)
        return c
