test_that("the Golub data are shipped with their labels", {
  expect_identical(dim(golub), c(5000L, 38L))
  expect_true(is.double(golub) && min(golub) >= 0 && !anyNA(golub))
  expect_identical(rownames(golub_samples), colnames(golub))
  expect_identical(as.vector(table(golub_samples$type)), c(19L, 8L, 11L))
  expect_identical(levels(golub_samples$type), c("ALL-B", "ALL-T", "AML"))
  expect_true(all(is.na(golub_samples$Cell[golub_samples$ALL.AML == "AML"])))
})

test_that("k = 3 on the Golub data separates ALL-B, ALL-T and AML", {
  fit <- nmf(golub, 3, seed = 1)
  s <- summary(fit, class = golub_samples$type)
  # Brunet et al. (2004): the three leukemia types, with few errors.
  expect_gte(s$purity, 0.9)
  tab <- s$table
  expect_identical(sum(apply(tab, 2, function(col) max(col) >= 0.7 * sum(col))), 3L)
  expect_identical(anyDuplicated(apply(tab, 2, which.max)), 0L)
})
