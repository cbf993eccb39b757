# Forked workers after a threaded fit: parallel::mclapply forks R, and a
# forked OpenMP runtime cannot start the threads its parent had, so the
# workers' fits run on one thread, say so once per worker, and give the
# serial factors.  Without that they hung forever.  The run is a separate
# Rscript under `timeout -s KILL` so that a hang fails the test instead of
# stopping the suite.
test_that("mclapply workers after a threaded fit finish with the serial factors", {
  skip_on_os("windows")  # no fork
  timeout <- Sys.which("timeout")
  skip_if(!nzchar(timeout), "no timeout command (coreutils) to bound the run")
  script <- tempfile(fileext = ".R")
  out <- tempfile(fileext = ".rds")
  on.exit(unlink(c(script, out)))
  writeLines(c(
    "suppressPackageStartupMessages(library(nmfkit))",
    "set.seed(1)",
    # Large enough for the products to run on several threads.
    "X <- matrix(runif(800 * 500), 800, 500)",
    "factors <- function(f) list(w = f@w, d = f@d, h = f@h)",
    "serial <- lapply(1:2, function(i) factors(nmf(X, 10, seed = i, maxit = 20, threads = 1)))",
    "invisible(nmf(X, 10, seed = 9, maxit = 20, threads = 2))  # threads start here",
    "run <- function(i, threads) {",
    "  notes <- character()",
    "  fit <- withCallingHandlers(",
    "    if (is.null(threads)) nmf(X, 10, seed = i, maxit = 20)",
    "    else nmf(X, 10, seed = i, maxit = 20, threads = threads),",
    "    message = function(m) {",
    "      notes <<- c(notes, conditionMessage(m))",
    "      invokeRestart('muffleMessage')",
    "    })",
    "  c(factors(fit), list(notes = notes))",
    "}",
    "explicit <- parallel::mclapply(1:2, run, threads = 2, mc.cores = 2)",
    "default <- parallel::mclapply(1:2, run, threads = NULL, mc.cores = 2)",
    "saveRDS(list(serial = serial, explicit = explicit, default = default),",
    "        commandArgs(TRUE)[1])"), script)
  rscript <- file.path(R.home("bin"), "Rscript")
  log <- suppressWarnings(system2(
    timeout, c("-s", "KILL", "60", shQuote(rscript), "--vanilla", shQuote(script),
               shQuote(out)),
    stdout = TRUE, stderr = TRUE,
    env = paste0("R_LIBS=", shQuote(paste(.libPaths(), collapse = ":")))))
  status <- if (is.null(attr(log, "status"))) 0L else attr(log, "status")
  expect_true(status == 0L,
              label = paste0("the script ended with status ", status,
                             if (status == 137L) " (killed after 60 s: hung)",
                             "\n", paste(log, collapse = "\n")))
  if (status == 0L) {
    res <- readRDS(out)
    for (kind in c("explicit", "default")) {
      for (i in 1:2) {
        r <- res[[kind]][[i]]
        label <- sprintf("%s threads, seed %d", kind, i)
        expect_false(inherits(r, "try-error"), label = label)
        expect_identical(r$w, res$serial[[i]]$w, label = label)
        expect_identical(r$d, res$serial[[i]]$d, label = label)
        expect_identical(r$h, res$serial[[i]]$h, label = label)
        # Each worker is a new process: one notice, at its first fit.
        expect_length(r$notes, 1L)
        expect_match(r$notes, "^nmfkit: .*forked", all = TRUE)
      }
    }
  }
})

test_that("the library's notice is shown once and only when there is one", {
  seen <- character()
  emit <- function(...) seen <<- c(seen, paste0(...))
  expect_false(nmfkit:::library_notice("", emit))
  expect_length(seen, 0)
  expect_true(nmfkit:::library_notice("a note", emit))
  expect_identical(seen, "nmfkit: a note")
  # Nothing is pending in this (unforked) session.
  expect_identical(nmfkit:::.nmf_take_notice(), "")
})
