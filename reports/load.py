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
    except ImportError:  # minimal check when jsonschema is missing (an installation without it)
        _minimal_check(document)
        return
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        raise ResultFileError(f"{where}: {e.message}")


def _minimal_check(document: object) -> None:
    """The shape the renderers rely on: top-level fields, a list of result objects with their fields."""
    if not isinstance(document, dict):
        raise ResultFileError(f"(top level): expected a JSON object, got {type(document).__name__}")
    for key in schema()["required"]:
        if key not in document:
            raise ResultFileError(f"missing top-level field {key!r}")
    for key in ("settings", "environment"):
        if not isinstance(document[key], dict):
            raise ResultFileError(f"{key}: expected an object")
    if not isinstance(document["results"], list):
        raise ResultFileError(f"results: expected a list, got {type(document['results']).__name__}")
    required = schema()["$defs"]["result"]["required"]
    for i, r in enumerate(document["results"]):
        if not isinstance(r, dict):
            raise ResultFileError(f"results/{i}: expected an object, got {type(r).__name__}")
        for key in required:
            if key not in r:
                raise ResultFileError(f"results/{i} ({r.get('id')}): missing field {key!r}")
        for key in ("id", "kind", "verdict", "latex"):
            if not isinstance(r[key], str):
                raise ResultFileError(f"results/{i}/{key}: expected a string, got {type(r[key]).__name__}")
        if not isinstance(r["sources"], list) or not all(isinstance(x, dict) for x in r["sources"]):
            raise ResultFileError(f"results/{i}/sources: expected a list of objects")
        if r["note_flag"] is not None and not isinstance(r["note_flag"], str):
            raise ResultFileError(f"results/{i}/note_flag: expected a string or null")


def load(path: str | Path) -> dict:
    name = Path(path).name
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ResultFileError(f"cannot read {name}: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ResultFileError(f"{name} is not UTF-8 text (byte {exc.start}); it is not a derivcheck result file") from exc
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ResultFileError(f"{name} is not valid JSON: {exc}") from exc
    try:
        validate(document)
    except ResultFileError as exc:
        raise ResultFileError(f"{name}: {exc}") from exc
    return document
