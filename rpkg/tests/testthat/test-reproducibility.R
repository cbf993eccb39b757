test_that("set.seed() before two calls gives identical fits", {
  x <- noisy_data()
  set.seed(1)
  a <- nmf(x, 4, init = "random")
  set.seed(1)
  b <- nmf(x, 4, init = "random")
  expect_identical(basis(a), basis(b))
  expect_identical(coef(a), coef(b))
  expect_identical(a@seed, b@seed)
  set.seed(2)
  c <- nmf(x, 4, init = "random")
  expect_false(identical(a@seed, c@seed))
  expect_false(isTRUE(all.equal(basis(a), basis(c))))
})

test_that("the seed drawn from R's RNG reproduces the fit when passed back", {
  x <- noisy_data()
  set.seed(3)
  a <- nmf(x, 3, init = "random")
  b <- nmf(x, 3, init = "random", seed = a@seed)
  expect_identical(coef(a), coef(b))
  expect_true(a@seed >= 0 && a@seed < 2^53 && a@seed == round(a@seed))
})

test_that("an explicit seed does not touch R's RNG", {
  x <- noisy_data()
  set.seed(4)
  before <- .Random.seed
  nmf(x, 2, seed = 42)
  expect_identical(.Random.seed, before)
})

test_that("the result does not depend on the number of threads", {
  # 1200 x 600 at k = 4: large enough for the library to share its products
  # among threads, which threads_used confirms (a smaller matrix runs on the
  # calling thread whatever `threads` says, and would prove nothing).
  set.seed(11)
  x <- matrix(runif(1200 * 4), 1200) %*% matrix(runif(4 * 600), 4) +
    matrix(runif(1200 * 600, 0, 0.1), 1200)
  a <- nmf(x, 4, init = "random", seed = 7, threads = 1, maxit = 30)
  b <- nmf(x, 4, init = "random", seed = 7, threads = 2, maxit = 30)
  expect_identical(a@options$threads_used, 1L)
  expect_identical(b@options$threads_used, 2L)
  expect_identical(basis(a), basis(b))
  expect_identical(coef(a), coef(b))
  expect_identical(a@loss_history, b@loss_history)
  expect_identical(b@options$threads, 2L)
})

test_that("threads default to getOption('nmfkit.threads')", {
  x <- noisy_data()
  old <- options(nmfkit.threads = 2L)
  on.exit(options(old))
  expect_identical(nmf(x, 2, seed = 1)@options$threads, 2L)
})
