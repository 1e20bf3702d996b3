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
from dataclasses import dataclass, replace

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
# \operatorname{...} spellings of functions the parsers know by another macro
_OPERATOR_NAMES = {
    "arcsin": r"\arcsin", "arccos": r"\arccos", "arctan": r"\arctan", "asin": r"\arcsin", "acos": r"\arccos",
    "atan": r"\arctan", "sinh": r"\sinh", "cosh": r"\cosh", "tanh": r"\tanh", "ln": r"\ln",
}
_SUSPICIOUS = {"text", "operatorname", "mathrm", "mathcal", "mathbb", "left", "right", "frac", "sqrt"}
_EVALUATED_AT = re.compile(r"[A-Za-z}0-9]\s*\(\s*[0-9]+\s*\)")
_PLACEHOLDERS = [rf"\{g}" for g in (
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "mu", "nu",
    "omicron", "upsilon", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Upsilon", "Psi", "Omega",
)]
_INDEXED = re.compile(
    r"(?P<base>\\(?:mathcal|mathbf|boldsymbol|bm)\{[A-Za-z]\}|\\[A-Za-z]+|[A-Za-z])"
    r"(?P<sub>_(?:\{[^{}]*\}|[A-Za-z0-9]))?"
    r"(?P<sup>\^\{\([^{}]*\)\})?"
)


@dataclass(frozen=True)
class Parsed:
    status: str             # "parsed", "unsupported", "failed", "misparsed", "ambiguous" (the parsers disagree)
    expr: sympy.Expr | None
    detail: str
    normalised: str = ""
    parser: str = ""        # "both" (two parsers agree), "sympy" or "latex2sympy2" (one only: the author confirms)

    @property
    def confirmed(self) -> bool:
        """Two independent parsers read the same expression (numerically, at random points)."""
        return self.status == "parsed" and self.parser == "both"


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


