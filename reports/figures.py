"""Figures for refuted entries (matplotlib, vector PDF, no pyplot state).

The result file carries what to draw; nothing is re-computed here:

* scalar claim: ``evidence.sweep`` = claimed and reference along one parameter
  through the counterexample (with the reference's uncertainty as a band);
* vector claim: ``counterexample.claimed`` / ``.reference`` over the index,
  the tolerance as a band around the reference;
* matrix claim: claimed, reference and their difference as heat maps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

STYLE = {
    "font.size": 8.5,
    "axes.titlesize": 9,
    "axes.labelsize": 8.5,
    "legend.fontsize": 7.5,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "pdf.fonttype": 42,  # TrueType: the text stays text in the PDF
    "figure.dpi": 100,
    # a serif face near the report's Computer Modern (matplotlib's cmr10 lacks _ and \u00b1)
    "font.family": "serif",
    "font.serif": ["DejaVu Serif"],
    "mathtext.fontset": "cm",
}
CLAIMED = "#b2182b"
REFERENCE = "#2166ac"


@dataclass(frozen=True)
class Figure:
    path: Path  # relative to the report folder
    caption: str  # plain text


def _array(value) -> np.ndarray | None:
    try:
        a = np.array(value, dtype=float)
    except (TypeError, ValueError):
        try:  # None inside lists: undefined values
            a = np.array([[np.nan if v is None else v for v in row] if isinstance(row, list) else
                          (np.nan if row is None else row) for row in value], dtype=float)
        except (TypeError, ValueError):
            return None
    return a


def _fmt(x) -> str:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return str(x)
    if isinstance(x, int) or float(x).is_integer():
        return f"{x:g}"
    return f"{x:.4g}"


def _params(d: dict) -> str:
    return ", ".join(f"{k} = {_fmt(v)}" for k, v in d.items())


def _new_figure(width: float, height: float, layout: str | None = None):
    from matplotlib.backends.backend_pdf import FigureCanvasPdf
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=(width, height), layout=layout)
    FigureCanvasPdf(fig)
    return fig


def _save(fig, path: Path) -> None:
    """PDF for the report; SVG or PNG (by the suffix) for a notebook.  No dates: the same data, the same file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = path.suffix.lstrip(".").lower() or "pdf"
    metadata = {"pdf": {"CreationDate": None, "Creator": "derivcheck"}, "svg": {"Date": None, "Creator": "derivcheck"},
                "png": {"Software": "derivcheck"}}.get(fmt)
    fig.savefig(path, format=fmt, bbox_inches="tight", metadata=metadata)


def sweep_figure(result: dict, path: Path) -> str | None:
    """Claimed vs reference along ``evidence.sweep``; returns the caption or None."""
    sw = (result.get("evidence") or {}).get("sweep") or None
    if not sw:
        return None
    x, yc, yr = _array(sw.get("values")), _array(sw.get("claimed")), _array(sw.get("reference"))
    if x is None or yc is None or yr is None or x.ndim != 1 or yc.shape != x.shape or yr.shape != x.shape or x.size < 2:
        return None
    u = _array(sw.get("reference_uncertainty"))
    param = str(sw.get("param", "x"))
    ce = result.get("counterexample") or {}
    x0 = (ce.get("params") or {}).get(param)
    fig = _new_figure(5.8, 3.6)
    ax, ax2 = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.2], "hspace": 0.08})
    ax.plot(x, yr, "-", color=REFERENCE, lw=1.6, label="reference (independent)")
    span = float(np.nanmax(np.r_[yc, yr]) - np.nanmin(np.r_[yc, yr])) if np.isfinite(np.r_[yc, yr]).any() else 0.0
    if u is not None and u.shape == x.shape and np.isfinite(u).any() and np.nanmax(u) > 2e-3 * (span or 1.0):
        ax.fill_between(x, yr - u, yr + u, color=REFERENCE, alpha=0.2, lw=0, label="reference \u00b1 uncertainty")
    ax.plot(x, yc, "--", color=CLAIMED, lw=1.6, label="claimed (the note)")
    ax2.axhline(0, color="0.6", lw=0.8)
    ax2.plot(x, yc - yr, "-", color="0.25", lw=1.2)
    ax2.set_ylabel("claimed - ref.")
    if isinstance(x0, (int, float)) and isinstance(ce.get("claimed"), (int, float)) and isinstance(ce.get("reference"), (int, float)):
        ax.plot([x0], [ce["claimed"]], "o", color=CLAIMED, ms=5, zorder=5)
        ax.plot([x0], [ce["reference"]], "o", color=REFERENCE, ms=5, zorder=5)
        for a in (ax, ax2):
            a.axvline(x0, color="0.5", lw=0.8, ls=":")
        ax.annotate("counterexample", (x0, ce["claimed"]), textcoords="offset points", xytext=(-8, 6), ha="right",
                    fontsize=7.5, color="0.3")
    ax.set_ylabel("value")
    ax2.set_xlabel(param)
    ax.legend(frameon=False, loc="best")
    fixed = sw.get("fixed") or {}
    title = f"{result['id']}: sweep in {param}" + (f" at {_params(fixed)}" if fixed else "")
    ax.set_title(title, loc="left")
    _save(fig, path)
    caption = (f"Claimed and reference values of {result['id']} as {param} varies"
               + (f", with {_params(fixed)} held fixed" if fixed else "")
               + "; the dots mark the counterexample. Lower panel: claimed minus reference.")
    return caption


