"""derivcheck: every equation of a research note, checked with evidence.

The code is three packages, the folders of the design card: ``derivations`` (what is claimed),
``numerics`` (how a claim is checked) and ``reports`` (a result file rendered for people).  Their
modules import each other by those names (``from numerics.estimate import Estimate``) and claim
modules are written against them (``from derivations.api import claim, eq``).  Installed, they live
inside this package (``derivcheck/derivations/`` ...): ``derivcheck`` is the only name the wheel puts
in site-packages, so an unrelated package called ``reports`` or ``numerics`` stays what
``import reports`` finds in a program that does not use derivcheck.

How the three names resolve:

* ``import derivcheck`` makes them importable as a last resort: a package of the same name anywhere on
  ``sys.path`` still comes first (pytest imports derivcheck's plugin in every session, and a user's
  own ``reports`` must stay theirs), and ``import derivations`` works where nothing else has the name;
* once derivcheck is used -- the command line, ``python -m derivcheck``, ``pytest --derivcheck``, a
  public name of this package (``derivcheck.check``, ``from derivcheck import claim, eq``), or one of
  the three packages imported through it -- :func:`activate` puts derivcheck's finder first, and the
  three names are derivcheck's in that process (its own modules import them).  A different package of
  one of these names that is already imported is then an ``ImportError`` naming it, never a mix.

Each module is imported once, under its own name: ``derivcheck.derivations.api`` *is* the module object
``derivations.api``, so classes, registries and caches are never duplicated, and names, pickles and
result files are those of the source tree.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from pathlib import Path

__all__ = ["activate", "main", "check", "CheckResult", "PACKAGES", "__version__"]

PACKAGES = ("derivations", "numerics", "reports")

_HERE = Path(__file__).resolve().parent
# The folder that holds the three packages: this package's own folder once installed from the wheel
# (derivcheck/derivations/...), the project root in a source tree (derivations/ beside derivcheck/).
HOME = _HERE if (_HERE / "derivations" / "__init__.py").is_file() else _HERE.parent


class _TopLevel(importlib.abc.MetaPathFinder):
    """Finds ``derivations``, ``numerics`` and ``reports`` in :data:`HOME` and nowhere else.

    Only the three top-level names: their submodules are found through the package's ``__path__`` by
    Python's own path finder, as for any package, so every module has its usual name, file and spec.
    Last on ``sys.meta_path`` after ``import derivcheck`` (consulted only when nothing else has the name);
    serving a name is a use of derivcheck, which puts the finder first (:func:`activate`).
    """

    def find_spec(self, name, path=None, target=None):  # noqa: ANN001 - importlib protocol
        if name not in PACKAGES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, [str(HOME)])
        if spec is not None:
            activate()
        return spec


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``derivcheck.derivations[.x]`` (and ``.numerics``, ``.reports``) is the module ``derivations[.x]`` itself.

    Importing the alias activates the names (it is a use of derivcheck) and imports the module under its
    own name; the alias name is then one more key of ``sys.modules`` for the same object.
    """

    def find_spec(self, name, path=None, target=None):  # noqa: ANN001 - importlib protocol
        head, dot, rest = name.partition(".")
        if head == __name__ and dot and rest.partition(".")[0] in PACKAGES:
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):  # noqa: ANN001
        activate()
        module = importlib.import_module(spec.name.partition(".")[2])
        spec.loader_state = module.__spec__  # the import system is about to set the alias's spec on it
        return module

    def exec_module(self, module) -> None:  # noqa: ANN001 - already executed under its own name
        module.__spec__ = module.__spec__.loader_state  # it keeps its own spec (name, origin, loader)


_TOP_LEVEL = _TopLevel()


def _foreign(name: str) -> str | None:
    """Where an already imported module ``name`` comes from, when that is not derivcheck's package."""
    module = sys.modules.get(name)
    if module is None:
        return None
    where = [Path(p).resolve() for p in getattr(module, "__path__", None) or ()]
    if (HOME / name).resolve() in where:
        return None
    return getattr(module, "__file__", None) or repr(module)


def activate() -> None:
    """Make ``derivations``, ``numerics`` and ``reports`` importable under their own names (idempotent).

    derivcheck's finder goes first, so a folder or package of the same name elsewhere on ``sys.path``
    cannot stand in for derivcheck's own modules.  Called by every use of derivcheck; a program calls
    it itself only to import the three packages by name ahead of another package of the same name.
    A different package of one of these names that is already imported cannot be replaced: that is an
    ``ImportError`` naming it, never a mix of the two.
    """
    clash = {name: where for name in PACKAGES if (where := _foreign(name))}
    if clash:
        listed = "; ".join(f"{n!r} from {w}" for n, w in clash.items())
        raise ImportError(
            f"derivcheck needs the module names {', '.join(PACKAGES)}, but this process already imported "
            f"another package under one of them ({listed}); use derivcheck in a process that does not import that package"
        )
    if sys.meta_path[:1] != [_TOP_LEVEL]:
        if _TOP_LEVEL in sys.meta_path:
            sys.meta_path.remove(_TOP_LEVEL)
        sys.meta_path.insert(0, _TOP_LEVEL)


def main(argv: list[str] | None = None) -> int:
    """The ``derivcheck`` command."""
    activate()
    from derivations.cli import main as cli_main

    return cli_main(argv)


def dask_setup(worker) -> None:  # noqa: ANN001, ARG001 - dask's preload hook: dask worker --preload derivcheck
    """A dask scheduler or worker started with ``--preload derivcheck`` can read and run derivcheck's tasks."""


def _imported() -> None:
    """Nothing: sent by reference to a dask scheduler and its workers, it makes them import derivcheck, after
    which the tasks' modules (``derivations.engine.distributed`` ...) are importable there."""


def __getattr__(name: str):
    """``derivcheck.check``, the authoring vocabulary (``claim``, ``eq``, ...), ``derivcheck.derivations``,
    ``.numerics``, ``.reports`` and ``__version__``, imported on first use."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(__name__)  # the one version string: pyproject.toml's, as installed
        except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
            return "0+unknown"
    if name in PACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _public():
        activate()
        return getattr(importlib.import_module("derivations"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _public() -> frozenset[str]:
    """The names ``derivations`` exports (its ``__all__``), read from its source: a probe for another name
    (``hasattr(derivcheck, "dask_teardown")``) is an ``AttributeError`` and imports and activates nothing."""
    tree = ast.parse((HOME / "derivations" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return frozenset(ast.literal_eval(node.value))
    return frozenset()


if not any(isinstance(f, _Alias) for f in sys.meta_path):
    # Only names that start with "derivcheck.": nothing else in the process is affected.  First, so that no
    # other finder (an editable install's, which maps derivcheck.derivations to the source folder) loads a copy.
    sys.meta_path.insert(0, _Alias())
if _TOP_LEVEL not in sys.meta_path:
    sys.meta_path.append(_TOP_LEVEL)  # a last resort until derivcheck is used
