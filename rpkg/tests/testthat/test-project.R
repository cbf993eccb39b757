test_that("projecting the training data reproduces coef()", {
  x <- noisy_data()
  fit <- nmf(x, 3, seed = 1, tol = 1e-12, maxit = 5000)
  p <- project(fit, x)
  expect_identical(dimnames(p), dimnames(coef(fit)))
  expect_lt(rel_diff(coef(fit), p), 1e-6)
})

test_that("project() solves new samples with the basis fixed", {
  d <- lowrank_data()
  fit <- nmf(d$x[, 1:30], 3, seed = 1, tol = 0, maxit = 500)
  new <- d$x[, 31:40]
  p <- project(fit, new)
  expect_identical(colnames(p), colnames(new))
  expect_true(all(p >= 0))
  # The held-out samples lie in the span of the true basis: exact fit.
  expect_lt(rel_diff(new, basis(fit) %*% p), 1e-6)
  # Features are matched by name, whatever their order.
  shuffled <- new[rev(seq_len(nrow(new))), ]
  expect_equal(project(fit, shuffled), p, tolerance = 1e-12)
})

test_that("project() accepts sparse newdata", {
  skip_if_not_installed("Matrix")
  d <- lowrank_data()
  fit <- nmf(d$x, 3, seed = 1)
  expect_equal(project(fit, methods::as(d$x, "CsparseMatrix")),
               project(fit, d$x), tolerance = 1e-10)
})

test_that("project() names missing features and wrong shapes", {
  x <- noisy_data()
  fit <- nmf(x, 3, seed = 1)
  expect_error(project(fit, x[1:40, ]), "newdata lacks 10 of the 50 features")
  expect_error(project(unname_fit <- nmf(unname(x), 3, seed = 1),
                       unname(x)[1:40, ]),
               "newdata has 40 rows but the fit has 50 features")
  bad <- x
  bad[2, 3] <- -5
  expect_error(project(fit, bad),
               "newdata has a negative value \\(-5\\) at row 2 \\('g2'\\), column 3 \\('s3'\\)")
})