def _argument(text: str, i: int) -> tuple[str, int]:
    """The TeX argument starting at ``i`` (after spaces): a braced group, a macro, or one character."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text):
        return "", i
    if text[i] == "{":
        depth = 0
        for j in range(i, len(text)):
            depth += text[j] == "{"
            depth -= text[j] == "}"
            if depth == 0:
                return text[i:j + 1], j + 1
        return text[i:], len(text)
    if text[i] == "\\":
        m = re.match(r"\\[A-Za-z]+|\\.", text[i:])
        return m.group(0), i + len(m.group(0))
    return text[i], i + 1


def _braced(arg: str) -> str:
    return arg if arg.startswith("{") else "{" + arg + "}"


def shorthands(text: str) -> str:
    r"""Common TeX shorthands to the braced forms the parsers know:
    ``\sqrt\pi`` -> ``\sqrt{\pi}``, ``\frac1a`` -> ``\frac{1}{a}``, ``\dfrac``/``\tfrac`` -> ``\frac``,
    ``\bigl(`` / ``\Bigr)`` -> ``(`` / ``)``, ``\mathrm{d}`` -> ``d``."""
    text = re.sub(r"\\[dt]frac(?![A-Za-z])", r"\\frac", text)
    text = re.sub(r"\\(?:big|Big|bigg|Bigg)[lrm]?(?=[()\[\].|])", "", text)
    text = re.sub(r"\\(?:big|Big|bigg|Bigg)[lrm]?(?=\\[{}|])", "", text)
    text = text.replace(r"\mathrm{d}", "d")
    out, i = [], 0
    while i < len(text):
        m = re.compile(r"\\(frac|sqrt)(?![A-Za-z])").search(text, i)
        if not m:
            out.append(text[i:])
            break
        out.append(text[i:m.end()])
        j = m.end()
        if m.group(1) == "sqrt":
            k = j
            while k < len(text) and text[k] == " ":
                k += 1
            if k < len(text) and text[k] == "[":  # an n-th root: leave its index alone
                i = j
                continue
            arg, j = _argument(text, j)
            out.append(_braced(shorthands(arg[1:-1]) if arg.startswith("{") else arg))
        else:
            num, j = _argument(text, j)
            den, j = _argument(text, j)
            out.append(_braced(shorthands(num[1:-1]) if num.startswith("{") else num))
            out.append(_braced(shorthands(den[1:-1]) if den.startswith("{") else den))
        i = j
    return "".join(out)


def _parenthesise_arguments(text: str) -> str:
    r"""``\erf\frac{a}{b}`` -> ``\erf(\frac{a}{b})``, ``\erf x`` -> ``\erf(x)``: the parsers read a bare
    argument of a function they do not know as a product."""
    out, i = [], 0
    pattern = re.compile(r"\\(erfc|erf)(?![A-Za-z])")
    while True:
        m = pattern.search(text, i)
        if not m:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:m.end()])
        j = m.end()
        while j < len(text) and text[j] == " ":
            j += 1
        if j >= len(text) or text[j] in "(^":
            i = j
            continue
        arg, k = _argument(text, j)
        if arg == r"\frac":
            num, k = _argument(text, k)
            den, k = _argument(text, k)
            arg = arg + num + den
        elif arg.startswith("{"):
            arg = arg[1:-1]
        out.append("(" + arg + ")")
        i = k


def normalise(latex: str) -> tuple[str, dict[str, str]]:
    """The pre-pass.  Returns the normalised text and placeholder -> symbol name."""
    text = shorthands(latex)
    for src, dst in _FUNCTIONS.items():
        text = text.replace(src, dst)
    for name, macro in _OPERATOR_NAMES.items():
        text = re.sub(rf"\\(?:operatorname|text|mathrm)\{{{name}\}}", lambda _m, macro=macro: macro, text)
    for name in _NAMED:
        text = re.sub(rf"\\(?:operatorname|text|mathrm)\{{{name}\}}", rf"\\{name}" if name in ("exp", "log") else rf"\\{name}", text)
    text = re.sub(r"\\(?:left|right|big|Big|bigg|Bigg)(?=[()\[\].|\\])", "", text)
    text = _parenthesise_arguments(text)
    text = re.sub(r"\\[,;!: ]", " ", text)
    text = text.replace(r"\cdot", "*").replace(r"\times", "*")
    # \pi(1+a) is a product, not a function named pi
    text = re.sub(r"\\pi\s*\(", r"\\pi*(", text)
    mapping: dict[str, str] = {}
    names: dict[str, str] = {}
    free = iter(p for p in _PLACEHOLDERS if p not in text)

    def replace(m: re.Match) -> str:
        base, sub, sup = m.group("base"), m.group("sub"), m.group("sup")
        if not sub and not sup and not re.match(r"\\(?:mathcal|mathbf|boldsymbol|bm)\{", base):
            return m.group(0)
        if base.startswith("\\") and base[1:] in ("frac", "sqrt", "erf", "exp", "log", "arctan", "arcsin", "arccos", "pi", "sin", "cos", "tan"):
            return m.group(0)
        name = base.lstrip("\\")
        if "{" in name:  # \mathcal{Z} -> Z, \mathbf{w} -> w (a bold vector is a symbol of its own)
            name = name[name.index("{") + 1:-1]
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
    """A wall-clock limit by SIGALRM, in the main thread of a process (a worker, or the CLI); else none.

    After the limit the timer keeps firing every 50 ms: a raise inside a gc callback (Hypothesis installs
    one) or under a library's ``except BaseException`` is swallowed, and the next one must still end the parse.
    """
    if threading.current_thread() is not threading.main_thread() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return

    def expire(signum, frame):
        if frame is not None and frame.f_code.co_name == "gc_callback":
            return  # an exception raised in a gc callback is printed and lost: the next tick raises instead
        raise _ParseTimeout()

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    finally:
        while True:  # a timer firing during the clean-up must not leave it armed
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)
                break
            except _ParseTimeout:
                continue


def parse(latex: str, rhs: bool = True) -> Parsed:
    """Parse (the right-hand side of) a display into SymPy with two parsers, or say why not.

    SymPy's parser and latex2sympy2_extended read the normalised text; when both
    succeed their results are compared at random points: agreement is a
    ``confirmed`` parse, disagreement is ``ambiguous`` (never a claim).  A
    result from one parser only is ``parsed`` but unconfirmed: it is shown for
    the author to check.
    """
    first = _parse_sympy(latex, rhs)
    if first.status not in ("parsed", "failed", "misparsed") or not first.normalised:
        return first
    if first.status == "failed" and "longer than" in first.detail:
        return first  # the time limit holds for the whole parse: a second parser would take as long again
    second, why = _parse_second(first.normalised, _mapping_of(first))
    if first.status == "parsed" and second is not None:
        if _same(first.expr, second):
            return replace(first, parser="both")
        return Parsed("ambiguous", None, f"the parsers disagree: SymPy reads {sympy.sstr(first.expr)}, "
                                         f"latex2sympy2 reads {sympy.sstr(second)}", first.normalised)
    if first.status == "parsed":
        return replace(first, parser="sympy", detail=f"read by SymPy's parser only (latex2sympy2: {why}): confirm the form")
    if second is not None:
        bad = sorted(s.name for s in second.free_symbols if s.name in _SUSPICIOUS or re.search(r"[{}\\ ]|^(math|text)", s.name)
                     or len(s.name) > 1 and s.name.isalpha() and s.name not in _GREEK)
        if not bad:
            return Parsed("parsed", second, f"read by latex2sympy2 only (SymPy: {first.detail}): confirm the form",
                          first.normalised, parser="latex2sympy2")
    return first


_MAPPINGS: dict[str, dict[str, str]] = {}


def _mapping_of(parsed: Parsed) -> dict[str, str]:
    return _MAPPINGS.get(parsed.normalised, {})


def _parse_second(text: str, mapping: dict[str, str]) -> tuple[sympy.Expr | None, str]:
    """latex2sympy2_extended on the normalised text (None and the reason when it fails or is absent)."""
    try:
        from latex2sympy2_extended import latex2sympy
        from latex2sympy2_extended.latex2sympy2 import ConversionConfig
        from latex2sympy2_extended.math_normalization import NormalizationConfig
    except ImportError as exc:
        return None, f"not installed ({exc})"
    # it knows neither \\erf nor \\erfc and reads name(a + 1) as a product: stand-ins it reads as functions
    stand_ins = {}
    for name, macro, cls, fn in (("erfc", r"\operatorname{arccosh}", sympy.acosh, sympy.erfc),
                                 ("erf", r"\arcsinh", sympy.asinh, sympy.erf)):
        if re.search(rf"\\{name}(?![A-Za-z])", text):
            if "arcsinh" in text or "arccosh" in text:
                return None, "the text uses the functions that stand in for erf/erfc"
            text = re.sub(rf"\\{name}(?![A-Za-z])", lambda _m, macro=macro: macro, text)
            stand_ins[cls] = fn
    text = re.sub(r"\\log(?![A-Za-z])", r"\\ln", text)  # latex2sympy2 reads \log as base 10
    try:
        with warnings.catch_warnings(), _time_limit(PARSE_SECONDS):
            warnings.simplefilter("ignore")
            expr = latex2sympy(
                text,
                normalization_config=NormalizationConfig(basic_latex=False, units=False, malformed_operators=False,
                                                         nits=False, boxed="none", equations=False),
                conversion_config=ConversionConfig(interpret_as_mixed_fractions=False, interpret_simple_eq_as_assignment=False,
                                                   interpret_contains_as_eq=False, lowercase_symbols=False),
            )
    except _ParseTimeout:
        return None, f"the parse took longer than {PARSE_SECONDS:g} s"
    except Exception as exc:  # noqa: BLE001 - the parser's own errors are many
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
    if not isinstance(expr, sympy.Expr):
        return None, f"parsed to a {type(expr).__name__}"
    subs: dict = {}
    # it reads \gamma as Euler's constant and \pi as pi; the placeholders are symbols
    expr = expr.xreplace({sympy.EulerGamma: sympy.Symbol("gamma")})
    for f in expr.atoms(sympy.core.function.AppliedUndef):
        raw = f.func.__name__.strip()
        name = re.sub(r"^\\(?:text|mathrm|operatorname)\{(.*)\}$", r"\1", raw).lstrip("\\")
        if "\\" + name in mapping:
            subs[f] = sympy.Function(mapping["\\" + name])(*f.args)
        elif name != raw:
            subs[f] = sympy.Function(name)(*f.args)
    for s in expr.free_symbols:
        name = s.name.lstrip("\\")
        if "\\" + name in mapping:
            subs[s] = sympy.Symbol(mapping["\\" + name])
        elif name != s.name:
            subs[s] = sympy.Symbol(name)
    expr = expr.xreplace(subs)
    for cls, fn in stand_ins.items():
        expr = expr.replace(lambda x, cls=cls: isinstance(x, cls), lambda x, fn=fn: fn(*x.args))
    expr = _known_functions(expr)
    e = sympy.Symbol("E")
    if e in expr.free_symbols:  # Euler's number, as SymPy's parser reads e^x
        expr = expr.xreplace({e: sympy.E})
    return expr, ""


def _same(first: sympy.Expr, second: sympy.Expr, points: int = 3) -> bool:
    """Do two parses denote the same function?  Symbols are matched by name, undefined functions are given
    one fixed smooth meaning, and both are evaluated at random points (seeded) to 1e-9."""
    import random

    def plain(expr: sympy.Expr) -> sympy.Expr:
        expr = expr.xreplace({s: sympy.Symbol(s.name) for s in expr.free_symbols})
        return expr.replace(
            lambda x: isinstance(x, sympy.core.function.AppliedUndef),
            lambda x: sympy.sin(sum(x.args) + len(x.func.__name__)) + 2,
        )

    a, b = plain(first), plain(second)
    names = sorted({s.name for s in a.free_symbols | b.free_symbols})
    rng = random.Random(0)
    for _ in range(points):
        values = {sympy.Symbol(n): sympy.Float(rng.uniform(0.2, 0.9), 30) for n in names}
        try:
            x, y = complex(a.xreplace(values).evalf(30)), complex(b.xreplace(values).evalf(30))
        except (TypeError, ValueError, ZeroDivisionError):
            return False
        if not abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1e-300):
            return False
    return True


def _parse_sympy(latex: str, rhs: bool = True) -> Parsed:
    """SymPy's parser on the normalised text."""
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
    _MAPPINGS[text] = mapping
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