def vector_figure(result: dict, path: Path) -> str | None:
    ce = result.get("counterexample") or {}
    c, r = _array(ce.get("claimed")), _array(ce.get("reference"))
    if c is None or r is None or c.shape != r.shape or c.ndim != 1 or c.size < 2:
        return None
    idx = np.arange(c.size)
    fig = _new_figure(5.8, 3.0)
    ax = fig.subplots()
    tol = ce.get("tolerance")
    tol = float(tol) if isinstance(tol, (int, float)) and math.isfinite(tol) and tol > 0 else None
    if c.size <= 12:  # a few entries: dots side by side, the tolerance as error bars
        ax.errorbar(idx - 0.06, r, yerr=tol, fmt="o", color=REFERENCE, ms=5, capsize=3,
                    label="reference" + (" \u00b1 tolerance" if tol else ""))
        ax.plot(idx + 0.06, c, "s", color=CLAIMED, ms=5, label="claimed (the note)")
        ax.set_xlim(-0.5, c.size - 0.5)
    else:
        if tol:
            ax.fill_between(idx, r - tol, r + tol, color=REFERENCE, alpha=0.18, lw=0, label="reference \u00b1 tolerance")
        ax.plot(idx, r, "o-", color=REFERENCE, lw=1.2, ms=3, label="reference (independent)")
        ax.plot(idx, c, "s--", color=CLAIMED, lw=1.2, ms=3, label="claimed (the note)")
    worst = ce.get("worst_entry") or []
    if len(worst) == 1 and isinstance(worst[0], int) and 0 <= worst[0] < c.size:
        w = worst[0]
        ax.annotate("largest discrepancy", (w, c[w]), textcoords="offset points", xytext=(10, 4), fontsize=7.5,
                    color="0.3")
    ax.set_xlabel("index")
    ax.set_ylabel("value")
    if c.size <= 20:
        ax.set_xticks(idx)
    ax.legend(frameon=False, loc="best")
    ax.set_title(f"{result['id']} at {_params(ce.get('params') or {})}", loc="left")
    _save(fig, path)
    return (f"The entries of the claimed and the reference vector of {result['id']} at the counterexample, "
            "with the tolerance the check allowed around the reference.")


def matrix_figure(result: dict, path: Path) -> str | None:
    ce = result.get("counterexample") or {}
    c, r = _array(ce.get("claimed")), _array(ce.get("reference"))
    if c is None or r is None or c.shape != r.shape or c.ndim != 2 or c.size < 2:
        return None
    d = c - r
    fig = _new_figure(7.2, 2.6, layout="constrained")
    axes = fig.subplots(1, 3)
    finite = np.concatenate([c[np.isfinite(c)], r[np.isfinite(r)]])
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    dm = float(np.nanmax(np.abs(d))) if np.isfinite(d).any() else 1.0
    panels = ((c, "claimed (the note)", "viridis", lo, hi), (r, "reference", "viridis", lo, hi),
              (d, "claimed - reference", "RdBu_r", -dm or -1, dm or 1))
    worst = ce.get("worst_entry") or []
    images = []
    for ax, (m, title, cmap, vmin, vmax) in zip(axes, panels):
        im = ax.imshow(m, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest", aspect="equal")
        images.append(im)
        ax.set_title(title, fontsize=8.5)
        ax.tick_params(labelsize=6.5)
        if m.shape[0] <= 12:
            ax.set_yticks(range(m.shape[0]))
        if m.shape[1] <= 12:
            ax.set_xticks(range(m.shape[1]))
        if len(worst) == 2 and all(isinstance(w, int) for w in worst):
            from matplotlib.patches import Rectangle

            ax.add_patch(Rectangle((worst[1] - 0.5, worst[0] - 0.5), 1, 1, fill=False, ec="k", lw=1.2))
    fig.colorbar(images[0], ax=list(axes[:2]), shrink=0.85).ax.tick_params(labelsize=6.5)
    fig.colorbar(images[2], ax=axes[2], shrink=0.85).ax.tick_params(labelsize=6.5)
    fig.suptitle(f"{result['id']} at {_params(ce.get('params') or {})}", fontsize=9, x=0.02, ha="left")
    _save(fig, path)
    return (f"Claimed and reference matrices of {result['id']} at the counterexample, and their difference "
            "(rows and columns are the matrix indices; the square marks the entry of largest discrepancy).")


def figure_for(result: dict, folder: Path, name: str, fmt: str = "pdf") -> Figure | None:
    """The figure of a refuted entry, written to ``folder/name.<fmt>`` (pdf, svg, png); None if there is nothing to draw.

    A figure that cannot be drawn (odd data) is left out; it never stops the report.
    """
    if result.get("verdict") != "refuted":
        return None
    import logging

    import matplotlib

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # font subsetting chatter about old timestamps
    path = folder / f"{name}.{fmt}"
    try:
        with matplotlib.rc_context(STYLE):
            for draw in (sweep_figure, vector_figure, matrix_figure):
                caption = draw(result, path)
                if caption:
                    return Figure(path, caption)
    except Exception:  # noqa: BLE001 - a figure is never worth a failed report
        return None
    return None
