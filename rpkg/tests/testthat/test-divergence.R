# loss = "kl"/"beta", solver = "mu"/"cd", beta, missing, weights, mu_eps.

kl <- function(x, y) sum(ifelse(x > 0, x * log(x / y), 0) - x + y)
beta_div <- function(x, y, b)
  sum((x^b + (b - 1) * y^b - b * x * y^(b - 1)) / (b * (b - 1)))

counts_data <- function(seed = 3) {
  x <- withr_seed(seed, matrix(stats::rpois(40 * 25, 3), 40))
  x[1, ] <- x[1, ] + 1
  dimnames(x) <- list(paste0("g", 1:40), paste0("s", 1:25))
  x
}

test_that("the reported loss is the divergence of the fit, which never rises", {
  x <- counts_data()
  for (solver in c("mu", "cd")) {
    fit <- nmf(x, 3, loss = "kl", solver = solver, maxit = 40, tol = 0, seed = 1)
    expect_equal(fit@loss, kl(x, fitted(fit)), tolerance = 1e-9)
    expect_true(all(diff(fit@loss_history) <= 1e-12 * fit@loss_history[-1]))
    expect_true(all(basis(fit) >= 0) && all(coef(fit) >= 0))
    expect_identical(fit@options$solver_used, solver)
  }
  fit <- nmf(x, 3, loss = "beta", beta = 1.5, maxit = 40, tol = 0, seed = 1)
  expect_identical(fit@options$solver_used, "mu")
  expect_equal(fit@loss, beta_div(x, fitted(fit), 1.5), tolerance = 1e-9)
  expect_true(all(diff(fit@loss_history) <= 1e-12 * fit@loss_history[-1]))
  # auto for KL: MU, on a dense and on a sparse matrix alike.
  expect_identical(nmf(x, 2, loss = "kl", maxit = 2)@options$solver_used, "mu")
  expect_output(show(fit), "loss: beta \\(beta = 1.5\\), solver: mu")
  skip_if_not_installed("Matrix")
  expect_identical(nmf(Matrix::Matrix(x, sparse = TRUE), 2, loss = "kl",
                       maxit = 2)@options$solver_used, "mu")
})

test_that("beta = 2 and beta = 1 reproduce frobenius and kl", {
  x <- counts_data()
  a <- nmf(x, 3, loss = "frobenius", solver = "mu", maxit = 20, seed = 2)
  b <- nmf(x, 3, loss = "beta", beta = 2, solver = "mu", maxit = 20, seed = 2)
  expect_equal(basis(a), basis(b), tolerance = 1e-13)
  expect_equal(coef(a), coef(b), tolerance = 1e-13)
  a <- nmf(x, 3, loss = "kl", solver = "mu", maxit = 20, seed = 2)
  b <- nmf(x, 3, loss = "beta", beta = 1, solver = "mu", maxit = 20, seed = 2)
  expect_equal(basis(a), basis(b), tolerance = 1e-13)
  expect_equal(a@loss_history, b@loss_history, tolerance = 1e-13)
})

test_that("NA entries under missing = 'na' are ignored, like weight 0", {
  x <- counts_data()
  holes <- withr_seed(4, sample(length(x), 60))
  xna <- x
  xna[holes] <- NA
  w <- matrix(1, nrow(x), ncol(x))
  w[holes] <- 0
  xother <- x
  xother[holes] <- 1e6
  for (solver in c("mu", "cd")) {
    a <- nmf(xna, 3, loss = "kl", solver = solver, missing = "na", maxit = 30,
             seed = 5)
    b <- nmf(xother, 3, loss = "kl", solver = solver, weights = w, maxit = 30,
             seed = 5)
    expect_identical(basis(a), basis(b))
    expect_identical(coef(a), coef(b))
    observed <- !is.na(xna)
    expect_equal(a@loss, kl(x[observed], fitted(a)[observed]), tolerance = 1e-9)
  }
  expect_error(nmf(xna, 3, loss = "kl"), "missing value \\(NA\\)",
               class = "nmfkit_error_not_finite")
})

