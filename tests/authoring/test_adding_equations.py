"""Coverage of notes, LaTeX ingestion and the transcription check, scaffolding, plugins, pytest items."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import strategies as st

from derivations import cli
from derivations.authoring import coverage, notes
from derivations.authoring import latex_parse as latex
from derivations.engine import registry, transcription
from derivations.api import claim, eq
from derivations.authoring.scaffold import render, write

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT.parent / "shared" / "notes"
needs_notes = pytest.mark.skipif(not NOTES.is_dir(), reason="../shared/notes is not beside the repository")


# ------------------------------------------------------------------ reading notes
@needs_notes
def test_every_numbered_equation_of_the_notes_is_found() -> None:
    counts = {p.name[:3]: len(notes.numbered(p)) for p in sorted(NOTES.glob("*.txt"))}
    assert counts == {"000": 77, "001": 74, "002": 13, "003": 22, "004": 34}
    labels = [e.label for e in notes.numbered(NOTES / "001_d82c553c3bda8740.txt")]
    assert labels == [str(k) for k in range(1, 75)]
    e42 = notes.find(NOTES / "001_d82c553c3bda8740.txt", "42")  # tag after \end{aligned}
    assert e42.latex.endswith(r"\end{aligned}")


def test_equation_tags_in_their_forms(tmp_path: Path) -> None:
    note = tmp_path / "n.txt"
    note.write_text("$$a = b \\quad (1)$$\ntext\n$$c = d \\qquad (2)$$\n$$e = f \\tag{3a}$$\n$$g = h$$\n")
    eqs = notes.equations(note)
    assert [(e.label, e.latex) for e in eqs] == [("1", "a = b"), ("2", "c = d"), ("3a", "e = f"), (None, "g = h")]
    assert [e.line for e in eqs] == [1, 3, 4, 5]


@needs_notes
def test_coverage_counts_and_stale_sources() -> None:
    stale = claim("test.stale", sources=[eq("002_95a390d02dc83cc1.txt", "99")], latex="x", params={},
                  claimed=sp.Integer(1), reference=sp.Integer(1))
    reg = registry.discover()
    report = coverage.coverage([NOTES / "002_95a390d02dc83cc1.txt"], list(reg) + [stale])
    assert report[0].total == 13 and report[0].covered == 13 and report[0].missing == []
    assert ("test.stale", "99") in report[0].stale
    data = coverage.as_json(report)
    assert data["covered"] == data["total"] == 13


# ------------------------------------------------------------------ LaTeX ingestion
@pytest.mark.parametrize(
    "tex, expected",
    [
        (r"\operatorname{erf}(x) + 1", sp.erf(sp.Symbol("x")) + 1),  # ANTLR alone reads o*p*e*r*...
        (r"\text{erf}\left(\frac{g}{2}\right)", sp.erf(sp.Symbol("g") / 2)),
        (r"\tan^{-1}(x)", sp.atan(sp.Symbol("x"))),
        (r"\rho_{ik} + a_i", sp.Symbol("rho_ik") + sp.Symbol("a_i")),  # ANTLR alone reads rho_{i*k}
        (r"\frac{2a}{\sqrt{\pi(1+a^2)}}", 2 * sp.Symbol("a") / sp.sqrt(sp.pi * (1 + sp.Symbol("a") ** 2))),
        (r"y = \lambda_0^{(k)} + 1", sp.Symbol("lambda_0^(k)") + 1),
    ],
)
def test_normalising_prepass_avoids_the_known_parser_traps(tex: str, expected: sp.Expr) -> None:
    parsed = latex.parse(tex)
    assert parsed.status == "parsed", parsed.detail
    assert sp.simplify(parsed.expr - expected) == 0, parsed.expr


@pytest.mark.parametrize(
    "tex, status",
    [
        (r"\langle w, x \rangle", "unsupported"),
        (r"\mathbb{E}[X]", "unsupported"),
        (r"P\Lambda^{-1}\mathbf{1}", "misparsed"),
        (r"\frac{1}{2} [a - b", "failed"),
        (r"\frac{1}{\sqrt{2\sigma_1^2(0) + 1}}", "unsupported"),  # read as a product with 0 otherwise
    ],
)
def test_failed_parses_are_reported_not_guessed(tex: str, status: str) -> None:
    parsed = latex.parse(tex)
    assert parsed.status == status and parsed.detail


def test_right_hand_side_drops_side_definitions() -> None:
    tex = r"\Sigma = \frac{1}{\pi} \left[ x \right], \quad \rho_{ik} = \exp(-k)"
    assert latex.right_hand_side(tex) == r"\frac{1}{\pi} \left[ x \right]"
    assert latex.right_hand_side(r"= \frac{a}{b}.") == r"\frac{a}{b}"


def test_transcription_check_catches_a_mistyped_claimed_side() -> None:
    a = sp.Symbol("a", positive=True)
    good = claim("test.transcribe.good", sources=[eq("n.txt", "1")], latex=r"E = \frac{a}{\sqrt{2\pi}}",
                 params={"a": st.floats(0.1, 2)}, claimed=a / sp.sqrt(2 * sp.pi), reference=a / sp.sqrt(2 * sp.pi))
    typo = claim("test.transcribe.typo", sources=[eq("n.txt", "1")], latex=r"E = \frac{a}{\sqrt{2\pi}}",
                 params={"a": st.floats(0.1, 2)}, claimed=a / sp.sqrt(sp.pi), reference=a / sp.sqrt(2 * sp.pi))
    points = [{"a": 0.5}, {"a": 1.5}]
    assert transcription.check(good, points)["status"] == "agree"
    assert transcription.check(typo, points)["status"] == "disagree"
    mapped = claim("test.transcribe.map", sources=[eq("n.txt", "1")], latex=r"E = z_i^2",
                   params={"z": st.floats(0, 1)}, claimed=sp.Symbol("z") ** 2, reference=sp.Symbol("z") ** 2,
                   latex_symbols={"z_i": "z"})
    assert transcription.check(mapped, [{"z": 0.3}])["status"] == "agree"


@needs_notes
def test_parse_rate_over_the_notes_is_measured() -> None:
    statuses = [latex.parse(e.latex).status for p in sorted(NOTES.glob("*.txt")) for e in notes.numbered(p)]
    assert len(statuses) == 220
    assert statuses.count("parsed") >= 30  # scalar displays; the rest are vectors, expectations, matrices


# ------------------------------------------------------------------ scaffolding
def test_new_scaffold_runs_and_never_overwrites(tmp_path: Path) -> None:
    note = ROOT / "examples" / "my_note.txt"
    target = tmp_path / "facts.py"
    write(target, render("facts", note, ["1", "3"]))
    with pytest.raises(FileExistsError):
        write(target, "overwritten")
    assert "reference=TODO" in target.read_text()
    assert cli.main(["new", "facts", "--from", str(note), "--out", str(tmp_path)]) == 2  # exists: refused
    reg = registry.discover([target], builtin=False, plugins=False)
    assert [c.id for c in reg] == ["facts.eq1", "facts.eq3"]
    from derivations.engine import runner
    from derivations.engine.settings import AuditSettings

    doc = runner.run(reg, reg.claims, AuditSettings.for_mode("quick", workers=1))
    assert {r["verdict"] for r in doc["results"]} == {"inconclusive"}
    assert all("not written" in r["diagnosis"] for r in doc["results"])


# ------------------------------------------------------------------ modules outside the package
def test_entry_point_plugins_are_discovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "myclaims_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(textwrap.dedent("""
        import sympy as sp
        from derivations.api import claim, quote
        claim("plugin.one", sources=quote("n.txt", "one"), latex="1 = 1", params={},
              claimed=sp.Integer(1), reference=sp.Integer(1))
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    fake = [EntryPoint(name="mine", value="myclaims_pkg", group=registry.ENTRY_POINT_GROUP)]
    monkeypatch.setattr(registry, "entry_points", lambda group: fake if group == registry.ENTRY_POINT_GROUP else [])
    reg = registry.discover(builtin=False)
    assert [c.id for c in reg] == ["plugin.one"]


