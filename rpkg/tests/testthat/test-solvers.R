# The solvers and options beyond accelerated HALS: ANLS, extrapolation,
# weights and missing values, sparse NMF and nsNMF.

# The loss 1/2 sum w (x - fitted)^2 over the observed entries, computed here.
weighted_loss <- function(x, fit, w) {
  r <- x - fitted(fit)
  r[w == 0] <- 0
  0.5 * sum(w * r^2)
}

test_that("auto is HALS with extrapolation; every solver fits and reports itself", {
  d <- lowrank_data()
  auto <- nmf(d$x, 3, seed = 1, maxit = 50)
  expect_identical(auto@options$solver_used, "hals")
  expect_true(auto@options$extrapolation_used)
  for (solver in c("hals", "anls")) {
    for (ex in c("on", "off")) {
      fit <- nmf(d$x, 3, seed = 1, solver = solver, maxit = 2000, tol = 1e-12,
                 control = list(extrapolation = ex))
      expect_identical(fit@options$solver_used, solver)
      expect_identical(fit@options$extrapolation_used, ex == "on")
      expect_true(all(basis(fit) >= 0) && all(coef(fit) >= 0))
      expect_lt(sqrt(sum((d$x - fitted(fit))^2)) / sqrt(sum(d$x^2)), 1e-4)
      # Non-increasing up to the rounding of the loss (~eps sum(x^2)): the
      # data are exactly rank 3, so the loss itself goes to ~0.
      h <- fit@loss_history
      expect_true(all(diff(h) <= 1e-9 * h[-length(h)] + 1e-13 * sum(d$x^2)))
    }
  }
})

test_that("control$sketch warm-starts on a sketch and still fits x", {
  d <- lowrank_data()
  fit <- nmf(d$x, 3, seed = 1, maxit = 2000, tol = 1e-12,
             control = list(sketch = "on", sketch_rank = 6))
  expect_identical(fit@options$sketch_rank, 6)
  expect_gt(fit@options$sketch_iterations, 0)
  expect_identical(length(fit@loss_history), as.integer(fit@iterations))
  expect_lt(sqrt(sum((d$x - fitted(fit))^2)) / sqrt(sum(d$x^2)), 1e-4)
  off <- nmf(d$x, 3, seed = 1, maxit = 5, control = list(sketch = "off"))
  expect_identical(off@options$sketch_rank, 0)
  expect_identical(off@options$sketch_iterations, 0)
  expect_error(nmf(d$x, 3, control = list(sketch = "yes")), "control\\$sketch")
  expect_error(nmf(d$x, 3, control = list(sketch_rank = -1)), "sketch_rank")
  expect_error(nmf(d$x, 3, loss = "kl", control = list(sketch = "on")),
               "sketch is not available", class = "nmfkit_error_invalid_argument")
})

test_that("NA entries are missing values: their values never matter", {
  d <- lowrank_data()
  x <- d$x
  holes <- cbind(c(3, 10, 20, 41), c(2, 7, 33, 15))
  x[holes] <- NA
  expect_error(nmf(x, 3, seed = 1), "missing value", class = "nmfkit_error_not_finite")
  fit <- nmf(x, 3, seed = 1, missing = "na", maxit = 3000, tol = 1e-12)
  expect_identical(fit@options$solver_used, "anls")
  # Exactly rank 3: the missing entries are predicted from the others.
  expect_lt(max(abs(fitted(fit)[holes] - d$x[holes])), 1e-3 * max(d$x))
  # Weight 0 is the same as NA, whatever the value underneath.
  w <- matrix(1, nrow(x), ncol(x))
  w[holes] <- 0
  x2 <- d$x
  x2[holes] <- 1e6
  fit_na <- nmf(x, 3, seed = 2, init = "random", missing = "na", maxit = 40)
  fit_w <- nmf(x2, 3, seed = 2, init = "random", weights = w, maxit = 40)
  expect_identical(basis(fit_na), basis(fit_w))
  expect_identical(coef(fit_na), coef(fit_w))
})

test_that("a weight of 2 equals duplicating a sample", {
  x <- noisy_data()
  w <- matrix(1, nrow(x), ncol(x))
  w[, 4] <- 2
  xd <- cbind(x, dup = x[, 4])
  start_w <- withr_seed(3, matrix(stats::runif(nrow(x) * 2), nrow(x)))
  start_h <- withr_seed(4, matrix(stats::runif(2 * ncol(x)), 2))
  fw <- nmf(x, 2, init = list(W = start_w, H = start_h), weights = w,
            solver = "anls", maxit = 30, tol = 0)
  fd <- nmf(xd, 2, init = list(W = start_w, H = cbind(start_h, start_h[, 4])),
            solver = "anls", maxit = 30, tol = 0,
            control = list(extrapolation = "off"))
  expect_lt(rel_diff(fitted(fw), fitted(fd)[, seq_len(ncol(x))]), 1e-8)
  expect_lt(abs(fw@loss - weighted_loss(x, fw, w)) / fw@loss, 1e-9)
})

