r"""Fourier transforms and circulant matrices: note 001 section 2 (32)-(35) and note 000 (66).

Note 001 explains why the class covariances diagonalise in a real Fourier
basis: a circulant :math:`\Sigma_{ij} = c_{(i-j) \bmod n}` acts as a convolution,
so the DFT columns :math:`v_j = (\omega^{jk})_k/\sqrt n`, :math:`\omega = e^{-2\pi i/n}`,
are its eigenvectors, and for a real symmetric circulant the real and
imaginary parts of :math:`v_j` are real eigenvectors.

References are computed, never assumed: the DFT matrix is numpy's FFT of the
unit vectors, eigenvalues come from ``numpy.linalg.eigvalsh``, products with
:math:`\Sigma` are matrix products.  Every claim that needs a circulant matrix
is checked with the ring distance; the plain-distance (Toeplitz) covariance of
note 003 (2) is checked as a second reading where the notes rely on the
circulant structure, to give the size of the error there.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from numerics.models import datamodels as dm
from numerics.models import fourier as fo

from derivations.api import Chain, Correction, claim, definition, eq, quote
from derivations.topics._notes import N000, N001

definition(
    "relu.fourier.circulant",
    sources=[eq(N001, "32")],
    latex=(r"\Sigma = \begin{bmatrix} c_0 & c_{n-1} & \cdots & c_2 & c_1 \\ c_1 & c_0 & c_{n-1} & & c_2 \\ \vdots & c_1 & c_0 & "
           r"\ddots & \vdots \\ c_{n-2} & & \ddots & \ddots & c_{n-1} \\ c_{n-1} & c_{n-2} & \cdots & c_1 & c_0 \end{bmatrix}."),
    remark="Real symmetric when c_i = c_{n-i}; the ring-distance kernel exp(-d(i,j)^2/xi^2) is one.",
)

SIZES = {"n": st.integers(2, 12), "j": st.integers(0, 11)}
EVEN = st.integers(2, 8).map(lambda h: 2 * h)


def _column(p) -> int:
    return p.j % p.n


def dft_column_as_written(p) -> np.ndarray:
    r"""(33): :math:`\frac{1}{\sqrt n}[\cos(\frac{2\pi}{n}jk)]_k - \frac{i}{\sqrt n}[\sin(\frac{2\pi}{n}jk)]_k` as (Re, Im)."""
    k = np.arange(p.n)
    angle = 2 * np.pi * _column(p) * k / p.n
    return np.concatenate([np.cos(angle), -np.sin(angle)]) / np.sqrt(p.n)


def dft_column(p) -> np.ndarray:
    """Column j of numpy's unitary DFT matrix, as (Re, Im)."""
    col = fo.dft_matrix(p.n)[:, _column(p)]
    return np.concatenate([col.real, col.imag])


claim(
    "relu.fourier.eq33",
    sources=[eq(N001, "33")],
    latex=(r"F_{:,j} = v_j \equiv \frac{1}{\sqrt{n}} \begin{bmatrix} 1 \\ \omega^j \\ \omega^{2j} \\ \vdots \\ \omega^{(n-1)j} "
           r"\end{bmatrix} = \frac{1}{\sqrt{n}} \begin{bmatrix} 1 \\ \cos(\frac{2\pi}{n}j) \\ \cos(\frac{2\pi}{n}2j) \\ \vdots \\ "
           r"\cos(\frac{2\pi}{n}(n-1)j) \end{bmatrix} - \frac{i}{\sqrt{n}} \begin{bmatrix} 0 \\ \sin(\frac{2\pi}{n}j) \\ "
           r"\sin(\frac{2\pi}{n}2j) \\ \vdots \\ \sin(\frac{2\pi}{n}(n-1)j) \end{bmatrix},"),
    params=SIZES,
    assumptions=("omega = exp(-2 pi i / n); compared as (real part, imaginary part)",),
    claimed=dft_column_as_written,
    reference=dft_column,
    method="exact",
)
claim(
    "relu.fourier.unitary",
    sources=[quote(N001, "These columns are unit vectors and orthogonal to each other.")],
    latex=r"F^\ast F = I_n",
    params={"n": st.integers(2, 16)},
    claimed=lambda p: np.eye(p.n),
    reference=lambda p: np.real((lambda f: f.conj().T @ f)(fo.dft_matrix(p.n))),
    method="exact",
    remark="F^* F is real up to rounding; its real part is compared.",
)


# --------------------------------------------------------------------------- diagonalisation
def covariance_of(p) -> np.ndarray:
    """The ring kernel (circulant), a random real symmetric circulant, or the plain kernel (Toeplitz)."""
    if p.kind == "random":
        rng = np.random.default_rng(p.c_seed)
        c = rng.standard_normal(p.n)
        c = 0.5 * (c + np.roll(c[::-1], 1))  # c_i = c_{n-i}: real symmetric
        return fo.circulant(c)
    return dm.covariance(p.n, p.xi, "ring" if p.kind == "ring" else "plain")


