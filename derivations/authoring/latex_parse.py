r"""LaTeX ingestion: the notes' LaTeX to SymPy, as a cross-check, never as truth.

SymPy's parsers have known traps (measured with SymPy 1.14): the ANTLR backend
reads ``\operatorname{erf}(x)`` as the product of symbols o*p*e*r*..., reads
``\rho_{ik}`` as ``rho_{i*k}`` and ``\lambda_0^{(k)}`` as a power, and can drop
trailing input; the Lark backend rejects many macros and can return an
ambiguity tree.  So the text goes through a normalising pre-pass first:

* function macros (``\operatorname{erf}``, ``\text{erf}``, ``\mathrm{erf}``,
  ``\tan^{-1}``, ``\sin^{-1}``) become the parser's own (``\erf``, ``\arctan``);
* sizing and spacing (``\left``, ``\right``, ``\Big``, ``\,``) are removed;
* every indexed symbol (``\rho_{ik}``, ``\xi_1``, ``\lambda_0^{(k)}``,
  ``\mathcal{Z}``) is replaced by a placeholder letter and mapped back to one
  SymPy symbol with a readable name (``rho_ik``, ``xi_1``, ``lambda_0^(k)``,
  ``Z``);
* constructs the parsers cannot represent (``\langle \cdot,\cdot \rangle``,
  ``\mathbb{E}``, ``\sum``, ``\int``, ``\mathbb{1}``, ``\mathrm{ReLU}``,
  matrices) make the parse fail with a reason.

The ANTLR backend is run in strict mode; a result still containing symbols
such as ``text`` or ``operatorname`` counts as a mis-parse.  A failed parse is
reported, never guessed.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import warnings
from dataclasses import dataclass

import sympy

UNSUPPORTED = {
    r"\langle": "inner product <.,.>",
    r"\mathbb{E}": "expectation",
    r"\mathbb{P}": "probability",
    r"\mathbb{1}": "indicator",
    r"\sum": "sum",
    r"\prod": "product",
    r"\int": "integral",
    r"\begin": "environment (matrix / aligned)",
    r"\underbrace": "underbrace",
    r"ReLU": "ReLU",
    r"\otimes": "Kronecker product",
    r"\top": "transpose",
    r"\mathcal{L}": "loss functional",
    r"\frac{d}{dt}": "time derivative",
    r"\partial": "partial derivative",
    r"\arg": "argmax",
    r"\triangleq": "definition",
    r"\sim": "law",
    r"\mid": "conditioning",
    r"\in": "membership",
    r"\iff": "equivalence",
    r"\implies": "implication",
    r"\approx": "approximation",
    r"\cdots": "ellipsis",
    r"\vdots": "ellipsis",
    r"\ldots": "ellipsis",
    r"\|": "norm",
    "|": "absolute value / norm",
}

_FUNCTIONS = {
    r"\tan^{-1}": r"\arctan", r"\sin^{-1}": r"\arcsin", r"\cos^{-1}": r"\arccos",
}
_NAMED = ("erf", "erfc", "exp", "log", "sign", "sgn")
_SUSPICIOUS = {"text", "operatorname", "mathrm", "mathcal", "mathbb", "left", "right", "frac", "sqrt"}
_EVALUATED_AT = re.compile(r"[A-Za-z}0-9]\s*\(\s*[0-9]+\s*\)")
_PLACEHOLDERS = [rf"\{g}" for g in (
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "mu", "nu",
    "omicron", "upsilon", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Upsilon", "Psi", "Omega",
)]
_INDEXED = re.compile(
    r"(?P<base>\\mathcal\{[A-Za-z]\}|\\[A-Za-z]+|[A-Za-z])"
    r"(?P<sub>_(?:\{[^{}]*\}|[A-Za-z0-9]))?"
    r"(?P<sup>\^\{\([^{}]*\)\})?"
)


@dataclass(frozen=True)
class Parsed:
    status: str             # "parsed", "unsupported", "failed", "misparsed"
    expr: sympy.Expr | None
    detail: str
    normalised: str = ""


def right_hand_side(latex: str) -> str:
    """The last top-level right-hand side of a display, without side definitions after ``\\quad``."""
    text = latex.strip().rstrip(".,;")
    depth, cut = 0, len(text)
    for i, ch in enumerate(text):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and text.startswith(r"\quad", i):
            cut = i
            break
    text = text[:cut].rstrip().rstrip(".,;")
    depth, parts, start = 0, [], 0
    for i, ch in enumerate(text):
        depth += ch in "{(["
        depth -= ch in "})]"
        if ch == "=" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts[-1].strip()


def normalise(latex: str) -> tuple[str, dict[str, str]]:
    """The pre-pass.  Returns the normalised text and placeholder -> symbol name."""
    text = latex
    for src, dst in _FUNCTIONS.items():
        text = text.replace(src, dst)
    for name in _NAMED:
        text = re.sub(rf"\\(?:operatorname|text|mathrm)\{{{name}\}}", rf"\\{name}" if name in ("exp", "log") else rf"\\{name}", text)
    text = re.sub(r"\\(?:left|right|big|Big|bigg|Bigg)(?=[()\[\].|\\])", "", text)
    text = re.sub(r"\\[,;!: ]", " ", text)
    text = text.replace(r"\cdot", "*").replace(r"\times", "*")
    # \pi(1+a) is a product, not a function named pi
    text = re.sub(r"\\pi\s*\(", r"\\pi*(", text)
    mapping: dict[str, str] = {}
    names: dict[str, str] = {}
    free = iter(p for p in _PLACEHOLDERS if p not in text)

    def replace(m: re.Match) -> str:
        base, sub, sup = m.group("base"), m.group("sub"), m.group("sup")
        if not sub and not sup and not base.startswith(r"\mathcal"):
            return m.group(0)
        if base.startswith("\\") and base[1:] in ("frac", "sqrt", "erf", "exp", "log", "arctan", "arcsin", "arccos", "pi", "sin", "cos", "tan"):
            return m.group(0)
        name = base.lstrip("\\")
        if name.startswith("mathcal{"):
            name = name[8:-1]
        if sub:
            name += "_" + sub[1:].strip("{}")
        if sup:
            name += "^" + sup[2:-1]
        if name not in names:
            try:
                names[name] = next(free)
            except StopIteration:
                return m.group(0)
            mapping[names[name]] = name
        return " " + names[name] + " "

    text = _INDEXED.sub(replace, text)
    return text, mapping


#: the transcription parse is a cross-check: it never holds up an audit (64 kB of LaTeX took 35 s)
PARSE_SECONDS = 5.0
MAX_PARSE_CHARS = 6000


class _ParseTimeout(BaseException):
    """Raised by the timer inside the parser (a BaseException: the parser's own handlers catch Exception)."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """A wall-clock limit by SIGALRM, in the main thread of a process (a worker, or the CLI); else none."""
    if threading.current_thread() is not threading.main_thread() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return

    def expire(signum, frame):
        raise _ParseTimeout()

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def parse(latex: str, rhs: bool = True) -> Parsed:
    """Parse (the right-hand side of) a display into SymPy, or say why not."""
    body = right_hand_side(latex) if rhs else latex
    for token, what in UNSUPPORTED.items():
        if token in body:
            return Parsed("unsupported", None, f"contains {what} ({token}), which the LaTeX parsers cannot represent")
    at_point = _EVALUATED_AT.search(body)
    if at_point:
        # sigma_1^2(0) is "sigma_1^2 at t = 0"; the parsers read it as a product with 0
        return Parsed("unsupported", None, f"contains a quantity evaluated at a point ({at_point.group(0).strip()}), "
                                           "which the parsers read as a product")
    if len(body) > MAX_PARSE_CHARS:
        return Parsed("unsupported", None, f"{len(body)} characters: longer than the {MAX_PARSE_CHARS} the parse is tried on")
    text, mapping = normalise(body)
    try:
        from sympy.parsing.latex import parse_latex

        with warnings.catch_warnings(), _time_limit(PARSE_SECONDS):
            warnings.simplefilter("ignore")
            expr = parse_latex(text, strict=True)
    except _ParseTimeout:
        return Parsed("failed", None, f"the parse took longer than {PARSE_SECONDS:g} s", text)
    except ImportError as exc:
        return Parsed("failed", None, f"no LaTeX parser available: {exc}", text)
    except Exception as exc:  # noqa: BLE001 - the parser's own errors are many
        return Parsed("failed", None, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}", text)
    if not isinstance(expr, sympy.Expr):
        return Parsed("failed", None, f"parsed to a {type(expr).__name__}, not an expression", text)
    subs: dict = {}
    for s in expr.free_symbols:
        key = "\\" + s.name
        if key in mapping:
            subs[s] = sympy.Symbol(mapping[key])
    for f in expr.atoms(sympy.core.function.AppliedUndef):
        key = "\\" + f.func.__name__
        if key in mapping:
            subs[f] = sympy.Function(mapping[key])(*f.args)
    expr = expr.xreplace(subs)
    expr = _known_functions(expr)
    bad = sorted(s.name for s in expr.free_symbols if s.name in _SUSPICIOUS or len(s.name) > 1 and s.name.isalpha() and s.name not in _GREEK)
    if bad:
        return Parsed("misparsed", expr, f"the parse contains macro names as symbols: {bad}", text)
    return Parsed("parsed", expr, "", text)


_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
    "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}


_KNOWN = {"erf": sympy.erf, "erfc": sympy.erfc, "exp": sympy.exp, "log": sympy.log, "sign": sympy.sign, "sgn": sympy.sign}


def _known_functions(expr: sympy.Expr) -> sympy.Expr:
    """Undefined functions and symbols the parser left generic: erf(...) -> sympy.erf, pi -> sympy.pi, e^x -> exp(x)."""
    subs: dict = {}
    for f in expr.atoms(sympy.core.function.AppliedUndef):
        if f.func.__name__ in _KNOWN:
            subs[f] = _KNOWN[f.func.__name__](*f.args)
    for s in expr.free_symbols:
        if s.name == "pi":
            subs[s] = sympy.pi
    expr = expr.xreplace(subs)
    e = sympy.Symbol("e")
    return expr.replace(lambda x: x.is_Pow and x.base == e, lambda x: sympy.exp(x.exp))
