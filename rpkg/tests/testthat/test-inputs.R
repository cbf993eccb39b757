test_that("dense and dgCMatrix inputs give the same factors (1e-8)", {
  skip_if_not_installed("Matrix")
  d <- lowrank_data()
  sx <- methods::as(d$x, "CsparseMatrix")
  expect_s4_class(sx, "dgCMatrix")
  expect_gt(mean(d$x == 0), 0.2)
  for (init in c("random", "nndsvda")) {
    a <- nmf(d$x, 3, init = init, seed = 3, tol = 0, maxit = 500)
    b <- nmf(sx, 3, init = init, seed = 3, tol = 0, maxit = 500)
    expect_lt(rel_diff(basis(a), basis(b)), 1e-8)
    expect_lt(rel_diff(coef(a), coef(b)), 1e-8)
    expect_lt(rel_diff(scales(a), scales(b)), 1e-8)
    expect_identical(dimnames(basis(b)), dimnames(basis(a)))
    expect_identical(dimnames(coef(b)), dimnames(coef(a)))
  }
})

test_that("an exactly low-rank matrix is recovered", {
  d <- lowrank_data()
  fit <- nmf(d$x, 3, seed = 1, tol = 0, maxit = 500)
  expect_lt(fit@rel_error, 1e-6)
  # The true W with columns summing to 1, in the order of the true scales.
  scale <- colSums(d$w) * rowSums(d$h)
  w <- sweep(d$w, 2, colSums(d$w), "/")[, order(scale, decreasing = TRUE)]
  expect_lt(rel_diff(unname(basis(fit)), w), 1e-6)
  expect_lt(rel_diff(fitted(fit), d$x), 1e-6)
})

test_that("other Matrix classes are converted and agree with dgCMatrix", {
  skip_if_not_installed("Matrix")
  x <- noisy_data()
  x[x < 0.5] <- 0
  a <- nmf(methods::as(x, "CsparseMatrix"), 3, seed = 2)
  b <- nmf(methods::as(methods::as(x, "CsparseMatrix"), "TsparseMatrix"), 3,
           seed = 2)
  expect_identical(coef(a), coef(b))
  c <- nmf(Matrix::Matrix(x, sparse = FALSE), 3, seed = 2)
  expect_identical(coef(c), coef(nmf(x, 3, seed = 2)))
})

test_that("data.frame and integer inputs equal the numeric matrix", {
  x <- round(100 * noisy_data())
  a <- nmf(x, 3, seed = 9)
  b <- nmf(as.data.frame(x), 3, seed = 9)
  storage.mode(x) <- "integer"
  c <- nmf(x, 3, seed = 9)
  expect_identical(coef(a), coef(b))
  expect_identical(basis(a), basis(b))
  expect_identical(coef(a), coef(c))
})

test_that("the iris example works", {
  fit <- nmf(as.matrix(iris[, 1:4]), 2, seed = 1)
  expect_s4_class(fit, "nmfkitFit")
  expect_identical(dim(basis(fit)), c(150L, 2L))
  expect_identical(colnames(coef(fit)), colnames(iris)[1:4])
  expect_lt(fit@rel_error, 0.1)
})

test_that("an ExpressionSet gives the same fit as its matrix", {
  skip_if_not_installed("Biobase")
  x <- noisy_data()
  eset <- Biobase::ExpressionSet(assayData = x)
  a <- nmf(eset, 3, seed = 5)
  b <- nmf(x, 3, seed = 5)
  expect_identical(basis(a), basis(b))
  expect_identical(coef(a), coef(b))
  expect_identical(residuals(a, eset), residuals(b, x))
})

test_that("a SummarizedExperiment gives the same fit as its chosen assay", {
  skip_if_not_installed("SummarizedExperiment")
  x <- noisy_data()
  y <- x^2
  se <- SummarizedExperiment::SummarizedExperiment(
    assays = list(counts = x, squared = y))
  expect_identical(coef(nmf(se, 3, seed = 5)), coef(nmf(x, 3, seed = 5)))
  expect_identical(coef(nmf(se, 3, seed = 5, assay = "squared")),
                   coef(nmf(y, 3, seed = 5)))
  expect_identical(coef(nmf(se, 3, seed = 5, assay = 2)),
                   coef(nmf(y, 3, seed = 5)))
  expect_identical(rownames(basis(nmf(se, 3, seed = 5))), rownames(x))
  expect_error(nmf(se, 3, assay = "logcounts"),
               "assay 'logcounts' not found.*counts, squared")
  expect_error(nmf(se, 3, assay = 3), "assay = 3 is out of range")
})

test_that("a sparse assay of a SummarizedExperiment is read as dgCMatrix", {
  skip_if_not_installed("SummarizedExperiment")
  skip_if_not_installed("Matrix")
  d <- lowrank_data()
  sx <- methods::as(d$x, "CsparseMatrix")
  se <- SummarizedExperiment::SummarizedExperiment(assays = list(counts = sx))
  expect_identical(coef(nmf(se, 3, seed = 1)), coef(nmf(sx, 3, seed = 1)))
})

test_that("dense and dgCMatrix data are read in place, not copied", {
  skip_if_not(capabilities("profmem"), "R built without memory profiling")
  x <- noisy_data()
  tracemem(x)  # prints a line whenever x is duplicated
  on.exit(untracemem(x), add = TRUE)
  expect_silent(nmf(x, 2, seed = 1))
  skip_if_not_installed("Matrix")
  sx <- methods::as(x, "CsparseMatrix")
  values <- sx@x
  rows <- sx@i
  tracemem(values)
  tracemem(rows)
  on.exit(untracemem(values), add = TRUE)
  on.exit(untracemem(rows), add = TRUE)
  expect_silent(nmf(sx, 2, seed = 1))
})