def rebuilt_from_diagonal(p) -> np.ndarray:
    r""":math:`F\,\operatorname{diag}(F^\ast\Sigma F)\,F^\ast`: equal to :math:`\Sigma` iff the DFT basis diagonalises it."""
    f = fo.dft_matrix(p.n)
    sigma = covariance_of(p)
    lam = np.diag(f.conj().T @ sigma @ f)
    return np.real(f @ np.diag(lam) @ f.conj().T)


DIAG_LATEX = r"\Sigma v_j = \lambda_j v_j \quad (\Sigma \text{ circulant})"
DIAG_QUOTE = quote(N001, "circulant matrices diagonalize in the discrete Fourier basis because they act as convolutions on vectors")
claim(
    "relu.fourier.diagonalizes",
    sources=[DIAG_QUOTE],
    latex=DIAG_LATEX,
    params={"n": st.integers(2, 12), "xi": st.floats(0.3, 3.0), "kind": st.sampled_from(["ring", "random"]),
            "c_seed": st.integers(0, 2**16)},
    assumptions=("circulant Sigma: the ring-distance kernel or a random real symmetric circulant",
                 "encoded as F diag(F^* Sigma F) F^* = Sigma"),
    claimed=rebuilt_from_diagonal,
    reference=covariance_of,
    method="exact",
)
claim(
    "relu.fourier.diagonalizes.plain",
    role="contrary",
    sources=[DIAG_QUOTE, quote(N001, "Recall that both  $\\Sigma_0$  and  $\\Sigma_1$  are circulant")],
    latex=DIAG_LATEX,
    params={"n": st.integers(3, 12), "xi": st.floats(0.3, 3.0), "kind": st.just("plain"), "c_seed": st.just(0)},
    assumptions=("reading: Sigma(xi) with the plain distance of note 003 (2) (Toeplitz, not circulant)",
                 "encoded as F diag(F^* Sigma F) F^* = Sigma"),
    claimed=rebuilt_from_diagonal,
    reference=covariance_of,
    method="exact",
    diagnose=lambda p, c, ref: (
        f"the Toeplitz Sigma(xi) is not circulant: in the real Fourier basis its off-diagonal part is "
        f"{fo.off_diagonal_ratio(covariance_of(p), fo.real_fourier_basis(p.n)):.2%} of Sigma (Frobenius)"
    ),
)


def circulant_from_first_row(p) -> np.ndarray:
    r"""The circulant matrix :math:`C_{ij} = c_{(j - i) \bmod n}` built from the first row c of the covariance."""
    c = dm.covariance(p.n, p.xi, "ring")[0]
    idx = (np.arange(p.n)[None, :] - np.arange(p.n)[:, None]) % p.n
    return c[idx]


claim(
    "relu.fourier.circulant_premise",
    sources=[quote(N001, "Recall that both  $\\Sigma_0$  and  $\\Sigma_1$  are circulant")],
    latex=r"\Sigma_c = \Sigma(\xi_c) \text{ is circulant: } (\Sigma_c)_{ij} = c_{(j-i) \bmod n}",
    params={"n": st.integers(2, 12), "xi": st.floats(0.3, 3.0)},
    assumptions=("the premise as the note states it: Sigma(xi) with the ring distance d(i, j) = min(|i-j|, n-|i-j|)",
                 "reference: the circulant matrix built from the first row (no kernel evaluated off the first row)"),
    claimed=lambda p: dm.covariance(p.n, p.xi, "ring"),
    reference=circulant_from_first_row,
    method="exact",
    remark="The stated premise of section 3.2; its plain-distance reading is relu.fourier.diagonalizes.plain (contrary).",
)


def real_parts_images(p) -> np.ndarray:
    r"""[:math:`\Sigma\,\mathrm{Re}\,v_j`, :math:`\Sigma\,\mathrm{Im}\,v_j`] by matrix products."""
    v = fo.dft_matrix(p.n)[:, _column(p)]
    sigma = covariance_of(p)
    return np.concatenate([sigma @ v.real, sigma @ v.imag])


def eq34_claimed(p) -> np.ndarray:
    r""":math:`\lambda_j[\mathrm{Re}\,v_j, \mathrm{Im}\,v_j]` with :math:`\lambda_j = v_j^\ast\Sigma v_j` (real)."""
    v = fo.dft_matrix(p.n)[:, _column(p)]
    lam = float(np.real(v.conj() @ covariance_of(p) @ v))
    return lam * np.concatenate([v.real, v.imag])


