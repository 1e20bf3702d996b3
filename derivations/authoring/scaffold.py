"""``derivcheck new``: scaffold a claims module from a note's equations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
import sympy

from . import latex_parse as latex_mod
from . import notes


@dataclass(frozen=True)
class ScaffoldEntry:
    id: str
    label: str
    latex: str
    expr: str | None
    symbols: tuple[str, ...]
    status_line: str


def _identifier(name: str) -> str | None:
    clean = re.sub(r"[^0-9A-Za-z_]", "_", name)
    return clean if clean.isidentifier() else None


def _rawstr(text: str) -> str:
    if '"""' not in text and not text.endswith("\\"):
        return 'r"""' + text + '"""'
    return repr(text)


def entries(module_name: str, note: Path, labels: Sequence[str]) -> list[ScaffoldEntry]:
    eqs = {e.label: e for e in notes.numbered(note)}
    out = []
    for label in labels or list(eqs):
        if label not in eqs:
            raise KeyError(f"{note.name} has no equation ({label}); it has {', '.join(eqs)}")
        e = eqs[label]
        parsed = latex_mod.parse(e.latex)
        expr, symbols, status = None, (), f"LaTeX not parsed ({parsed.status}: {parsed.detail})"
        if parsed.status == "parsed" and parsed.expr.atoms(sympy.core.function.AppliedUndef):
            undefined = sorted({f.func.__name__ for f in parsed.expr.atoms(sympy.core.function.AppliedUndef)})
            status = f"LaTeX parsed with undefined functions {undefined}: write claimed by hand"
        elif parsed.status == "parsed":
            names = sorted(s.name for s in parsed.expr.free_symbols)
            renamed = {sympy.Symbol(n): sympy.Symbol(_identifier(n)) for n in names if _identifier(n)}
            if len(renamed) == len(names):
                expr = sympy.sstr(parsed.expr.xreplace(renamed))
                symbols = tuple(sorted(s.name for s in renamed.values()))
                status = (
                    "claimed side drafted from the LaTeX (two parsers agree): check it"
                    if parsed.confirmed else
                    f"claimed side drafted from the LaTeX by one parser only ({parsed.parser}): CONFIRM it against the note"
                )
        out.append(ScaffoldEntry(f"{module_name}.eq{label}", label, e.latex, expr, symbols, status))
    return out


def render(module_name: str, note: Path | None, labels: Sequence[str]) -> str:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("derivations.authoring", "templates"), keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pyrepr"] = repr
    env.filters["rawstr"] = _rawstr
    items = entries(module_name, note, labels) if note else []
    symbols = sorted({s for e in items for s in e.symbols})
    return env.get_template("claims_module.py.j2").render(
        title=f"Claims module {module_name!r}" + (f" for {note.name}" if note else ""),
        note=str(note) if note else None, note_name=note.name if note else "", equations=items, symbols=symbols,
    )


def write(path: Path, text: str, force: bool = False) -> None:
    """Write the scaffold; never overwrite an existing file unless ``force``."""
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; not overwriting it (use --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
