"""Every source of every registered entry points at something the note really contains."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from derivations.authoring import notes
from derivations.engine import registry

NOTES = Path(__file__).resolve().parents[3] / "shared" / "notes"
pytestmark = pytest.mark.skipif(not NOTES.is_dir(), reason="../shared/notes is not beside the repository")


def _flat(text: str) -> str:
    """Whitespace and math delimiters dropped, so a quote need not copy the note's spacing."""
    return re.sub(r"\s+", "", text.replace("$", ""))


def test_sources_exist_in_the_notes() -> None:
    reg = registry.discover()
    texts = {p.name: _flat(p.read_text()) for p in NOTES.glob("*.txt")}
    labels = {p.name: {e.label for e in notes.numbered(p)} for p in NOTES.glob("*.txt")}
    problems = []
    for c in reg:
        for s in c.sources:
            if s.note not in texts:
                problems.append((c.id, f"unknown note {s.note}"))
            elif s.equation and s.equation not in labels[s.note]:
                problems.append((c.id, f"{s.note} has no equation ({s.equation})"))
            elif s.quote and _flat(s.quote) not in texts[s.note]:
                problems.append((c.id, f"quote not found in {s.note}: {s.quote[:60]}"))
    assert not problems, "\n".join(f"{i}: {m}" for i, m in problems)
