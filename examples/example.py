"""Factor a small non-negative matrix with nmfkit (the Python binding of libnmf).

    NMFKIT_LIBRARY=build/capi/libnmf.so PYTHONPATH=python python3 examples/example.py
"""
import numpy as np

import nmfkit

# A 200 x 50 matrix of rank 4 plus a little noise, e.g. genes x samples.
rng = np.random.default_rng(0)
A = rng.random((200, 4)) @ rng.random((4, 50)) + 0.01 * rng.random((200, 50))

fit = nmfkit.fit(A, k=4, seed=1, maxit=500)        # A ≈ W @ diag(d) @ H
print(f"libnmf {nmfkit.library_version()}: {fit.iterations} iterations, "
      f"stopped by {fit.stop_reason}, relative error {fit.rel_error:.3e}")
print("d =", np.round(fit.d, 3))                  # component scales, largest first
print("top genes of component 1:", np.argsort(fit.W[:, 0])[::-1][:5])

# Invalid input raises NmfError with the library's explanation.
try:
    nmfkit.fit(A, k=60)
except nmfkit.NmfError as e:
    print("error:", e)

assert fit.rel_error < 0.02