test_that("a dgCMatrix with unstored entries missing never needs a dense copy", {
  skip_if_not_installed("Matrix")
  d <- lowrank_data()
  x <- d$x
  hidden <- withr_seed(8, matrix(stats::runif(length(x)) < 0.3, nrow(x)))
  obs <- x
  obs[hidden] <- 0
  sx <- methods::as(obs, "CsparseMatrix")
  fit <- nmf(sx, 3, seed = 1, missing = "unstored", maxit = 3000, tol = 1e-12)
  expect_identical(fit@options$missing, "unstored")
  # Hidden entries are predicted, not fitted as zeros.
  expect_lt(max(abs(fitted(fit)[hidden & x > 0] - x[hidden & x > 0])),
            1e-2 * max(x))
  # Sparse weights: one per stored entry, or a matrix with the same pattern.
  sw <- sx
  sw@x[] <- 1
  f1 <- nmf(sx, 3, seed = 1, weights = sw, maxit = 20)
  f2 <- nmf(sx, 3, seed = 1, weights = sw@x, maxit = 20)
  expect_identical(basis(f1), basis(f2))
})

test_that("snmf/r (sparse = c(0, beta), L2 = c(eta, 0)) gives a sparser H", {
  x <- lowrank_data()$x + withr_seed(9, matrix(stats::runif(60 * 40, 0, 0.3), 60))
  plain <- nmf(x, 3, seed = 1, solver = "anls", maxit = 300)
  sp <- nmf(x, 3, seed = 1, solver = "anls", sparse = c(0, 0.05), L2 = c(1, 0),
            maxit = 300)
  expect_gt(sum(coef(sp) == 0), sum(coef(plain) == 0) + 10)
  expect_lt(sum((x - fitted(sp))^2), 3 * sum((x - fitted(plain))^2))
})

test_that("nsNMF with theta = 0 is plain NMF; theta > 0 keeps fitted() exact", {
  x <- noisy_data()
  a <- nmf(x, 3, seed = 1, maxit = 50)
  b <- nmf(x, 3, seed = 1, maxit = 50, theta = 0)
  expect_identical(basis(a), basis(b))
  s <- nmf(x, 3, seed = 1, maxit = 200, theta = 0.5, solver = "anls")
  expect_lt(abs(s@loss - 0.5 * sum((x - fitted(s))^2)) / s@loss, 1e-8)
})

test_that("every new argument is validated with a clear message", {
  x <- noisy_data()
  expect_error(nmf(x, 2, solver = "newton"), "'solver' must be one of \"auto\"")
  expect_error(nmf(x, 2, missing = "zero"), "'missing' must be one of \"none\"")
  expect_error(nmf(x, 2, weights = matrix(1, 2, 2)),
               "'weights' must be a numeric 50 x 30 matrix \\(the dimensions of x\\)")
  w <- matrix(1, 50, 30)
  w[4, 6] <- -1
  expect_error(nmf(x, 2, weights = w), "weights has a negative entry \\(-1\\) at row 4, column 6",
               class = "nmfkit_error_invalid_argument")
  expect_error(nmf(x, 2, sparse = -1), "'sparse' must be a finite number >= 0, not -1")
  expect_error(nmf(x, 2, theta = 2), "'theta' must be a finite number in [0, 1], not 2",
               fixed = TRUE)
  expect_error(nmf(x, 2, control = list(extrapolation = "sometimes")),
               "'control\\$extrapolation' must be one of \"auto\", \"off\", \"on\"")
  expect_error(nmf(x, 2, control = list(extrap_eta = 1)),
               "'control$extrap_eta' must be a finite number > 1, not 1", fixed = TRUE)
  expect_error(nmf(x, 2, missing = "unstored"), "NMF_MISSING_UNSTORED needs a sparse")
  expect_error(nmf(x, 2, weights = w * 0 + 1, sparse = c(0, 1)),
               "sparse_h \\(sparse NMF\\) is not supported with entry weights")
  skip_if_not_installed("Matrix")
  sx <- methods::as(x, "CsparseMatrix")
  expect_error(nmf(sx, 2, weights = 1:3),
               "one weight per stored entry \\(length\\(x@x\\) = 1500\\)")
  expect_error(nmf(sx, 2, missing = "na"), "NMF_MISSING_NAN needs a dense input")
})
