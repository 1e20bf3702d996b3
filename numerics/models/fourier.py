r"""Discrete Fourier bases and circulant matrices, built from numpy's FFT.

* :func:`dft_matrix` -- the unitary DFT matrix :math:`F_{kj} = \omega^{jk}/\sqrt n`,
  :math:`\omega = e^{-2\pi i/n}`, taken column by column from ``numpy.fft.fft``
  of the unit vectors (so it does not reuse any hand-written formula);
* :func:`real_fourier_basis` -- a real orthonormal basis of :math:`\mathbb R^n`
  made of the constant vector, :math:`\sqrt2\,\mathrm{Re}\,v_j` and
  :math:`\sqrt2\,\mathrm{Im}\,v_j` for :math:`0 < j < n/2`, and the alternating
  vector when n is even, ordered by frequency; it is obtained by
  orthonormalising (QR) the real and imaginary parts of the FFT columns, so
  its orthonormality is a computation, not an assumption;
* :func:`circulant` -- :math:`C_{ij} = c_{(i-j) \bmod n}` from a first column.

Every real symmetric circulant matrix is diagonal in :func:`real_fourier_basis`
(its eigenvalue for frequency j is :math:`\sum_d c_d \cos(2\pi jd/n)`); a
symmetric Toeplitz matrix that is not circulant is not.
"""

from __future__ import annotations

import numpy as np

from .ring import convolution_matrix as circulant  # noqa: F401 - the one circulant: C[i, j] = c[(i - j) mod n]


def dft_matrix(n: int) -> np.ndarray:
    r"""Unitary DFT matrix with columns :math:`v_j = (\omega^{jk})_k/\sqrt n`, :math:`\omega = e^{-2\pi i/n}`."""
    return np.fft.fft(np.eye(n), axis=0) / np.sqrt(n)


def frequencies(n: int) -> np.ndarray:
    """Frequency of each column of :func:`real_fourier_basis` (0, 1, 1, 2, 2, ..., [n/2])."""
    freqs = [0]
    for j in range(1, (n + 1) // 2):
        freqs += [j, j]
    if n % 2 == 0:
        freqs.append(n // 2)
    return np.asarray(freqs)


def real_fourier_basis(n: int) -> np.ndarray:
    r"""Real orthonormal Fourier basis, columns ordered as :func:`frequencies`.

    Columns: :math:`\mathrm{Re}\,v_0`, then :math:`\mathrm{Re}\,v_j, \mathrm{Im}\,v_j`
    for :math:`0<j<n/2`, then :math:`\mathrm{Re}\,v_{n/2}` (n even), each
    normalised (QR on the selected FFT columns; signs fixed so that the first
    nonzero entry of each column is positive).
    """
    f = dft_matrix(n)
    cols = [f[:, 0].real]
    for j in range(1, (n + 1) // 2):
        cols += [f[:, j].real, f[:, j].imag]
    if n % 2 == 0:
        cols.append(f[:, n // 2].real)
    raw = np.stack(cols, axis=1)
    q, r = np.linalg.qr(raw)
    q = q * np.sign(np.diag(r))[None, :]
    for k in range(n):
        first = q[np.argmax(np.abs(q[:, k]) > 1e-12), k]
        if first < 0:
            q[:, k] = -q[:, k]
    return q


def cyclic_shift(n: int) -> np.ndarray:
    r"""The shift down by one, :math:`(\mathcal C x)_{i+1} = x_i` (indices mod n), as a permutation matrix."""
    return np.roll(np.eye(n), 1, axis=0)


def off_diagonal_ratio(matrix: np.ndarray, basis: np.ndarray) -> float:
    r"""How far ``basis`` is from diagonalising ``matrix``: :math:`\|\mathrm{offdiag}(B^\top M B)\|_F / \|M\|_F`."""
    m = basis.T @ matrix @ basis
    off = m - np.diag(np.diag(m))
    return float(np.linalg.norm(off) / np.linalg.norm(matrix))
