"""``derivcheck mutate``: mutation testing of confirmations, on a small module.

* a true identity (proved by SymPy, checked by 30-digit quadrature): its x2 and
  x(-1) mutants are refuted and its power is 0.1 %;
* a deliberately weak Monte Carlo claim (few plain Monte Carlo samples of a
  noisy statistic): confirmed, its x2 mutant refuted, but it cannot reach 1 %
  and says why (its resolution);
* a claim whose value is 0 gets offset mutants sized by its natural scale;
* the command writes a result file that validates and renders the section.
"""

from __future__ import annotations

import json
from dataclasses import replace

import mpmath as mp
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from derivations.api import Sampled, Tolerances, claim, quote
from derivations.engine.mutate import mutate_claim
from derivations.engine.settings import AuditSettings
from tests.conftest import audit

SRC = quote("tests", "mutation")
x = sp.Symbol("x", real=True)

TRUE_IDENTITY = claim(
    "tmut.erf_odd_moment", sources=SRC, latex=r"\mathbb E[Z\,\mathrm{erf}(xZ)] = \frac{2x}{\sqrt{\pi(1+2x^2)}}",
    params={"x": st.floats(0.1, 3.0)},
    claimed=2 * x / sp.sqrt(sp.pi * (1 + 2 * x**2)),
    reference=lambda p, ctx: ctx.gaussian_expectation(lambda z: z * mp.erf(p.mp.x * z)),
)

WEAK_MC = claim(
    "tmut.noisy_mean", sources=SRC, latex=r"\mathbb E[c(1 + \tfrac12 Z_1)] = c",
    params={"c": st.floats(0.5, 2.0)},
    claimed=lambda p: p.c,
    reference=Sampled(1, lambda p, eps: p.c * (1 + 0.5 * np.sign(eps[:, 0]) * eps[:, 0] ** 2 - 0.5 * np.sign(eps[:, 0]))),
)

ZERO = claim(
    "tmut.odd_moment_vanishes", sources=SRC, latex=r"\mathbb E[Z^3] = 0",
    params={"x": st.floats(0.5, 2.0)},
    claimed=lambda p: 0.0,
    reference=lambda p, ctx: ctx.gaussian_expectation(lambda z: p.mp.x * z**3),
    tolerances=Tolerances(scale=1.0),
)


def _settings(**kw) -> AuditSettings:
    return AuditSettings.for_mode("quick", workers=1, database=None, max_examples=4, **kw)


def test_true_identity_kills_every_mutant_and_reports_its_power() -> None:
    s = _settings()
    record = audit(TRUE_IDENTITY, s)
    assert record["verdict"] in ("proved", "confirmed")
    m = mutate_claim(TRUE_IDENTITY, record, s)
    by_name = {row["name"]: row for row in m["mutants"]}
    assert by_name["x2"]["verdict"] == "refuted" and by_name["x(-1)"]["verdict"] == "refuted"
    assert m["gross_killed"] and m["reaches_target"]
    assert m["power"] == 0.001 and m["survivors"] == [] and m["why_not"] is None


def test_weak_monte_carlo_claim_cannot_reach_one_percent_and_says_why() -> None:
    # plain Monte Carlo, 4096 samples of a statistic with standard deviation ~c: resolution ~ 0.05
    s = _settings(samples=4096, sampling="montecarlo", sample_growth=1)
    record = audit(WEAK_MC, s)
    assert record["verdict"] == "confirmed", record.get("diagnosis")
    assert record["evidence"]["resolution"] > 0.01
    m = mutate_claim(WEAK_MC, record, s)
    assert m["gross_killed"]  # a factor 2 is still seen
    assert not m["reaches_target"] and "x(1+0.01)" in m["survivors"]
    assert m["power"] in (0.1, None)
    assert "resolution" in m["why_not"] and "coarser than 1 %" in m["why_not"]


def test_zero_claim_gets_offset_mutants_sized_by_its_scale() -> None:
    s = _settings()
    record = audit(ZERO, s)
    assert record["verdict"] == "confirmed"
    m = mutate_claim(ZERO, record, s)
    assert m["value_is_zero"] and m["natural_scale"] == 1.0 and m["scale_source"] == "Tolerances.scale"
    assert [row["name"] for row in m["mutants"]] == ["+1*S", "+0.1*S", "+0.01*S", "+0.001*S"]
    assert m["gross_killed"] and m["power"] == 0.001


def test_cli_writes_a_valid_result_file_with_the_section(tmp_path) -> None:
    from derivations.cli import main
    from reports.load import load
    from reports.markdown import render

    module = tmp_path / "tiny_claims.py"
    module.write_text(
        "import sympy as sp\nimport mpmath as mp\nfrom hypothesis import strategies as st\n"
        "from derivations.api import claim, quote\n"
        "x = sp.Symbol('x', real=True)\n"
        "claim('tinymut.cosh', sources=quote('tests', 'cosh'), latex='E[e^{xZ}] = e^{x^2/2}',\n"
        "      params={'x': st.floats(0.1, 1.0)}, claimed=sp.exp(x**2 / 2),\n"
        "      reference=lambda p, ctx: ctx.gaussian_expectation(lambda z: mp.exp(p.mp.x * z)))\n"
    )
    out = tmp_path / "m.json"
    status = main(["mutate", "--module", str(module), "--select", "tinymut.*", "--json", str(out),
                   "--workers", "1", "--quiet"])
    assert status == 0
    doc = load(out)  # validates against reports/schema.json
    assert doc["mutation"]["claims"] == 1 and doc["mutation"]["reaches_target"] == 1
    assert doc["results"][0]["mutation"]["power"] == 0.001
    assert "### Mutation testing" in render(doc)
    from reports.latex import render as render_latex

    render_latex(doc, tmp_path / "report", pdf=False, figures=False)
    tex = (tmp_path / "report" / "report.tex").read_text()
    assert r"\label{sec:mutation}" in tex and "tinymut" in tex.split(r"\label{sec:mutation}")[1]
    json.dumps(doc)
