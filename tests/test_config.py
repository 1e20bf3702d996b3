"""[tool.derivcheck] in pyproject.toml sets the command's defaults; the command line wins; mistakes stop it early."""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path

import pytest

from derivations import cli

CLAIMS = textwrap.dedent("""
    import sympy as sp
    from hypothesis import strategies as st
    from derivations.api import claim, quote

    x = sp.Symbol("x", positive=True)
    claim("cfg.double", sources=quote("n.txt", "d"), latex="2x", params={"x": st.floats(0.1, 3)},
          claimed=2 * x, reference=lambda p: 2 * p.x)
    claim("cfg.other", sources=quote("n.txt", "o"), latex="x", params={"x": st.floats(0.1, 3)}, claimed=x, reference=x)
""")


def _parsed(argv: list[str]) -> argparse.Namespace:
    """The arguments as main() sees them (the table read from the current folder up)."""
    ap = cli.parser()
    config = cli._project_config(ap)
    args = ap.parse_args(argv)
    cli.fill_from_config(config, args, cli.CONFIGURED)
    return args


def _project(tmp_path: Path, table: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.derivcheck]\n" + textwrap.dedent(table))
    inner = tmp_path / "notes" / "deep"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)  # found by walking up, as pytest and ruff find theirs
    return inner


def test_the_table_sets_defaults_and_the_command_line_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path, """
        mode = "thorough"
        seed = 7
        workers = 1
        deadline = 30
        samples = 4096
        select = ["gdln.*", "cube.*"]
        module = ["claims"]
        json = "out/results.json"
        no-database = true
        only = ["refuted", "error"]
    """, monkeypatch)
    args = _parsed(["audit"])
    assert (args.mode, args.seed, args.workers, args.deadline, args.samples) == ("thorough", 7, 1, 30.0, 4096)
    assert args.select == ["gdln.*", "cube.*"] and args.no_database is True and args.only == ["refuted", "error"]
    # paths are relative to the pyproject.toml, shown relative to the current folder
    assert args.module == ["../../claims"] and args.json == "../../out/results.json"
    args = _parsed(["audit", "--mode", "quick", "--seed", "0", "--select", "relu.*", "--json", "r.json"])
    assert (args.mode, args.seed, args.select, args.json, args.workers) == ("quick", 0, ["relu.*"], "r.json", 1)
    # mutate and list take what they share with audit, never the audit's result file
    m = _parsed(["mutate"])
    assert (m.mode, m.seed, m.select, m.json) == ("thorough", 7, ["gdln.*", "cube.*"], None)
    assert _parsed(["list"]).select == ["gdln.*", "cube.*"]


def test_no_table_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.other]\nmode = 5\n")
    monkeypatch.chdir(tmp_path)
    args = _parsed(["audit"])
    assert (args.mode, args.seed, args.select, args.json) == ("quick", 0, None, None)


@pytest.mark.parametrize(("table", "words"), [
    ('mdoe = "thorough"', ["unknown key 'mdoe'", "mode"]),
    ('seed = "7"', ["'seed'", "an integer"]),
    ("seed = true", ["'seed'", "an integer"]),
    ('workers = 1.5', ["'workers'", "an integer"]),
    ('deadline = "soon"', ["'deadline'", "a number"]),
    ('mode = "slow"', ["'mode'", "'quick', 'thorough'"]),
    ('select = "gdln.*"', ["'select'", "an array of strings"]),
    ('no-database = "yes"', ["'no-database'", "true or false"]),
    ('only = "refuted,bogus"', ["'only'", "bogus"]),
    ("qmc = true", ["unknown key 'qmc'"]),
])
def test_a_wrong_key_or_value_names_the_file_the_table_and_the_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, table: str, words: list[str]) -> None:
    _project(tmp_path, table, monkeypatch)
    monkeypatch.setattr(cli, "_registry", lambda args: pytest.fail("no work may start"))
    assert cli.main(["audit"]) == 2
    err = capsys.readouterr().err
    assert "../../pyproject.toml [tool.derivcheck]" in err, err
    assert all(w in err for w in words), err
    assert str(tmp_path) not in err  # no absolute path of the machine


def test_broken_toml_is_an_error_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.derivcheck\nmode = 1\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["audit"]) == 2
    assert "pyproject.toml: cannot read it as TOML" in capsys.readouterr().err


def test_an_audit_runs_with_the_table_and_v_says_where_the_settings_come_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    (tmp_path / "claims.py").write_text(CLAIMS)
    inner = _project(tmp_path, """
        module = ["claims.py"]
        select = ["cfg.double"]
        seed = 3
        workers = 1
        no-database = true
        no-cache = true
        json = "out/r.json"
        format = "json"
    """, monkeypatch)
    assert cli.main(["audit", "-v"]) == 0
    captured = capsys.readouterr()
    doc = json.loads((tmp_path / "out" / "r.json").read_text())
    assert [r["id"] for r in doc["results"]] == ["cfg.double"] and doc["settings"]["seed"] == 3
    assert json.loads(captured.out)["settings"]["seed"] == 3  # format = "json" from the table
    err = captured.err
    assert "settings from ../../pyproject.toml [tool.derivcheck]" in err and "seed=3" in err, err
    assert "1 claims audited, 0 records reused" in err and "cfg.double" in err, err
    # -q: nothing but the product; the command line overrides the table's format and seed
    assert cli.main(["audit", "-q", "--format", "table", "--seed", "4"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "settings from" not in captured.err
    assert json.loads((tmp_path / "out" / "r.json").read_text())["settings"]["seed"] == 4
    assert inner.is_dir()
