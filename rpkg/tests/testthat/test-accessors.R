test_that("fitted() is basis() %*% coef() and residuals() is x - fitted()", {
  x <- noisy_data()
  fit <- nmf(x, 4, seed = 1)
  expect_equal(fitted(fit), basis(fit) %*% coef(fit), tolerance = 1e-14)
  expect_identical(residuals(fit, x), x - fitted(fit))
  # The reported relative error is ||x - fitted|| / ||x||.
  expect_equal(fit@rel_error, sqrt(sum(residuals(fit, x)^2) / sum(x^2)),
               tolerance = 1e-8)
  expect_error(residuals(nmf(x, 4, seed = 1, keep_data = FALSE)),
               "did not keep its data")
  expect_error(residuals(fit, x[, -1]), "x is 50 x 29 but the fit is 50 x 30")
})

test_that("the output is canonical: basis columns sum to 1, scales decrease", {
  x <- noisy_data()
  fit <- nmf(x, 4, seed = 1)
  expect_equal(unname(colSums(basis(fit))), rep(1, 4), tolerance = 1e-12)
  expect_equal(unname(rowSums(coef(fit, scale = FALSE))), rep(1, 4),
               tolerance = 1e-12)
  expect_equal(coef(fit), scales(fit) * coef(fit, scale = FALSE))
  expect_equal(unname(rowSums(coef(fit))), unname(scales(fit)),
               tolerance = 1e-12)
  expect_false(is.unsorted(rev(scales(fit))))
  expect_true(all(basis(fit) >= 0) && all(coef(fit) >= 0))
})

test_that("dimnames are carried from the input to the factors", {
  x <- noisy_data()
  fit <- nmf(x, 3, seed = 1)
  comps <- c("NMF1", "NMF2", "NMF3")
  expect_identical(dimnames(basis(fit)), list(rownames(x), comps))
  expect_identical(dimnames(coef(fit)), list(comps, colnames(x)))
  expect_identical(names(scales(fit)), comps)
  expect_identical(dimnames(fitted(fit)), dimnames(x))
  expect_identical(names(predict(fit)), colnames(x))
  expect_identical(names(predict(fit, "features")), rownames(x))
  # Without names, the factors have component names only.
  fit2 <- nmf(unname(x), 3, seed = 1)
  expect_null(rownames(basis(fit2)))
  expect_identical(colnames(basis(fit2)), comps)
  expect_null(colnames(coef(fit2)))
})

test_that("iterations, loss history and stop reason describe the run", {
  x <- noisy_data()
  fit <- nmf(x, 3, seed = 1, tol = 1e-4)
  expect_identical(fit@stop_reason, "tol")
  expect_length(fit@loss_history, fit@iterations)
  expect_identical(fit@loss, fit@loss_history[fit@iterations])
  # HALS never increases the loss.
  expect_true(all(diff(fit@loss_history) <= 1e-12 * fit@loss_history[-1]))
  h <- fit@loss_history
  n <- length(h)
  expect_lt((h[n - 1] - h[n]) / h[n - 1], 1e-4)
  fit2 <- nmf(x, 3, seed = 1, tol = 0, maxit = 7)
  expect_identical(fit2@stop_reason, "maxit")
  expect_identical(fit2@iterations, 7L)
  fit0 <- nmf(x, 3, seed = 1, maxit = 0)
  expect_identical(fit0@stop_reason, "none")
  expect_identical(fit0@iterations, 0L)
})

test_that("predict() gives the component with the largest contribution", {
  x <- noisy_data()
  fit <- nmf(x, 3, seed = 1)
  cl <- predict(fit)
  expect_s3_class(cl, "factor")
  expect_identical(levels(cl), c("NMF1", "NMF2", "NMF3"))
  expect_identical(as.integer(cl), unname(apply(coef(fit), 2, which.max)))
  p <- predict(fit, prob = TRUE)
  expect_identical(dim(p), c(30L, 3L))
  expect_equal(unname(rowSums(p)), rep(1, 30))
  expect_equal(p, t(coef(fit)) / colSums(coef(fit)))
  # Features: W diag(d), the share of each gene's fitted total.
  f <- predict(fit, "features")
  contrib <- basis(fit) %*% diag(scales(fit))
  expect_identical(as.integer(f), unname(apply(contrib, 1, which.max)))
  pf <- predict(fit, "features", prob = TRUE)
  expect_equal(unname(pf), unname(contrib / rowSums(contrib)))
})

