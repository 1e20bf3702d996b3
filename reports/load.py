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


def validate(document: object) -> None:
    """Raise :class:`ResultFileError` naming the first field that breaks the schema (``reports/schema.json``).

    ``jsonschema`` is a run-time dependency: every file a command reads is checked against the whole
    schema before a renderer touches it, so a malformed file gets a message naming the field, never a
    ``TypeError`` from deep inside a renderer.
    """
    import jsonschema  # imported here: only the commands that read a result file pay for it

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        if e.absolute_path and e.absolute_path[0] == "results" and len(e.absolute_path) > 1:
            try:  # the entry's id helps find it in a file of hundreds
                rid = document["results"][e.absolute_path[1]].get("id")  # type: ignore[index]
                where += f" (entry {rid})" if isinstance(rid, str) else ""
            except (AttributeError, IndexError, KeyError, TypeError):
                pass
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise ResultFileError(f"{where}: {_short(e.message)}{more}")


def _short(message: str, limit: int = 200) -> str:
    """jsonschema quotes the whole offending value; a long one is cut (the field name says where)."""
    return message if len(message) <= limit else message[:limit] + "..."


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
