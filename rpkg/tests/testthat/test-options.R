# The fit options come from the library's table (nmf_option_info), read at
# load time: R copies no name, default or bound.

test_that("nmf_options() lists every option of the library with its default", {
  table <- nmfkit:::.nmf_option_table()
  opts <- nmf_options()
  expect_identical(opts$option, names(table))
  expect_true(length(table) >= 20L)
  # The arguments of nmf() that are options default to the library's value.
  f <- formals(nmf)
  expect_identical(eval(f$maxit), as.integer(table$maxit$default))
  expect_identical(eval(f$tol), table$tol$default)
  init <- eval(f$init)
  expect_identical(init[1L], names(table$init$choices)[
    match(table$init$default, table$init$choices)])
  expect_setequal(init, names(table$init$choices))
  expect_setequal(eval(f$solver), names(table$solver$choices))
  expect_setequal(eval(f$missing), names(table$missing$choices))
  # An option that is not an argument of nmf() is a control entry.
  expect_identical(opts$argument[opts$option == "hals_delta"],
                   "control$hals_delta")
  expect_identical(opts$argument[opts$option == "n_threads"], "threads")
  expect_identical(opts$allowed[opts$option == "hals_delta"],
                   "a finite number in [0, 1)")
})

test_that("every option outside nmf()'s arguments is a control entry that reaches the library", {
  x <- matrix(runif(30 * 12), 30, 12)
  opts <- nmf_options()
  control_names <- sub("^control\\$", "", opts$argument[startsWith(opts$argument, "control$")])
  expect_true(all(c("hals_alpha", "hals_delta", "mu_eps", "sketch",
                    "sketch_rank", "extrap_eta") %in% control_names))
  base <- nmf(x, 3, seed = 1, maxit = 20, verbose = FALSE)
  for (name in control_names) {
    # The default given explicitly is the same fit as none given.
    d <- nmfkit:::option_default(name)
    again <- nmf(x, 3, seed = 1, maxit = 20, verbose = FALSE,
                 control = stats::setNames(list(d), name))
    expect_identical(basis(again), basis(base), info = name)
    expect_identical(again@options[[name]], d, info = name)
  }
  # A value other than the default reaches the core: plain HALS
  # (hals_alpha = 0) takes other steps than accelerated HALS.
  plain <- nmf(x, 3, seed = 1, maxit = 20, solver = "hals", verbose = FALSE,
               control = list(hals_alpha = 0, extrapolation = "off"))
  accel <- nmf(x, 3, seed = 1, maxit = 20, solver = "hals", verbose = FALSE,
               control = list(extrapolation = "off"))
  expect_gt(max(abs(basis(plain) - basis(accel))), 1e-8)
  sk <- nmf(x, 3, seed = 1, maxit = 5, verbose = FALSE,
            control = list(sketch = "on", sketch_rank = 7))
  expect_identical(sk@options$sketch_rank_used, 7)
})

test_that("option values are checked against the library's bounds and choices", {
  x <- matrix(runif(20 * 10), 20, 10)
  expect_error(nmf(x, 2, control = list(hals_delta = 1), verbose = FALSE),
               "'control$hals_delta' must be a finite number in [0, 1), not 1",
               fixed = TRUE)
  expect_error(nmf(x, 2, control = list(extrap_eta = 1), verbose = FALSE),
               "'control$extrap_eta' must be a finite number > 1", fixed = TRUE)
  expect_error(nmf(x, 2, control = list(sketch = "maybe"), verbose = FALSE),
               "'control$sketch' must be one of \"auto\", \"off\", \"on\"",
               fixed = TRUE)
  expect_error(nmf(x, 2, maxit = -1, verbose = FALSE),
               "'maxit' must be a whole number >= 0, not -1", fixed = TRUE)
  expect_error(nmf(x, 2, L1 = c(0, -1), verbose = FALSE),
               "'L1' must be a finite number >= 0, not -1", fixed = TRUE)
  expect_error(nmf(x, 2, solver = "newton", verbose = FALSE),
               "'solver' must be one of \"auto\", \"hals\"", fixed = TRUE)
  expect_error(nmf(x, 2, control = list(no_such = 1), verbose = FALSE),
               "unknown 'control' entries: no_such (known: hals_alpha",
               fixed = TRUE)
  # An argument of nmf() is not also a control entry.
  expect_error(nmf(x, 2, control = list(maxit = 5), verbose = FALSE),
               "unknown 'control' entries: maxit", fixed = TRUE)
  # consensus() and bicv() check the same way.
  expect_error(consensus(x, 2, nrun = 2, control = list(hals_delta = 2),
                         verbose = FALSE),
               "'control$hals_delta' must be a finite number in [0, 1)",
               fixed = TRUE)
  expect_error(bicv(x, 1:2, control = list(mu_eps = -1)),
               "'control$mu_eps' must be a finite number >= 0", fixed = TRUE)
})

test_that("nmf() and consensus() use the library's defaults and stop-reason words", {
  x <- matrix(runif(40 * 12), 40, 12)
  fit <- nmf(x, 2, seed = 3, verbose = FALSE)
  expect_identical(fit@init, "random")
  expect_identical(fit@options$maxit, 200L)
  expect_identical(fit@options$tol, 1e-5)
  expect_true(fit@stop_reason %in% c("tol", "maxit"))
  loose <- nmf(x, 2, seed = 3, tol = 0.5, verbose = FALSE)
  expect_identical(loose@stop_reason, "tol")
  cons <- consensus(x, 2, nrun = 2, seed = 3, verbose = FALSE)
  expect_identical(cons@fit@options$maxit, 200L)
  expect_identical(cons@fit@options$tol, 1e-5)
  expect_identical(cons@fit@options$init, "random")
})