test_that("weight 2 on a column equals the column twice", {
  x <- counts_data()
  x2 <- cbind(x, dup = x[, 4])
  w <- matrix(1, nrow(x), ncol(x))
  w[, 4] <- 2
  start <- withr_seed(6, list(W = matrix(stats::runif(40 * 3, 0.1, 1), 40),
                              H = matrix(stats::runif(3 * 25, 0.1, 1), 3)))
  start2 <- list(W = start$W, H = cbind(start$H, start$H[, 4]))
  a <- nmf(x, 3, loss = "kl", solver = "mu", weights = w, init = start,
           maxit = 20, tol = 0)
  b <- nmf(x2, 3, loss = "kl", solver = "mu", init = start2, maxit = 20, tol = 0)
  expect_equal(a@loss, b@loss, tolerance = 1e-10)
  expect_equal(fitted(a), fitted(b)[, 1:25], tolerance = 1e-9)
})

test_that("sparse input: unstored entries are zeros or, if asked, missing", {
  skip_if_not_installed("Matrix")
  x <- counts_data()
  sx <- methods::as(x, "CsparseMatrix")
  dense <- nmf(x, 3, loss = "kl", solver = "mu", maxit = 20, seed = 7)
  sparse <- nmf(sx, 3, loss = "kl", solver = "mu", maxit = 20, seed = 7)
  expect_equal(basis(sparse), basis(dense), tolerance = 1e-9)
  unst <- nmf(sx, 3, loss = "kl", missing = "unstored", maxit = 20, seed = 7)
  stored <- x != 0
  expect_equal(unst@loss, kl(x[stored], fitted(unst)[stored]), tolerance = 1e-9)
  # Per-entry weights of a dgCMatrix, as a vector aligned with x@x.
  wv <- rep(1, length(sx@x))
  wv[1:10] <- 0
  wm <- matrix(1, nrow(x), ncol(x))
  wm[cbind(sx@i[1:10] + 1L, rep(seq_len(ncol(sx)), diff(sx@p))[1:10])] <- 0
  a <- nmf(sx, 3, loss = "kl", weights = wv, maxit = 10, seed = 8)
  b <- nmf(sx, 3, loss = "kl", weights = wm, maxit = 10, seed = 8)
  expect_identical(basis(a), basis(b))
  expect_error(nmf(sx, 3, loss = "kl", missing = "na"), "NMF_MISSING_NAN",
               class = "nmfkit_error_invalid_argument")
})

test_that("invalid divergence arguments are errors naming the problem", {
  x <- counts_data()
  expect_error(nmf(x, 2, loss = "poisson"), "'loss' must be one of")
  expect_error(nmf(x, 2, loss = "beta", beta = NA), "'beta' must be a finite number, not NA")
  expect_error(nmf(x, 2, loss = "beta", beta = c(1, 2)), "'beta' must be a finite number")
  expect_error(nmf(x, 2, loss = "kl", solver = "hals"), "solver hals",
               class = "nmfkit_error_invalid_argument")
  expect_error(nmf(x, 2, solver = "cd"), "solver cd",
               class = "nmfkit_error_invalid_argument")
  # Sparse NMF, nsNMF and extrapolation belong to the Frobenius solvers.
  expect_error(nmf(x, 2, loss = "kl", sparse = c(0, 1)),
               "sparse_h \\(sparse NMF\\) is not available with solver mu",
               class = "nmfkit_error_invalid_argument")
  expect_error(nmf(x, 2, loss = "beta", beta = 1.5, theta = 0.5),
               "ns_theta \\(nsNMF\\) is not available with solver mu",
               class = "nmfkit_error_invalid_argument")
  expect_error(nmf(x, 2, loss = "kl", control = list(extrapolation = "on")),
               "extrapolation is not available with solver mu",
               class = "nmfkit_error_invalid_argument")
  expect_error(nmf(x, 2, weights = matrix(1, 3, 3)),
               "'weights' must be a numeric 40 x 25 matrix")
  w <- matrix(1, 40, 25)
  w[2, 3] <- -1
  expect_error(nmf(x, 2, loss = "kl", weights = w),
               "weights has a negative entry \\(-1\\) at row 2, column 3",
               class = "nmfkit_error_invalid_argument")
  expect_error(nmf(x, 2, loss = "beta", beta = 0), "positive",
               class = "nmfkit_error_invalid_argument")
  expect_error(nmf(x, 2, missing = "unstored"), "NMF_MISSING_UNSTORED",
               class = "nmfkit_error_invalid_argument")
  expect_error(nmf(x, 2, control = list(mu_eps = -1)), "'control\\$mu_eps' must be")
})
