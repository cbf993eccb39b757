"""nmfkit.NMF, a scikit-learn estimator: samples are the rows of X.

    NMFKIT_LIBRARY=build/capi/libnmf.so PYTHONPATH=python python3 examples/example_sklearn.py
"""
import numpy as np
import scipy.sparse as sp

import nmfkit

rng = np.random.default_rng(0)
X = rng.random((300, 4)) @ rng.random((4, 40))     # 300 samples x 40 features
X[X < 0.5] = 0
X = sp.csr_matrix(X)                               # any scipy.sparse format

model = nmfkit.NMF(n_components=4, init="nndsvda", beta_loss="kullback-leibler",
                   alpha_W=1e-4, l1_ratio=0.5, max_iter=300, random_state=0)
W = model.fit_transform(X)                         # X ≈ W @ model.components_
print(f"{model.n_iter_} iterations, reconstruction error "
      f"{model.reconstruction_err_:.4f}")
W_new = model.transform(X[:5])                     # components_ held fixed
print("W of 5 samples:", np.round(W_new, 3), sep="\n")

assert np.allclose(W_new, W[:5], atol=0.02)  # the fit is near a stationary point