def test_module_folder_is_loaded(tmp_path: Path) -> None:
    for k in (1, 2):
        (tmp_path / f"m{k}.py").write_text(textwrap.dedent(f"""
            import sympy as sp
            from derivations.api import claim, quote
            claim("folder.m{k}", sources=quote("n.txt", "m"), latex="x", params={{}},
                  claimed=sp.Integer({k}), reference=sp.Integer({k}))
        """))
    reg = registry.discover([tmp_path], builtin=False, plugins=False)
    assert sorted(c.id for c in reg) == ["folder.m1", "folder.m2"]


# ------------------------------------------------------------------ pytest integration
def test_pytest_plugin_runs_claims_as_items(tmp_path: Path) -> None:
    module = tmp_path / "mine.py"
    module.write_text(textwrap.dedent("""
        import sympy as sp
        from hypothesis import strategies as st
        from derivations.api import claim, definition, quote
        x = sp.Symbol("x", positive=True)
        claim("mine.true", sources=quote("n.txt", "t"), latex="x", params={"x": st.floats(0.1, 3)},
              claimed=sp.sqrt(x**2), reference=x)
        claim("mine.false", sources=quote("n.txt", "f"), latex="x", params={"x": st.floats(0.1, 3)},
              claimed=2 * x, reference=x)
        definition("mine.def", sources=quote("n.txt", "d"), latex="y := 1")
    """))
    (tmp_path / "conftest.py").write_text("")
    from importlib.metadata import entry_points

    installed = any(ep.value == "derivcheck.pytest_plugin" for ep in entry_points(group="pytest11"))
    load = [] if installed else ["-p", "derivcheck.pytest_plugin"]  # installed: the pytest11 entry point loads it
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *load, "--derivcheck",
         "--derivcheck-module", str(module), "--derivcheck-select", "mine.*", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    out = done.stdout + done.stderr
    assert "1 failed, 1 passed, 1 skipped" in out, out
    assert "mine.false: refuted" in out and "counterexample" in out


