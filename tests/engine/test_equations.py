"""One verdict per equation: roles, follows-only lines, corrections, null sets (issue 12).

Each test declares a tiny module of claims about a made-up note, audits it with the real
engine and reads the equation records; none of them stores an expected verdict of the notes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from derivations.engine import equations, registry, runner
from derivations.engine.settings import AuditSettings
from reports.load import validate

SETTINGS = AuditSettings.for_mode("quick", workers=1, database=None)


def _run(tmp_path: Path, body: str, notes: dict[str, str] | None = None) -> dict:
    path = tmp_path / "user_claims.py"
    path.write_text(textwrap.dedent(body))
    folder = tmp_path / "notes"
    folder.mkdir(exist_ok=True)
    for name, text in (notes or {}).items():
        (folder / name).write_text(textwrap.dedent(text))
    reg = registry.discover([path], builtin=False, plugins=False)
    document = runner.run(reg, reg.claims, SETTINGS, notes_dir=folder)
    validate(document)  # the equations list is part of the contract
    return document


def _equation(document: dict, label: str) -> dict:
    (record,) = [e for e in document["equations"] if e["equation"] == label]
    return record


def _result(document: dict, claim_id: str) -> dict:
    (record,) = [r for r in document["results"] if r["id"] == claim_id]
    return record


NOTE = """\
    A made-up note.

    $$\\dot y = 2x \\quad (1)$$

    $$y = 2x \\quad (2)$$

    Unnumbered text. $$z = 1$$
"""

# --------------------------------------------------------------------------- follows-only lines
CHAIN = """
    from hypothesis import strategies as st
    from derivations.api import LINE_ABOVE, Chain

    first = lambda p: {first} * p.x      # line (1); the truth is x
    chain = Chain("user.chain", note="note.txt", params={{"x": st.floats(0.5, 3.0)}}, reference=lambda p: p.x)
    chain.step("1", latex="y = {first} x", claimed=first)
    chain.step("2", latex="= {first} x", claimed=lambda p: {first} * p.x, reference=LINE_ABOVE)
"""


def test_a_line_that_solves_a_wrong_line_above_is_inherited(tmp_path: Path) -> None:
    document = _run(tmp_path, CHAIN.format(first=2), {"note.txt": NOTE})
    second = _result(document, "user.chain.eq2")
    assert second["follows_only"] and second["follows"] is True
    assert second["verdict"] == "refuted" and second["inherits_from"] == "user.chain.eq1"
    assert _equation(document, "1")["verdict"] == "false"
    record = _equation(document, "2")
    assert record["verdict"] == "inherited" and record["root"] == "user.chain.eq1"
    assert runner.exit_status(document) == 1


def test_a_line_that_follows_from_a_true_line_is_true(tmp_path: Path) -> None:
    document = _run(tmp_path, CHAIN.format(first=1), {"note.txt": NOTE})
    assert _result(document, "user.chain.eq2")["verdict"] == "confirmed"
    assert [e["verdict"] for e in document["equations"] if e["entries"]] == ["true", "true"]
    assert runner.exit_status(document) == 0


def test_a_reference_that_is_a_line_of_the_note_is_refused(tmp_path: Path) -> None:
    body = """
        from hypothesis import strategies as st
        from derivations.api import claim, eq

        line_one = lambda p: 2 * p.x
        claim("user.one", sources=eq("note.txt", "1"), latex="y = 2x", params={"x": st.floats(0.5, 3.0)},
              claimed=line_one, reference=lambda p: p.x)
        claim("user.two", sources=eq("note.txt", "2"), latex="y = 2x", params={"x": st.floats(0.5, 3.0)},
              claimed=lambda p: 2 * p.x, reference=line_one)
    """
    document = _run(tmp_path, body, {"note.txt": NOTE})
    two = _result(document, "user.two")
    assert two["verdict"] == "error" and "claimed side of 'user.one'" in two["diagnosis"]


# --------------------------------------------------------------------------- corrections
CORRECTED = """
    from hypothesis import strategies as st
    from derivations.api import Correction, claim, eq

    wrong = lambda p: 2 * p.x           # line (1), refuted: the truth is x
    claim("user.one", sources=eq("note.txt", "1"), latex="y = 2x", params={{"x": st.floats(0.5, 3.0)}},
          claimed=wrong, reference=lambda p: p.x)
    claim("user.two", sources=eq("note.txt", "2"), latex="y = 3x", params={{"x": st.floats(0.5, 3.0)}},
          claimed=lambda p: 3 * p.x, reference={reference}, after="user.one",
          corrected=Correction(latex="y = 2x", claimed=lambda p: 2 * p.x))
