# Duplicate row or column names: a warning naming the first duplicate and
# both positions, or an error with strict_names = TRUE; the factors are
# those of the same data without the names.

dup_rows <- function() {
  x <- noisy_data()
  rownames(x)[3] <- rownames(x)[1]  # g1 at rows 1 and 3
  x
}

test_that("nmf() warns about a duplicate row name and fits as without names", {
  x <- dup_rows()
  expect_warning(fit <- nmf(x, 2, seed = 1, maxit = 50),
                 "row name 'g1' of x appears twice \\(rows 1 and 3\\)")
  plain <- nmf(unname(x), 2, seed = 1, maxit = 50)
  expect_identical(unname(basis(fit)), unname(basis(plain)))
  expect_identical(unname(coef(fit)), unname(coef(plain)))
  # The names are kept as given.
  expect_identical(rownames(basis(fit)), rownames(x))
})

test_that("the first repeat is named, with the count and first two positions", {
  x <- noisy_data()
  colnames(x)[c(5, 9)] <- colnames(x)[2]   # s2 at columns 2, 5 and 9
  colnames(x)[12] <- colnames(x)[7]        # a later repeat is not the first
  expect_warning(nmf(x, 2, seed = 1, maxit = 20),
                 "column name 's2' of x appears 3 times \\(first columns 2 and 5\\)")
})

test_that("consensus(), bicv(), nmf(nrun > 1) and sparse input warn too", {
  x <- noisy_data()
  colnames(x)[6] <- colnames(x)[4]
  msg <- "column name 's4' of x appears twice \\(columns 4 and 6\\)"
  expect_warning(consensus(x, 2, nrun = 2, seed = 1, maxit = 20), msg)
  expect_warning(nmf(x, 2, nrun = 2, seed = 1, maxit = 20), msg)
  expect_warning(bicv(x, 1:2, seed = 1, maxit = 20), msg)
  skip_if_not_installed("Matrix")
  expect_warning(nmf(methods::as(x, "CsparseMatrix"), 2, seed = 1, maxit = 20),
                 msg)
})

test_that("strict_names = TRUE is an error in every entry point", {
  x <- dup_rows()
  msg <- "row name 'g1' of x appears twice \\(rows 1 and 3\\); strict_names"
  expect_error(nmf(x, 2, strict_names = TRUE), msg)
  expect_error(nmf(x, 2, nrun = 2, strict_names = TRUE), msg)
  expect_error(consensus(x, 2, nrun = 2, strict_names = TRUE), msg)
  expect_error(bicv(x, 1:2, strict_names = TRUE), msg)
  fit <- nmf(noisy_data(), 2, seed = 1, maxit = 20)
  expect_error(project(fit, x, strict_names = TRUE),
               "row name 'g1' of newdata appears twice \\(rows 1 and 3\\)")
  expect_error(nmf(x, 2, strict_names = NA), "'strict_names' must be TRUE or FALSE")
})

test_that("project() warns about duplicate names of newdata", {
  x <- noisy_data()
  fit <- nmf(x, 2, seed = 1, maxit = 20)
  new <- x[, 1:5]
  colnames(new)[5] <- colnames(new)[1]
  expect_warning(p <- project(fit, new),
                 "column name 's1' of newdata appears twice \\(columns 1 and 5\\)")
  expect_identical(colnames(p), colnames(new))
})

test_that("unique or absent names give no warning", {
  x <- noisy_data()
  expect_warning(nmf(x, 2, seed = 1, maxit = 20, strict_names = TRUE), NA)
  expect_warning(nmf(unname(x), 2, seed = 1, maxit = 20, strict_names = TRUE), NA)
  expect_warning(consensus(x, 2, nrun = 2, seed = 1, maxit = 20), NA)
})