# ------------------------------------------------------------------ issue 16: shorthands and a second parser
@pytest.mark.parametrize(
    "tex, expected",
    [
        (r"\sqrt\pi", sp.sqrt(sp.pi)),
        (r"\frac1a", 1 / sp.Symbol("a")),
        (r"\tfrac12\sqrt2", sp.sqrt(2) / 2),
        (r"\frac{1}{2}\Bigl(1+\operatorname{erf}\frac a{\sqrt2}\Bigr)", (1 + sp.erf(sp.Symbol("a") / sp.sqrt(2))) / 2),
        (r"\operatorname{arcsin}\frac{2a^2}{1+2a^2}", sp.asin(2 * sp.Symbol("a") ** 2 / (1 + 2 * sp.Symbol("a") ** 2))),
        (r"\dfrac{\mathbf{w}}{2}", sp.Symbol("w") / 2),
    ],
)
def test_shorthands_parse_and_both_parsers_agree(tex: str, expected: sp.Expr) -> None:
    parsed = latex.parse(tex)
    assert parsed.status == "parsed" and parsed.confirmed, (parsed.status, parsed.parser, parsed.detail)
    assert sp.simplify(parsed.expr - expected) == 0, parsed.expr


def test_a_parse_the_parsers_disagree_on_is_never_a_claim() -> None:
    # SymPy's parser reads A_{11}(w_1 + w_2) as a function A_11 applied to a sum; latex2sympy2 as a product
    parsed = latex.parse(r"-A_{11}(w_1 + w_2) + b_1")
    assert parsed.status == "ambiguous" and parsed.expr is None and "disagree" in parsed.detail
    from derivations.authoring.scaffold import entries as scaffold_entries

    note = ROOT / "examples" / "my_note.txt"
    drafted = [e for e in scaffold_entries("facts", note, []) if e.expr]
    assert drafted and all("parsers agree" in e.status_line or "CONFIRM" in e.status_line for e in drafted)
