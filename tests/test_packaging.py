"""What the wheel installs: one top-level name, ``derivcheck``, with the design card's folders inside it.

The wheel is built from a copy of the sources (no ``build/`` left in the tree, no stale build folder
read) without build isolation (offline, about a second) and unpacked into a folder that stands for
site-packages; programs run in a fresh interpreter, from a folder outside the source tree, with that
folder on ``PYTHONPATH`` ahead of this environment (whose editable install also maps ``derivcheck``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("derivations", "numerics", "reports")


def _bdist_wheel_in_this_environment() -> bool:
    try:
        import setuptools.command.bdist_wheel  # noqa: F401 - setuptools >= 70.1 builds wheels by itself
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
    for name in ("derivcheck", *PACKAGES, "pyproject.toml", "setup.py", "README.md"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=skip)
        elif (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    # Without build isolation when this environment's setuptools builds wheels (offline, fast); else pip
    # builds in an isolated environment with the setuptools pyproject.toml asks for.
    isolation = ["--no-build-isolation"] if _bdist_wheel_in_this_environment() else []
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation, str(src), "-w", str(tmp / "dist")],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (found,) = (tmp / "dist").glob("derivcheck-*.whl")
    return found


@pytest.fixture(scope="module")
def site(wheel: Path) -> Path:
    """The wheel unpacked, as pip would into site-packages."""
    folder = wheel.parent / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(folder)
    return folder


def _python(code: str, cwd: Path, *path: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in path)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _unrelated(folder: Path, name: str) -> Path:
    """A package of someone else's called ``name``, in its own folder."""
    (folder / name).mkdir(parents=True)
    (folder / name / "__init__.py").write_text("WHO = 'not derivcheck'\n")
    return folder


def test_the_wheel_installs_one_top_level_name(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        entry_points = z.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"derivcheck"}, sorted(tops)
    # every file of the three folders (code and data) is there, inside derivcheck/
    for folder in PACKAGES:
        wanted = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
        missing = {w for w in wanted if f"derivcheck/{w}" not in names}
        assert not missing, sorted(missing)
    assert "derivcheck/reports/schema.json" in names
    # one version string: pyproject.toml's, the wheel's metadata, and what derivcheck --version reads
    import tomllib

    with zipfile.ZipFile(wheel) as z:
        metadata = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert f"\nVersion: {version}\n" in metadata
    assert "derivcheck = derivcheck:main" in entry_points
    assert "derivcheck = derivcheck.pytest_plugin" in entry_points


@pytest.mark.parametrize("name", ["reports", "numerics", "derivations"])
def test_an_unrelated_package_of_the_same_name_is_not_shadowed(site: Path, tmp_path: Path, name: str) -> None:
    """derivcheck's folder comes first on the path: a program that does not use derivcheck still finds the other
    package, also in a pytest session (pytest imports derivcheck's plugin in every session)."""
    other = _unrelated(tmp_path / "other", name)
    for program in (f"import {name}", f"import derivcheck.pytest_plugin; import {name}"):
        done = _python(f"{program}; assert {name}.WHO == 'not derivcheck', {name}.__file__", tmp_path, site, other)
        assert done.returncode == 0, f"{program}: {done.stderr}"


def test_importing_derivcheck_or_probing_it_is_not_a_use(site: Path, tmp_path: Path) -> None:
    """``import derivcheck`` and a probe for a name it lacks (dask's preload looks for ``dask_teardown``)
    import none of the three packages and leave derivcheck's finder last."""
    done = _python("""
        import sys, derivcheck
        assert not hasattr(derivcheck, 'dask_teardown') and not hasattr(derivcheck, 'no_such_name')
        assert sys.meta_path[0] is not derivcheck._TOP_LEVEL and derivcheck._TOP_LEVEL in sys.meta_path
        loaded = [m for m in sys.modules if m.split('.')[0] in derivcheck.PACKAGES]
        assert not loaded, loaded
        derivcheck.eq  # a public name is a use
        assert sys.meta_path[0] is derivcheck._TOP_LEVEL
    """, tmp_path, site)
    assert done.returncode == 0, done.stderr


