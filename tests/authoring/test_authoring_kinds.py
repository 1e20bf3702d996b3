"""docs/AUTHORING.md, "Claim kinds beyond equality": every example block run as written and audited.

An id ending ``.true`` must come out confirmed (or proved), one ending ``.false`` refuted: the
examples are standard facts and deliberate slips of them, so this checks the engine, not a note.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from derivations.api import declared_in
from tests.conftest import audit

ROOT = Path(__file__).resolve().parents[2]


def _blocks() -> list[str]:
    text = (ROOT / "docs" / "AUTHORING.md").read_text()
    part = text[text.index("<!-- claim-kinds-start -->"): text.index("<!-- claim-kinds-end -->")]
    return re.findall(r"```python\n(.*?)```", part, re.S)


@pytest.mark.parametrize("index", range(6))
def test_authoring_claim_kind_example(index: int) -> None:
    blocks = _blocks()
    assert len(blocks) == 6
    name = f"authoring_kinds_example_{index}"
    namespace = {"__name__": name}
    exec(compile(blocks[index], f"AUTHORING.md example {index}", "exec"), namespace)  # noqa: S102 - our own docs
    claims = declared_in(name)
    assert claims and all(c.id.endswith((".true", ".false")) for c in claims)
    for c in claims:
        r = audit(c)
        expected = ("confirmed", "proved") if c.id.endswith(".true") else ("refuted",)
        assert r["verdict"] in expected, (c.id, r["verdict"], r["diagnosis"], r.get("traceback"))
        if "gaussian_expectation" in blocks[index]:  # a closed form against it: decided in ball arithmetic
            assert (r["evidence"].get("certified") if c.id.endswith(".true") else r["counterexample"]["certified"]), c.id