claim(
    "relu.fourier.eq34",
    sources=[eq(N001, "34"), quote(N001, "We can do the same for the imaginary parts.")],
    latex=r"\Sigma(\text{Re } v_j) = \text{Re}(\Sigma v_j) = \text{Re}(\lambda_j v_j) = \lambda_j (\text{Re } v_j),",
    params={**SIZES, "xi": st.floats(0.3, 3.0), "kind": st.sampled_from(["ring", "random"]), "c_seed": st.integers(0, 2**16)},
    assumptions=("real symmetric circulant Sigma (c_i = c_{n-i})", "checked for Re v_j and Im v_j together"),
    claimed=eq34_claimed,
    reference=real_parts_images,
    method="exact",
)


# --------------------------------------------------------------------------- (35)
def real_part_reversed(p) -> np.ndarray:
    r"""The middle vector of (35): :math:`\frac{1}{\sqrt n}[1, \cos(\frac{2\pi}{n}(n-1)j), \ldots, \cos(\frac{2\pi}{n}j)]`."""
    k = np.arange(p.n)
    entries = np.where(k == 0, 1.0, np.cos(2 * np.pi * (p.n - k) * _column(p) / p.n))
    return entries / np.sqrt(p.n)


eq35 = Chain(
    "relu.fourier.eq35",
    note=N001,
    params=SIZES,
    reference=lambda p: fo.dft_matrix(p.n)[:, _column(p)].real,
    assumptions=("Re v_j from numpy's DFT matrix",),
    method="exact",
)
eq35.step(
    "35",
    id="relu.fourier.eq35.reversed",
    latex=(r"\text{Re } v_j = \frac{1}{\sqrt{n}} \begin{bmatrix} 1 \\ \cos(\frac{2\pi}{n}(n-1)j) \\ \cos(\frac{2\pi}{n}(n-2)j) "
           r"\\ \vdots \\ \cos(\frac{2\pi}{n}j) \end{bmatrix}"),
    claimed=real_part_reversed,
    remark="The middle expression of (35).",
)
eq35.step(
    "35",
    latex=r"= \text{Re } v_{n-j}. ",
    claimed=lambda p: fo.dft_matrix(p.n)[:, (p.n - _column(p)) % p.n].real,
)


# --------------------------------------------------------------------------- the real basis the note assembles
def note_real_basis(p) -> np.ndarray:
    r"""The note's columns: :math:`\mathrm{Re}\,v_j` (j < n/2), :math:`\mathrm{Im}\,v_j` (0 < j < n/2) and
    :math:`\mathrm{Re}\,v_{n/2}`, each keeping the DFT scaling :math:`1/\sqrt n`."""
    f = fo.dft_matrix(p.n)
    h = p.n // 2
    cols = [f[:, j].real for j in range(h)] + [f[:, j].imag for j in range(1, h)] + [f[:, h].real]
    return np.stack(cols, axis=1)


REAL_BASIS_SOURCES = [
    quote(N001, "Then, we just need to select the real and imaginary parts of the columns of  $F$  to get a real orthogonal matrix."),
    quote(N001, "though we ignore the first column since it is all zeros, and take the  $\\frac{n}{2} + 1$ -th real column in its place"),
]
REAL_BASIS_LATEX = r"Q = [\text{Re } v_0, \ldots, \text{Re } v_{n/2-1}, \text{Im } v_1, \ldots, \text{Im } v_{n/2-1}, \text{Re } v_{n/2}], \quad Q^\top Q = I_n"
claim(
    "relu.fourier.real_basis",
    sources=REAL_BASIS_SOURCES,
    latex=REAL_BASIS_LATEX,
    params={"n": EVEN},
    assumptions=("n even (the note's construction uses n/2)", "reading: 'real orthogonal matrix' = orthonormal columns, "
                 "with the columns of F as they are (scaling 1/sqrt n)"),
    claimed=lambda p: np.eye(p.n),
    reference=lambda p: note_real_basis(p).T @ note_real_basis(p),
    method="exact",
    diagnose=lambda p, c, ref: (
        "the columns are orthogonal but Re v_j, Im v_j (0 < j < n/2) have norm 1/sqrt(2); "
        "only Re v_0 and Re v_{n/2} are unit vectors"
    ),
    corrected=Correction(
        latex=r"Q^\top Q = \operatorname{diag}(1, \tfrac12, \ldots, \tfrac12, 1)",
        claimed=lambda p: np.diag(np.where((np.arange(p.n) == 0) | (np.arange(p.n) == p.n - 1), 1.0, 0.5)),
        remark=("what the note's Q satisfies; an orthonormal real basis needs sqrt(2) Re v_j and sqrt(2) Im v_j "
                "(numerics.models.fourier.real_fourier_basis)"),
    ),
)
claim(
    "relu.fourier.real_basis.orthogonal",
    role="unstated",
    sources=REAL_BASIS_SOURCES,
    latex=REAL_BASIS_LATEX,
    params={"n": EVEN},
    assumptions=("n even", "reading: 'orthogonal' = mutually orthogonal columns (Q^T Q diagonal)"),
    claimed=lambda p: np.diag(np.diag(note_real_basis(p).T @ note_real_basis(p))),
    reference=lambda p: note_real_basis(p).T @ note_real_basis(p),
    method="exact",
)


