"""The layers of the tree, read from the code's own imports.

* ``numerics`` and ``reports`` import nothing from ``derivations`` (``reports`` not ``numerics`` either);
* ``derivations.engine`` and ``derivations.authoring`` never import ``derivations.topics``
  (the engine finds the claims by discovery only);
* the project's modules import each other without a cycle;
* importing the public face, or the pytest plugin, changes nothing in the process's environment.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("derivations", "numerics", "reports")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[str]:
    """Absolute names of the project modules that ``path`` imports (at any depth of the file)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.append(module)
            out += [f"{module}.{a.name}" for a in node.names]  # "from pkg import module"
    return [m for m in out if m.split(".")[0] in PACKAGES]


def _graph() -> dict[str, set[str]]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    modules = {_module_name(p): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def _offending(graph: dict[str, set[str]], source: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{m} imports {t}" for m, targets in graph.items() if m == source or m.startswith(source + ".")
        for t in targets if any(t == f or t.startswith(f + ".") for f in forbidden)
    )


@pytest.mark.parametrize(("source", "forbidden"), [
    ("numerics", ("derivations", "reports")),
    ("reports", ("derivations", "numerics")),
    ("derivations.engine", ("derivations.topics",)),
    ("derivations.authoring", ("derivations.topics",)),
])
def test_a_layer_imports_nothing_above_it(source: str, forbidden: tuple[str, ...]) -> None:
    assert _offending(_graph(), source, forbidden) == []


def test_the_layer_check_sees_a_forbidden_import() -> None:
    graph = {"numerics.x": {"derivations.api"}, "derivations.engine.y": {"derivations.topics.relu.model"}}
    assert _offending(graph, "numerics", ("derivations",)) == ["numerics.x imports derivations.api"]
    assert _offending(graph, "derivations.engine", ("derivations.topics",)) != []


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among package-level modules (a package importing its own submodules is not one)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph.get(m, ())):
            if m.startswith(t + ".") or t.startswith(m + "."):
                continue  # parent/child package edges: the package __init__ re-exports its children
            if state.get(t) == 1:
                return stack[stack.index(t):] + [t]
            if t not in state and (found := visit(t)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_cycle() -> None:
    assert _cycle(_graph()) is None


def test_the_cycle_check_sees_a_cycle() -> None:
    assert _cycle({"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}}) == ["a.x", "a.y", "a.z", "a.x"]


@pytest.mark.parametrize("module", ["derivations", "derivations.api", "derivations.pytest_plugin", "numerics"])
def test_importing_a_library_module_changes_no_environment_variable(module: str) -> None:
    """The pytest plugin is loaded in every pytest session of an environment where derivcheck is installed:
    importing it must not make that session's BLAS single-threaded (or change anything else)."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    code = f"import os; before = dict(os.environ); import {module}; assert dict(os.environ) == before, set(os.environ) ^ set(before)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_command_runs_single_threaded_blas() -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    code = "import os, derivations.cli; print(os.environ['OPENBLAS_NUM_THREADS'])"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "1", done.stderr


def test_rendering_a_result_file_loads_no_engine() -> None:
    """``derivcheck report`` re-renders without re-running: the renderers load neither layer below."""
    code = (
        "import sys, reports.latex, reports.figures, reports.texbuild, reports.texsafe, reports.model, "
        "reports.markdown, reports.terminal, reports.load, reports.summary; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('derivations', 'numerics')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
