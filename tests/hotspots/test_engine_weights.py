"""Space-time weights built by index arithmetic equal the Kronecker-product definition."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from wijkregie.hotspots._weights import drop_diagonal
from wijkregie.hotspots.engine import grid_weights, spacetime_weights


def _kron_reference(spatial: sparse.csr_matrix, periods: int, lag: int) -> np.ndarray:
    """The definition: I_T (x) S for the same period, plus shift_lag (x) (S + I) per lag."""
    s = spatial.toarray()
    n = s.shape[0]
    out = np.kron(np.eye(periods), s)
    for k in range(1, lag + 1):
        out += np.kron(np.eye(periods, k=-k), s + np.eye(n))
    return out


@pytest.mark.parametrize(("shape", "periods", "lag"), [((3, 4), 5, 1), ((4, 4), 6, 2),
                                                       ((2, 3), 3, 5), ((1, 1), 4, 1)])
def test_spacetime_weights_match_the_kronecker_definition(shape, periods, lag):
    w = spacetime_weights(grid_weights(shape), periods, lag)
    assert np.array_equal(w.toarray(), _kron_reference(grid_weights(shape), periods, lag))
    assert w.has_sorted_indices and w.diagonal().sum() == 0


def test_drop_diagonal_removes_self_weights_and_zeros_without_touching_the_input():
    m = sparse.csr_matrix(np.array([[1.0, 2.0, 0.0], [0.0, 3.0, 4.0], [5.0, 0.0, 0.0]]))
    m.data[1] = 0.0  # an explicitly stored zero
    before = m.toarray().copy()
    out = drop_diagonal(m, copy=True)
    assert np.array_equal(out.toarray(), [[0, 0, 0], [0, 0, 4], [5, 0, 0]])
    assert out.nnz == 2
    assert np.array_equal(m.toarray(), before)