def test_the_pytest_plugin_loads_none_of_derivchecks_packages_without_the_option(site: Path, tmp_path: Path) -> None:
    """pytest imports the ``pytest11`` entry point of every installed package in every session."""
    entry_points = next(site.glob("derivcheck-*.dist-info")).joinpath("entry_points.txt").read_text()
    plugin = entry_points.split("[pytest11]")[1].split("=")[1].split()[0]
    done = _python(f"""
        import sys
        import {plugin}
        loaded = [m for m in sys.modules if m.split('.')[0] in ('derivations', 'numerics', 'reports', 'sympy')]
        assert not loaded, sorted({{m.split('.')[0] for m in loaded}})
    """, tmp_path, site)
    assert done.returncode == 0, done.stderr


def test_a_claim_module_importing_derivations_api_runs_from_the_wheel(site: Path, tmp_path: Path) -> None:
    (tmp_path / "my.py").write_text(textwrap.dedent("""
        import sympy as sp
        from hypothesis import strategies as st
        from derivations.api import claim, eq, quote

        x = sp.Symbol("x", positive=True)
        claim("mine.square", sources=quote("note.txt", "(x+1)^2 = x^2 + 2x + 1"), latex="(x+1)^2 = x^2+2x+1",
              params={"x": st.floats(0.1, 3.0)}, claimed=(x + 1) ** 2, reference=x**2 + 2 * x + 1)
        claim("mine.wrong", sources=quote("note.txt", "(x+1)^2 = x^2 + 1"), latex="(x+1)^2 = x^2+1",
              params={"x": st.floats(0.1, 3.0)}, claimed=(x + 1) ** 2, reference=x**2 + 1)
    """))
    done = _python("""
        import sys, derivcheck
        code = derivcheck.main(["audit", "--module", "my.py", "--no-database", "--workers", "1", "--json", "r.json"])
        import derivations, reports
        print(derivations.__file__, reports.__file__)
        sys.exit(code)
    """, tmp_path, site)
    assert done.returncode == 1, done.stdout + done.stderr  # one wrong line: exit status 1
    here = done.stdout.strip().splitlines()[-1].split()
    assert all(Path(f).is_relative_to(site / "derivcheck") for f in here), here  # the wheel's code, not the tree's
    verdicts = {r["id"]: r["verdict"] for r in json.loads((tmp_path / "r.json").read_text())["results"]}
    assert verdicts == {"mine.square": "proved", "mine.wrong": "refuted"}


def test_one_module_object_under_both_names(site: Path, tmp_path: Path) -> None:
    done = _python("""
        import sys
        import derivcheck
        import derivations.engine.registry as b  # a notebook: import derivcheck, then the packages by name
        import derivcheck.derivations.engine.registry as a
        import derivcheck.numerics.estimate, numerics.estimate, derivcheck.reports, reports
        assert a is b and derivcheck.numerics.estimate is numerics.estimate and derivcheck.reports is reports
        assert b.__spec__.name == b.__name__ == 'derivations.engine.registry', (b.__spec__.name, b.__name__)
        # every module was executed once, under its own name: an alias is one more key, never a copy
        assert all(m.__name__ == k.removeprefix('derivcheck.') for k, m in list(sys.modules.items())
                   if k.startswith('derivcheck.') and k.split('.')[1] in derivcheck.PACKAGES)
        from derivcheck import claim, check
        import derivations
        from derivations.engine.version import tool_version
        assert claim is derivations.claim
        assert derivcheck.__version__ == tool_version() != "0+unknown"
        print(derivations.__file__)
    """, tmp_path, site)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(site / "derivcheck")


def test_once_derivcheck_is_used_the_three_names_are_its_own(site: Path, tmp_path: Path) -> None:
    """Another ``numerics`` on the path, not imported yet: derivcheck's modules still get derivcheck's."""
    other = _unrelated(tmp_path / "other", "numerics")
    done = _python("""
        import derivcheck
        from derivations.api import claim
        import numerics
        print(numerics.__file__)
    """, tmp_path, site, other)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(site / "derivcheck")


def test_an_already_imported_package_of_the_same_name_is_an_error_not_a_mix(site: Path, tmp_path: Path) -> None:
    other = _unrelated(tmp_path / "other", "numerics")
    done = _python("""
        import numerics, derivcheck
        try:
            derivcheck.activate()
        except ImportError as exc:
            print(exc)
        else:
            raise SystemExit('activate() took a foreign numerics')
    """, tmp_path, site, other)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "'numerics' from " in done.stdout and str(other) in done.stdout
