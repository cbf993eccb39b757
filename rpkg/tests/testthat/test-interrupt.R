test_that("an interrupt stops the fit with the last iterate and leaves R usable", {
  x <- noisy_data()
  old <- options(nmfkit.test_interrupt_at = 3)
  cond <- tryCatch(nmf(x, 3, seed = 1, tol = 0), interrupt = function(e) e)
  options(old)
  expect_s3_class(cond, "nmfkit_interrupted")
  expect_s3_class(cond, "error")
  expect_match(conditionMessage(cond), "interrupted: .* at iteration 3 of 200")
  fit <- cond$fit
  expect_s4_class(fit, "nmfkitFit")
  expect_identical(fit@iterations, 3L)
  expect_identical(fit@stop_reason, "cancelled")
  expect_length(fit@loss_history, 3L)
  # The partial fit is the same as three iterations run to the end.
  three <- nmf(x, 3, seed = 1, tol = 0, maxit = 3)
  expect_identical(coef(fit), coef(three))
  expect_identical(basis(fit), basis(three))
  expect_error(nmf(x, 3, seed = 1, tol = 0, maxit = 3), NA)
})

test_that("Ctrl-C (SIGINT) stops a long fit promptly", {
  skip_on_cran()
  skip_on_os("windows")
  dir <- tempfile("nmfkit-interrupt")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  # A child R process starts a fit that would run for many minutes; we send
  # it SIGINT, as Ctrl-C does, and it records what it saw.
  child <- file.path(dir, "child.R")
  writeLines(c(
    "args <- commandArgs(TRUE)",
    "library(nmfkit, lib.loc = args[1])",
    "set.seed(1)",
    "x <- matrix(runif(400 * 300), 400)",
    "writeLines(as.character(Sys.getpid()), file.path(args[2], 'pid.tmp'))",
    "file.rename(file.path(args[2], 'pid.tmp'), file.path(args[2], 'pid'))",
    "r <- tryCatch(nmf(x, 10, tol = 0, maxit = 1e6, threads = 1, verbose = FALSE),",
    "              interrupt = function(e) e)",
    "again <- nmf(x[1:20, 1:20], 2, seed = 1, threads = 1)",
    "out <- list(class = class(r), fit = r$fit, again = as.vector(class(again)))",
    "saveRDS(out, file.path(args[2], 'result.tmp'))",
    "file.rename(file.path(args[2], 'result.tmp'), file.path(args[2], 'result.rds'))"
  ), child)
  lib <- dirname(find.package("nmfkit"))
  system2(file.path(R.home("bin"), "Rscript"),
          c(shQuote(child), shQuote(lib), shQuote(dir)),
          stdout = FALSE, stderr = FALSE, wait = FALSE)
  wait_for <- function(file, seconds) {
    deadline <- Sys.time() + seconds
    while (!file.exists(file) && Sys.time() < deadline) Sys.sleep(0.05)
    file.exists(file)
  }
  expect_true(wait_for(file.path(dir, "pid"), 60))
  pid <- as.integer(readLines(file.path(dir, "pid")))
  result <- file.path(dir, "result.rds")
  on.exit(if (!file.exists(result)) tools::pskill(pid, tools::SIGKILL),
          add = TRUE)
  Sys.sleep(1.5)  # well inside the fit by now
  sent <- Sys.time()
  tools::pskill(pid, tools::SIGINT)
  expect_true(wait_for(result, 30))
  waited <- as.numeric(difftime(Sys.time(), sent, units = "secs"))
  res <- readRDS(result)
  expect_identical(res$class[1], "nmfkit_interrupted")
  expect_identical(res$fit@stop_reason, "cancelled")
  expect_gt(res$fit@iterations, 0L)
  expect_identical(res$again[1], "nmfkitFit")
  expect_lt(waited, 10)
})
