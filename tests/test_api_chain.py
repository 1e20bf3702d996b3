"""``Chain.step``: the one way to write a line of a displayed derivation, including the lines the note does not
number (read by a quote), another reading of a line already in the chain (``after=None``), and the
equivalence with the lower-level ``claim(chain=..., after=...)`` that older user modules still write."""

from __future__ import annotations

from dataclasses import fields

import sympy as sp
from hypothesis import strategies as st

from derivations.api import Chain, claim, eq, quote

x = sp.Symbol("x", positive=True)
P = {"x": st.floats(0.1, 3)}


def test_a_step_read_by_a_quote_has_its_own_id_and_sources_and_follows_the_line_above() -> None:
    ch = Chain("t.quoted", note="n.txt", params=P, reference=2 * x)
    first = ch.step(1, latex="2x", claimed=2 * x)
    line = ch.step(None, id="t.quoted.unnumbered", sources=[quote("n.txt", "= x + x")], also=[eq("m.txt", "3")],
                   latex="x + x", claimed=x + x)
    assert line.problem is None, line.problem
    assert (line.id, line.chain, line.after) == ("t.quoted.unnumbered", "t.quoted", first.id)
    assert line.sources == (quote("n.txt", "= x + x"), eq("m.txt", "3"))  # no eq(note, None)
    assert line.reference == 2 * x and dict(line.params) == P


def test_an_explicit_after_none_keeps_the_line_in_the_chain_without_a_line_above() -> None:
    ch = Chain("t.reading", note="n.txt", params=P, reference=2 * x)
    ch.step(1, latex="2x", claimed=2 * x)
    part = ch.step(1, id="t.reading.eq1.part", latex="2x", claimed=2 * x, after=None)
    below = ch.step(2, latex="2x", claimed=2 * x)
    assert (part.chain, part.after) == ("t.reading", None)
    assert below.after == "t.reading.eq1.part"  # the default is still the line declared just before


def test_a_step_without_label_id_or_source_is_a_malformed_declaration_not_an_exception() -> None:
    ch = Chain("t.bad", note="n.txt", params=P, reference=2 * x)
    no_id = ch.step(None, sources=[quote("n.txt", "q")], latex="2x", claimed=2 * x)
    no_source = ch.step(None, id="t.bad.nosource", latex="2x", claimed=2 * x)
    assert "field 'id'" in (no_id.problem or "")
    assert "field 'sources' is empty" in (no_source.problem or "")


def test_the_lower_level_claim_chain_form_declares_the_same_line() -> None:
    """``claim(chain=..., after=...)`` (older user modules) and ``Chain.step`` give the same claim."""
    ch = Chain("t.same", note="n.txt", params=P, reference=2 * x, assumptions=("a",))
    ch.step(1, latex="2x", claimed=2 * x)
    stepped = ch.step(None, id="t.same.q", sources=[quote("n.txt", "q")], latex="x + x", claimed=x + x,
                      assumptions=("b",), method="exact")
    written = claim("t.same.q", sources=[quote("n.txt", "q")], latex="x + x", params=P, assumptions=("a", "b"),
                    claimed=x + x, reference=2 * x, method="exact", chain="t.same", after="t.same.eq1")
    differ = [f.name for f in fields(stepped) if f.name != "defined_at"
              and getattr(stepped, f.name) != getattr(written, f.name)]
    assert differ == []
