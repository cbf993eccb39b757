test_that("negative, NA, NaN and infinite entries are named with their place", {
  x <- noisy_data()
  bad <- x
  bad[3, 5] <- -1
  expect_error(nmf(bad, 2),
               "x has a negative value \\(-1\\) at row 3 \\('g3'\\), column 5 \\('s5'\\)",
               class = "nmfkit_error_negative")
  bad[3, 5] <- NA
  expect_error(nmf(bad, 2), "x has a missing value \\(NA\\) at row 3 \\('g3'\\)",
               class = "nmfkit_error_not_finite")
  bad[3, 5] <- NaN
  expect_error(nmf(bad, 2), "x has a NaN at row 3 \\('g3'\\), column 5",
               class = "nmfkit_error_not_finite")
  bad[3, 5] <- Inf
  expect_error(nmf(bad, 2), "x has an infinite value \\(Inf\\) at row 3",
               class = "nmfkit_error_not_finite")
  # Without names, the positions alone.
  expect_error(nmf(unname(bad), 2), "at row 3, column 5;")
})

test_that("bad entries of a dgCMatrix are located too", {
  skip_if_not_installed("Matrix")
  x <- noisy_data()
  sx <- methods::as(x, "CsparseMatrix")
  sx[7, 4] <- -2
  expect_error(nmf(sx, 2),
               "x has a negative value \\(-2\\) at row 7 \\('g7'\\), column 4 \\('s4'\\)")
  sx[7, 4] <- NA
  expect_error(nmf(sx, 2), "x has a missing value \\(NA\\) at row 7")
})

test_that("k out of range or not a whole number is an error", {
  x <- noisy_data()
  expect_error(nmf(x, 31),
               "k = 31 exceeds min\\(m, n\\) = 30 \\(x has 50 rows and 30 columns\\)",
               class = "nmfkit_error_rank")
  expect_error(nmf(x, 0), "'k' must be a whole number >= 1, not 0")
  expect_error(nmf(x, 2.5), "'k' must be a whole number >= 1, not 2.5")
  expect_error(nmf(x, NA), "'k' must be a whole number")
  # Several ranks are a rank survey (consensus clustering), not an error.
  expect_s4_class(nmf(x, c(2, 3), nrun = 2), "nmfkitSurvey")
  expect_error(nmf(x, c(2, NA)), "'k' must be one or more whole numbers")
})

test_that("user W and H of the wrong size or with bad entries are errors", {
  x <- noisy_data()
  expect_error(nmf(x, 2, init = list(W = matrix(1, 50, 3))),
               "init\\$W must be 50 x 2 \\(nrow\\(x\\) x k\\), not 50 x 3")
  expect_error(nmf(x, 2, init = list(H = matrix(1, 2, 29))),
               "init\\$H must be 2 x 30 \\(k x ncol\\(x\\)\\), not 2 x 29")
  w <- matrix(1, 50, 2)
  w[4, 2] <- -3
  expect_error(nmf(x, 2, init = list(W = w)),
               "init\\$W has a negative value \\(-3\\) at row 4, column 2")
  h <- matrix(1, 2, 30)
  h[1, 6] <- NA
  expect_error(nmf(x, 2, init = list(H = h)),
               "init\\$H has a missing value \\(NA\\) at row 1, column 6")
  expect_error(nmf(x, 2, init = list(V = w)), "'init' must be one of")
  expect_error(nmf(x, 2, init = "svd"), "'init' must be one of \"random\"")
})

test_that("unsupported inputs are named", {
  expect_error(nmf(letters, 2), "x is of class 'character', which nmfkit cannot read")
  expect_error(nmf(list(1, 2), 2), "x is of class 'list'")
  expect_error(nmf(iris, 2), "x has non-numeric columns \\(Species\\)")
  expect_error(nmf(matrix(c("a", "b"), 1), 1), "x is a character matrix")
  expect_error(nmf(matrix(numeric(0), 0, 3), 1), "x is empty \\(0 x 3\\)")
  expect_error(nmf(matrix(0, 4, 3), 1), "x is entirely zero")
  expect_error(nmf(noisy_data(), 2, assay = "counts"),
               "'assay' applies only to SummarizedExperiment objects")
})

test_that("bad options are named", {
  x <- noisy_data()
  expect_error(nmf(x, 2, maxit = -1), "'maxit' must be a whole number >= 0")
  expect_error(nmf(x, 2, tol = -1), "'tol' must be a finite number >= 0")
  expect_error(nmf(x, 2, L1 = c(1, -1)), "'L1' must be a finite number >= 0, not -1")
  expect_error(nmf(x, 2, L2 = c(1, 2, 3)), "'L2' must be one or two")
  expect_error(nmf(x, 2, threads = -2), "'threads' must be a whole number >= 0")
  expect_error(nmf(x, 2, seed = -1), "'seed' must be a whole number between 0 and 2\\^53")
  expect_error(nmf(x, 2, seed = 1.5), "'seed' must be a whole number")
  expect_error(nmf(x, 2, loss = "poisson"), "'loss' must be one of \"frobenius\"")
  expect_error(nmf(x, 2, control = list(alpha = 1)), "unknown 'control' entries: alpha")
  # Checked in R against the library's bounds (nmf_option_info), with the
  # library's error class; the message names the control entry.
  expect_error(nmf(x, 2, control = list(hals_delta = 2)),
               "'control$hals_delta' must be a finite number in [0, 1), not 2",
               fixed = TRUE, class = "nmfkit_error_invalid_argument")
})
