"""Row-level facts shared by every renderer (terminal, Markdown, LaTeX)."""

from __future__ import annotations

from dataclasses import dataclass

VERDICT_ORDER = ("refuted", "error", "inconclusive", "confirmed", "proved", "incomplete", "definition")


@dataclass(frozen=True)
class Row:
    id: str
    source: str
    verdict: str
    method: str
    resolution: str
    flag: str
    follows: str
    inherits_from: str


def source_text(result: dict) -> str:
    parts = []
    for s in result["sources"]:
        note = s["note"].split("_")[0] if s["note"][:3].isdigit() else s["note"]
        parts.append(f"{note} ({s['equation']})" if s.get("equation") else f"{note} \u201c{(s.get('quote') or '')[:40]}\u201d")
    return "; ".join(parts)


def resolution_text(result: dict) -> str:
    ev = result.get("evidence") or {}
    if result["verdict"] in ("definition", "incomplete"):
        return ""
    if result["verdict"] in ("inconclusive", "error") and result.get("diagnosis"):
        text = result["diagnosis"]
        return text if len(text) <= 60 else text[:57] + "..."
    proof = " (certified)" if ev.get("certified") else ""  # decided in ball arithmetic (numerics.certify)
    if result["verdict"] == "refuted" and result.get("counterexample"):
        rel = result["counterexample"].get("relative_error")
        return (f"off by {rel:.2g} rel." if isinstance(rel, (int, float)) else "claimed undefined") + proof
    return (ev.get("resolution_text") or "") + proof


def row(result: dict) -> Row:
    follows = {True: "yes", False: "no", None: ""}[result.get("follows")]
    return Row(
        id=result["id"],
        source=source_text(result),
        verdict=result["verdict"],
        method=result.get("method") or "",
        resolution=resolution_text(result),
        flag=result.get("note_flag") or "",
        follows=follows,
        inherits_from=result.get("inherits_from") or "",
    )


def counts(document: dict) -> dict[str, int]:
    out = {v: 0 for v in VERDICT_ORDER}
    for r in document["results"]:
        out[r["verdict"]] = out.get(r["verdict"], 0) + 1
    return out


@dataclass(frozen=True)
class MutationRow:
    """One claim of the optional mutation section (``result["mutation"]``)."""

    id: str
    method: str
    resolution: str
    power: str
    survivors: str
    why: str
    reaches_target: bool
    gross_killed: bool


def percent(delta: float | None) -> str:
    if delta is None:
        return "none"
    return f"{delta * 100:g} %"


def mutation_rows(document: dict) -> list[MutationRow]:
    """The claims that carry a mutation record, weakest first (then in document order)."""
    out = []
    for r in document["results"]:
        m = r.get("mutation")
        if not m:
            continue
        res = (r.get("evidence") or {}).get("resolution")
        out.append(MutationRow(
            id=r["id"],
            method=r.get("method") or "",
            resolution=f"{res:.1e}" if isinstance(res, (int, float)) else "",
            power=percent(m.get("power")) + (" (offset)" if m.get("value_is_zero") else ""),
            survivors=", ".join(m.get("survivors") or []) or "none",
            why=m.get("why_not") or "",
            reaches_target=bool(m.get("reaches_target")),
            gross_killed=bool(m.get("gross_killed")),
        ))
    return sorted(out, key=lambda x: (x.gross_killed, x.reaches_target))


def mutation_headline(document: dict) -> str | None:
    s = document.get("mutation")
    if not s:
        return None
    n = s["claims"]
    frac = f" ({s['reaches_target'] / n:.0%})" if n else ""
    return (f"{n} proved/confirmed claims mutated: gross mutants (x2, x-1, +S) refuted on {s['gross_killed']} of {n}; "
            f"the {percent(s['target'])} mutant refuted on {s['reaches_target']} of {n}{frac}; "
            f"median power {percent(s.get('median_power'))}")
