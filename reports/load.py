"""Reading and validating an audit-result file."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path


class ResultFileError(ValueError):
    """The file is not a valid derivcheck result file."""


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(resources.files("reports").joinpath("schema.json").read_text())


def validate(document: dict) -> None:
    """Raise :class:`ResultFileError` naming the first field that breaks the schema.

    Uses ``jsonschema`` when it is installed (the test extra); without it only
    the required top-level and per-result fields are checked.
    """
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - minimal check without the test extra
        for key in schema()["required"]:
            if key not in document:
                raise ResultFileError(f"missing top-level field {key!r}")
        required = schema()["$defs"]["result"]["required"]
        for i, r in enumerate(document["results"]):
            for key in required:
                if key not in r:
                    raise ResultFileError(f"results[{i}] ({r.get('id')}): missing field {key!r}")
        return
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        raise ResultFileError(f"{where}: {e.message}")


def load(path: str | Path) -> dict:
    try:
        document = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ResultFileError(f"cannot read {path}: {exc}") from exc
    validate(document)
    return document
