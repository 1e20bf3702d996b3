r"""Signals on the ring :math:`\mathbb{Z}_n` (the discretised torus of note 004).

* circular convolution :math:`(w * x)(\tau) = \sum_s w(s)\, x(\tau - s)`
  (indices mod n), by FFT for blocks of signals, and the explicit circulant
  matrix :math:`C_w[\tau, s] = w(\tau - s)` for enumeration;
* the unitary DFT :math:`(\mathcal F x)_k = n^{-1/2} \sum_t x_t e^{-2\pi i k t / n}`;
* uniform random positions on the ring from standard normals (so that a
  position can be part of a common-random-numbers block);
* the spectrum of a symmetric circulant matrix from its first row.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr


def circular_convolution(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    r""":math:`(w * x)(\tau) = \sum_s w(s) x(\tau - s)` for each row of x (shape (B, n)); by FFT."""
    w = np.asarray(w, float)
    return np.real(np.fft.ifft(np.fft.fft(w)[None, :] * np.fft.fft(x, axis=1), axis=1))


def convolution_matrix(w: np.ndarray) -> np.ndarray:
    r"""The circulant :math:`C[\tau, s] = w((\tau - s) \bmod n)`, so that :math:`(w * x) = C x`."""
    w = np.asarray(w, float)
    n = w.shape[0]
    idx = (np.arange(n)[:, None] - np.arange(n)[None, :]) % n
    return w[idx]


def shifted(w: np.ndarray, tau: int) -> np.ndarray:
    r"""The receptive field :math:`t \mapsto w((\tau - t) \bmod n)` (a shift of the reflected w), whose
    inner product with x is :math:`(w * x)(\tau)`."""
    n = w.shape[0]
    return np.asarray(w, float)[(tau - np.arange(n)) % n]


def unitary_dft(x: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""The unitary DFT :math:`\mathcal F` (norm="ortho"): :math:`\langle \mathcal F a, \mathcal F b\rangle = \langle a, b\rangle`."""
    return np.fft.fft(x, axis=axis, norm="ortho")


def uniform_positions(normals: np.ndarray, n: int) -> np.ndarray:
    r"""Positions :math:`\lfloor n\,\Phi(\varepsilon)\rfloor \in \{0, \dots, n-1\}`, uniform, from standard normals."""
    return np.minimum((n * ndtr(normals)).astype(int), n - 1)


def circulant_spectrum(first_row: np.ndarray) -> np.ndarray:
    r"""Eigenvalues :math:`\lambda_k = \sum_d c_d \cos(2\pi k d / n)` of a symmetric circulant matrix, k = 0..n-1."""
    return np.real(np.fft.fft(np.asarray(first_row, float)))


def fourier_mode(n: int, k: int) -> np.ndarray:
    r"""The real unit vector :math:`\cos(2\pi k t/n)` normalised (k = 0: the constant :math:`1/\sqrt n`)."""
    v = np.cos(2 * np.pi * k * np.arange(n) / n)
    return v / np.linalg.norm(v)