"""


@pytest.mark.parametrize("reference", ["wrong", "lambda p: p.x"])
def test_a_correction_that_matches_only_a_refuted_line_is_not_confirmed(tmp_path: Path, reference: str) -> None:
    """The corrected form 2x equals the refuted line (1), not the truth x: never a confirmed correction,
    whether the line was (wrongly) checked against line (1) or against the truth."""
    document = _run(tmp_path, CORRECTED.format(reference=reference), {"note.txt": NOTE})
    two = _result(document, "user.two")
    assert (two.get("corrected") or {}).get("verdict") not in ("proved", "confirmed")
    assert _equation(document, "2")["verdict"] in ("false", "undecided")


def test_a_correction_is_replayed_at_the_points_of_the_original_check(tmp_path: Path) -> None:
    """A correction right only where the error vanishes (x < 1) is refuted at the original's points."""
    body = """
        from hypothesis import strategies as st
        from derivations.api import Correction, claim, eq

        claim("user.one", sources=eq("note.txt", "1"), latex="y = 2x", params={"x": st.floats(0.0, 3.0)},
              claimed=lambda p: 2 * p.x, reference=lambda p: p.x,
              corrected=Correction(latex="y = x", claimed=lambda p: p.x if p.x < 1 else 1.5 * p.x))
    """
    document = _run(tmp_path, body, {"note.txt": NOTE})
    corrected = _result(document, "user.one")["corrected"]
    assert corrected["verdict"] == "refuted"
    assert corrected["evidence"]["replayed_points"] >= 1


# --------------------------------------------------------------------------- readings with roles
def _entry(claim_id: str, role: str, verdict: str, inherits_from: str | None = None) -> dict:
    return {"id": claim_id, "kind": "claim", "role": role, "verdict": verdict, "inherits_from": inherits_from,
            "sources": [{"note": "note.txt", "equation": "1", "quote": None}], "assumptions": [f"reading: {claim_id}"]}


LINE = equations.Line("note.txt", "1", None, 1)


@pytest.mark.parametrize(
    ("entries", "verdict"),
    [
        ([_entry("a", "stated", "confirmed"), _entry("b", "contrary", "refuted")], "true"),
        ([_entry("a", "stated", "refuted"), _entry("b", "contrary", "confirmed")], "false"),
        ([_entry("a", "stated", "refuted", inherits_from="r")], "inherited"),
        ([_entry("a", "unstated", "confirmed"), _entry("b", "unstated", "refuted")], "ambiguous"),
        # no stated reading: an unstated reading is not the note's statement, so it decides nothing
        ([_entry("a", "unstated", "confirmed"), _entry("b", "contrary", "refuted")], "undecided"),
        ([_entry("a", "unstated", "refuted")], "undecided"),
        ([_entry("a", "stated", "confirmed"), _entry("b", "stated", "inconclusive")], "undecided"),
        ([_entry("a", "stated", "proved"), _entry("b", "domain", "refuted")], "true"),
    ],
)
def test_readings_decide_by_their_roles(entries: list[dict], verdict: str) -> None:
    record = equations.judge(LINE, entries)
    assert record["verdict"] == verdict
    if verdict == "true" and any(e["role"] == "contrary" for e in entries):
        assert "false under the contrary reading" in record["summary"]
    if verdict == "undecided" and all(e["role"] == "unstated" for e in entries):
        assert "false under the unstated reading" in record["summary"]
    if verdict == "ambiguous":
        assert {(r["id"], r["verdict"]) for r in record["readings"]} == {("a", "confirmed"), ("b", "refuted")}