test_that("summary() reports the fit and, with classes, purity and entropy", {
  x <- noisy_data()
  fit <- nmf(x, 2, seed = 1)
  s <- summary(fit)
  expect_s3_class(s, "summary.nmfkitFit")
  expect_identical(s$k, 2L)
  expect_equal(s$explained, 1 - fit@rel_error^2)
  cl <- predict(fit)
  s2 <- summary(fit, class = cl)
  expect_identical(s2$purity, 1)
  expect_identical(s2$entropy, 0)
  expect_output(print(s2), "purity")
  expect_output(show(fit), "rank 2 factorization of 50 features x 30 samples")
  expect_error(summary(fit, class = cl[-1]), "'class' has 29 labels")
})

test_that("L1 penalties make the factors sparser", {
  x <- noisy_data()
  plain <- nmf(x, 4, seed = 1)
  sparse <- nmf(x, 4, seed = 1, L1 = 0.1)
  expect_identical(sparse@options$L1, c(0.1, 0.1))
  expect_gt(summary(sparse)$sparseness[["coef"]],
            summary(plain)$sparseness[["coef"]])
  expect_gt(mean(coef(sparse) == 0), mean(coef(plain) == 0))
})

test_that("a previous fit or user matrices can start a fit", {
  x <- noisy_data()
  first <- nmf(x, 3, seed = 1, maxit = 5, tol = 0)
  more <- nmf(x, 3, init = first, maxit = 50, tol = 0)
  expect_identical(more@init, "user")
  expect_lt(more@loss, first@loss)
  w <- basis(first)
  only_w <- nmf(x, 3, init = list(W = w), maxit = 0)
  # With only W given, H is its non-negative least-squares solution.
  expect_equal(fitted(only_w), basis(first) %*% project(first, x),
               tolerance = 1e-8)
})

test_that("penalties follow the documented objective when x is rescaled", {
  # For 1/2 ||x - WH||^2 + l1_w sum(W) + l1_h sum(H) + l2_w/2 ||W||^2 +
  # l2_h/2 ||H||^2, scaling x by c, the L1 penalties by c^1.5 and the L2
  # penalties by c maps a solution (W, H) to (sqrt(c) W, sqrt(c) H): the
  # same basis, coef() = diag(d) H and scales times c.  A wrong conversion of the
  # penalties to the core's internal units breaks this.  (c = 64 keeps the
  # scaled data and penalties exact in binary.  The start must scale the
  # same way: NNDSVD does, NNDSVDa's fill value mean(x) does not.)
  x <- noisy_data()
  c <- 64
  a <- nmf(x, 3, init = "nndsvd", L1 = c(0.1, 0.05), tol = 0, maxit = 300)
  b <- nmf(c * x, 3, init = "nndsvd", L1 = c(0.1, 0.05) * c^1.5, tol = 0,
           maxit = 300)
  expect_lt(rel_diff(basis(a), basis(b)), 1e-8)
  expect_lt(rel_diff(c * coef(a), coef(b)), 1e-8)  # coef() is diag(d) H
  expect_lt(rel_diff(c * scales(a), scales(b)), 1e-8)
  expect_lt(abs(c^2 * a@loss - b@loss) / b@loss, 1e-8)
  a2 <- nmf(x, 3, seed = 1, init = "random", L2 = c(0.1, 0.2), tol = 0,
            maxit = 300)
  b2 <- nmf(c * x, 3, seed = 1, init = "random", L2 = c(0.1, 0.2) * c,
            tol = 0, maxit = 300)
  expect_lt(rel_diff(basis(a2), basis(b2)), 1e-8)
  expect_lt(rel_diff(c * coef(a2), coef(b2)), 1e-8)
})
