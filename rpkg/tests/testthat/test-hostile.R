# Hostile inputs through the R package: a corrupt dgCMatrix (slots edited
# by hand, bypassing validity), degenerate shapes, extreme magnitudes.  Each
# is answered with an error of the documented class naming the problem, or
# with finite factors that reproduce the input; never a crash of R.

corrupt <- function(sx, slot, value) {
  methods::slot(sx, slot, check = FALSE) <- value
  sx
}

test_that("a dgCMatrix with a corrupt structure is refused, not read out of bounds", {
  skip_if_not_installed("Matrix")
  x <- noisy_data()
  x[x < 0.5] <- 0
  sx <- methods::as(x, "CsparseMatrix")
  first <- sx@p[3] + 1L  # the first stored entry of column 3 (1-based)
  # Unsorted rows within column 3.
  i <- sx@i
  i[c(first, first + 1L)] <- i[c(first + 1L, first)]
  expect_error(nmf(corrupt(sx, "i", i), 2), "not sorted",
               class = "nmfkit_error_sparse_structure")
  # A duplicate row.
  i <- sx@i
  i[first + 1L] <- i[first]
  expect_error(nmf(corrupt(sx, "i", i), 2), "duplicate row index",
               class = "nmfkit_error_sparse_structure")
  # A row index beyond nrow (and a negative one).
  i <- sx@i
  i[first] <- 50L
  expect_error(nmf(corrupt(sx, "i", i), 2), "out of range",
               class = "nmfkit_error_sparse_structure")
  i[first] <- -1L
  expect_error(nmf(corrupt(sx, "i", i), 2), "out of range",
               class = "nmfkit_error_sparse_structure")
  # Decreasing column pointers, and pointers that do not start at 0.
  p <- sx@p
  p[5] <- p[6] + 3L
  expect_error(nmf(corrupt(sx, "p", p), 2), "decreasing",
               class = "nmfkit_error_sparse_structure")
  p <- sx@p
  p[1] <- 1L
  expect_error(nmf(corrupt(sx, "p", p), 2), "col_ptr\\[0\\]",
               class = "nmfkit_error_sparse_structure")
  # Pointers beyond the stored entries: never read past the end of i or x.
  p <- sx@p
  p[length(p)] <- p[length(p)] + 100L
  expect_error(nmf(corrupt(sx, "p", p), 2))
  expect_error(nmf(corrupt(sx, "i", sx@i[-1]), 2))
  # R is still fine: the intact matrix fits.
  expect_s4_class(nmf(sx, 2, maxit = 5), "nmfkitFit")
})

test_that("all-zero rows and columns are fitted, with zero factors there", {
  x <- lowrank_data()$x
  x[7, ] <- 0
  x[, 12] <- 0
  for (input in list(x, methods::as(x, "CsparseMatrix"))) {
    fit <- nmf(input, 3, maxit = 500, tol = 0)
    expect_true(all(basis(fit)[7, ] == 0))
    expect_true(all(coef(fit)[, 12] == 0))
    expect_lt(norm(x - fitted(fit), "F") / norm(x, "F"), 1e-3)
  }
})

test_that("one row, one column and k = 1 are exact rank-one fits", {
  set.seed(3)
  for (shape in list(c(1, 9), c(11, 1), c(1, 1))) {
    x <- matrix(stats::runif(prod(shape), 0.5, 2), shape[1], shape[2])
    fit <- nmf(x, 1, maxit = 20)
    expect_lt(norm(x - fitted(fit), "F") / norm(x, "F"), 1e-8)
  }
  expect_error(nmf(matrix(1, 1, 5), 2), "exceeds min\\(m, n\\) = 1",
               class = "nmfkit_error_rank")
  expect_error(nmf(matrix(numeric(0), 4, 0), 1), "empty")
})

test_that("magnitudes near the ends of the double range give finite, scaled factors", {
  x <- lowrank_data()$x
  for (init in c("random", "nndsvd")) {
    base <- nmf(x, 3, init = init, maxit = 50, tol = 0, seed = 1)
    for (s in c(1e-300, 1e300)) {
      fit <- nmf(x * s, 3, init = init, maxit = 50, tol = 0, seed = 1)
      expect_true(all(is.finite(basis(fit))) && all(is.finite(coef(fit))))
      # The same factors, the scale carried by coef() (basis columns sum to 1).
      expect_equal(basis(fit), basis(base), tolerance = 1e-6)
      expect_equal(coef(fit) / s, coef(base), tolerance = 1e-6)
    }
  }
  # NNDSVDa's fill, mean(x) in the caller's units, is about 1e150 times the
  # scale of the factors here: the products overflow, reported as such
  # rather than returned as zero factors.
  expect_error(nmf(x * 1e300, 3, init = "nndsvda"), "non-finite",
               class = "nmfkit_error_numerical")
  # Entries near the largest double overflow the products: a clear error.
  expect_error(nmf(x / max(x) * 1e307, 3, init = "random"), "overflow",
               class = "nmfkit_error_numerical")
})
