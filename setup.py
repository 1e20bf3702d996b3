"""Where the wheel puts the code: the design card's folders (``derivations/``, ``numerics/``, ``reports/``)
are installed inside the one package ``derivcheck`` (``derivcheck/derivations/`` ...), so that site-packages
gets one top-level name; ``derivcheck/__init__.py`` makes them importable under their own names when
derivcheck is used.  Everything else about the project is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

FOLDERS = ("derivations", "numerics", "reports")  # as derivcheck.PACKAGES
DATA = {"reports": ["*.json", "templates/*"], "derivations.authoring": ["templates/*"]}


class BuildPy(build_py):
    """Also removes what a build of the old layout left in ``build/lib`` (top-level ``derivations/`` ...):
    setuptools packs the whole of ``build/lib`` into the wheel, stale folders included."""

    def run(self) -> None:
        for stale in FOLDERS:
            shutil.rmtree(Path(self.build_lib) / stale, ignore_errors=True)
        super().run()


setup(
    packages=["derivcheck"] + [f"derivcheck.{p}" for p in find_packages(include=[f"{f}*" for f in FOLDERS])],
    package_dir={"derivcheck": "derivcheck", **{f"derivcheck.{f}": f for f in FOLDERS}},
    package_data={f"derivcheck.{p}": patterns for p, patterns in DATA.items()},
    cmdclass={"build_py": BuildPy},
)