# --------------------------------------------------------------------------- eigenvalues in pairs
def paired_spectrum(p) -> np.ndarray:
    r"""The spectrum the note predicts: :math:`\lambda_0`, :math:`\lambda_f` twice for :math:`0<f<n/2`,
    :math:`\lambda_{n/2}` once, with :math:`\lambda_f` the Rayleigh quotient of :math:`\mathrm{Re}\,v_f` (sorted)."""
    f = fo.dft_matrix(p.n)
    sigma = dm.covariance(p.n, p.xi, p.distance)
    lam = []
    for j in range(p.n // 2 + 1):
        r = f[:, j].real
        value = r @ sigma @ r / (r @ r)
        lam += [value] if j in (0, p.n // 2) else [value, value]
    return np.sort(lam)


PAIRS_SOURCE = quote(N001, "So, eigenvalues will come in pairs, with the exception of the first and last eigenvalues.")
for distance in ("ring", "plain"):
    claim(
        "relu.fourier.pairs" + ("" if distance == "ring" else ".plain"),
        role="stated" if distance == "ring" else "contrary",
        sources=[PAIRS_SOURCE],
        latex=r"\lambda_j = \lambda_{n-j} \ (0 < j < n/2): \text{ eigenvalues in pairs, except the first and last}",
        params={"n": EVEN, "xi": st.floats(0.3, 3.0), "distance": st.just(distance)},
        assumptions=(("Sigma(xi) with the ring distance (circulant)" if distance == "ring" else
                      "reading: Sigma(xi) with the plain distance of note 003 (2) (Toeplitz)"),
                     "n even; the predicted spectrum (Rayleigh quotients of Re v_f, paired) against numpy's eigvalsh"),
        claimed=paired_spectrum,
        reference=lambda p: np.sort(np.linalg.eigvalsh(dm.covariance(p.n, p.xi, p.distance))),
        method="exact",
    )


# --------------------------------------------------------------------------- note 000 (66)
def cosine_columns(p) -> np.ndarray:
    r"""(66): :math:`P_{:,j} = \frac{1}{\sqrt n}[\cos(\frac{2\pi}{n}jk)]_k`, j = 0..n-1."""
    k = np.arange(p.n)
    return np.cos(2 * np.pi * np.outer(k, k) / p.n) / np.sqrt(p.n)


claim(
    "relu.fourier.eq66",
    sources=[eq(N000, "66")],
    latex=(r"P_{:,j} = \Re \frac{1}{\sqrt{n}} \begin{bmatrix} 1 \\ \omega^j \\ \omega^{2j} \\ \vdots \\ \omega^{(n-1)j} "
           r"\end{bmatrix} = \frac{1}{\sqrt{n}} \begin{bmatrix} 1 \\ \cos(\frac{2\pi}{n} j) \\ \cos(\frac{2\pi}{n} 2j) \\ \vdots \\ "
           r"\cos(\frac{2\pi}{n} (n-1)j) \end{bmatrix}."),
    params={"n": st.integers(3, 12)},
    assumptions=("reading: P is the orthogonal basis used in (63)-(65) (Sigma_1 = P Lambda_1 P^T, u = P^T w), "
                 "so P^T P = I is required",),
    claimed=lambda p: np.eye(p.n),
    reference=lambda p: cosine_columns(p).T @ cosine_columns(p),
    method="exact",
    diagnose=lambda p, c, ref: (
        f"columns j and n - j coincide (cos is even), so P has rank {np.linalg.matrix_rank(cosine_columns(p))} < n = {p.n}; "
        "the sine columns are missing (note 001 (34)-(35) adds them)"
    ),
    corrected=Correction(
        latex=r"(P^\top P)_{jk} = \tfrac12\big(\delta_{j \equiv k} + \delta_{j \equiv -k}\big) \pmod n",
        claimed=lambda p: 0.5 * (np.equal.outer(np.arange(p.n), np.arange(p.n)).astype(float)
                                 + np.equal.outer(np.arange(p.n), (-np.arange(p.n)) % p.n)),
        remark=("the Gram matrix of the cosine columns: rank n/2 + 1, so P is not orthogonal; the orthonormal real "
                "basis needs the sine columns and a factor sqrt(2) (note 001 (34)-(35))"),
    ),
)