def test_a_stated_and_a_contrary_reading_audited(tmp_path: Path) -> None:
    body = """
        from hypothesis import strategies as st
        from derivations.api import claim, eq

        claim("user.stated", sources=eq("note.txt", "1"), latex="y = 2x", params={"x": st.floats(0.5, 3.0)},
              claimed=lambda p: 2 * p.x, reference=lambda p: p.x + p.x)
        claim("user.contrary", role="contrary", sources=eq("note.txt", "1"), latex="y = 2x",
              params={"x": st.floats(0.5, 3.0)}, claimed=lambda p: 2 * p.x, reference=lambda p: p.x)
    """
    document = _run(tmp_path, body, {"note.txt": NOTE})
    record = _equation(document, "1")
    assert record["verdict"] == "true"
    assert {(e["id"], e["role"], e["verdict"]) for e in record["entries"]} == {
        ("user.stated", "stated", "confirmed"), ("user.contrary", "contrary", "refuted")}
    assert _equation(document, "2")["verdict"] == "undecided" and not _equation(document, "2")["entries"]
    assert runner.exit_status(document) == 0  # an unaudited line is not a failure; a contrary reading neither


def test_a_role_must_be_known(tmp_path: Path) -> None:
    body = """
        from derivations.api import definition, eq
        definition("user.def", sources=eq("note.txt", "1"), latex="y", role="maybe")
    """
    document = _run(tmp_path, body, {"note.txt": NOTE})
    assert _result(document, "user.def")["verdict"] == "error"


# --------------------------------------------------------------------------- null sets
NULL_SET = """
    import numpy as np
    from hypothesis import strategies as st
    from derivations.api import Tolerances, almost_surely, claim, quote

    SOURCE = quote("note.txt", "Unnumbered text.")
    g1 = lambda x: (x >= 0).astype(float)
    g2 = lambda x: (-x >= {cut}).astype(float)   # both gates are on at x = 0 when cut = 0
    claim("user.as", sources=SOURCE, latex="g_1 = 1 - g_2", params={{"s": st.floats(0.5, 2.0)}},
          claimed=lambda p: 0.0, tolerances=Tolerances(scale=1.0),
          reference=almost_surely(1, lambda p, eps: g1(p.s * eps[:, 0]) - (1 - g2(p.s * eps[:, 0]))))
    claim("user.as.boundary", role="domain", sources=SOURCE, latex="g_1(0) = 1 - g_2(0)",
          params={{"s": st.just(0.0)}}, claimed=lambda p: float(g1(np.array(0.0))),
          reference=lambda p: float(1 - g2(np.array(0.0))))
"""


def test_a_failure_on_a_null_set_is_a_remark_not_a_refutation(tmp_path: Path) -> None:
    document = _run(tmp_path, NULL_SET.format(cut=0), {"note.txt": NOTE})
    assert _result(document, "user.as")["verdict"] == "confirmed"
    assert _result(document, "user.as.boundary")["verdict"] == "refuted"
    (record,) = [e for e in document["equations"] if e["quote"] == "Unnumbered text."]
    assert record["verdict"] == "true" and "boundary case" in record["summary"]


def test_a_failure_with_positive_probability_is_a_refutation(tmp_path: Path) -> None:
    document = _run(tmp_path, NULL_SET.format(cut=0.5), {"note.txt": NOTE})  # g_2 on only for x <= -1/2
    assert _result(document, "user.as")["verdict"] == "refuted"
    (record,) = [e for e in document["equations"] if e["quote"] == "Unnumbered text."]
    assert record["verdict"] == "false"


def test_equations_are_in_note_order_with_quotes_placed(tmp_path: Path) -> None:
    document = _run(tmp_path, NULL_SET.format(cut=0), {"note.txt": NOTE})
    assert [(e["equation"], e["quote"]) for e in document["equations"]] == [
        ("1", None), ("2", None), (None, "Unnumbered text.")]


def test_a_root_refuted_only_under_an_unstated_reading_decides_nothing_below_it() -> None:
    """(7) of note 004 is an argmax statement checked only through the stronger reading "the objectives are
    equal": its refutation must not make the follows-only lines after it false by inheritance."""
    def records(role: str) -> list[dict]:
        return [
            {"id": "c.eq1", "verdict": "refuted", "role": role, "follows_only": False, "after": None},
            {"id": "c.eq2", "verdict": "inconclusive", "role": "stated", "follows_only": True, "after": "c.eq1",
             "follows": True},
        ]

    stated = records("stated")
    runner.resolve_follows_only(stated)
    assert stated[1]["verdict"] == "refuted" and stated[1]["inherits_from"] == "c.eq1"
    unstated = records("unstated")
    runner.resolve_follows_only(unstated)
    assert unstated[1]["verdict"] == "inconclusive" and unstated[1]["inherits_from"] is None
    assert "does not state" in unstated[1]["diagnosis"]
