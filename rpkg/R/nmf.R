# nmf(): argument checks, seed and thread defaults, the call into the C ABI,
# and the result object.

nmf <- function(x, k, method = NULL,
                init = c("random", "nndsvd", "nndsvda", "nndsvdar"),
                seed = NULL, maxit = 200L, tol = 1e-5, L1 = c(0, 0),
                L2 = c(0, 0),
                threads = getOption("nmfkit.threads", getOption("mc.cores", 0L)),
                verbose = interactive(), assay = NULL,
                loss = c("frobenius", "kl", "beta"),
                solver = c("auto", "hals", "mu", "cd", "anls"), beta = 1,
                missing = c("none", "na", "unstored"), weights = NULL,
                sparse = c(0, 0), theta = 0, control = list(), nrun = 1L,
                strict_names = FALSE, keep_data = TRUE, ...) {
  call <- match.call()
  given <- names(call)[-1L]
  # The NMF package's vocabulary: rank = (k), weight = (weights, ls-nmf),
  # eta = (snmf), seed = "nndsvd" (a start method), method = "brunet", ...
  dots <- check_nmf_dots(list(...))
  if (missing(k)) {
    if (is.null(dots$rank)) stop("'k' (the rank) is missing", call. = FALSE)
    k <- dots$rank
  } else if (!is.null(dots$rank)) {
    stop("give the rank once, as 'k' or as 'rank'", call. = FALSE)
  }
  if (!is.null(dots$weight)) {
    if (!is.null(weights))
      stop("give the weights once, as 'weights' or as 'weight'", call. = FALSE)
    weights <- dots$weight
  }
  if (is.character(seed)) {
    if (!missing(init))
      stop("seed = \"", seed[1L], "\" names a start method (the NMF ",
           "package's use of 'seed'), but 'init' is given too", call. = FALSE)
    init <- seed
    seed <- NULL
  }
  loss <- choice_arg(loss)
  solver <- choice_arg(solver)
  missing <- choice_arg(missing)
  spec <- apply_nmf_method(method, given, list(
    loss = loss, solver = solver, beta = beta, sparse = sparse, L2 = L2,
    theta = theta, weights = weights,
    max_x = function() input_max(as_nmf_input(x, assay))), dots)
  loss <- spec$loss
  solver <- spec$solver
  beta <- spec$beta
  sparse <- spec$sparse
  L2 <- spec$L2
  theta <- spec$theta
  # Several ranks or several runs: consensus clustering (the rank survey of
  # Brunet et al. 2004), from random starts unless init says otherwise.
  if (length(k) != 1L || !identical(nrun, 1L) && !identical(nrun, 1)) {
    nrun <- check_count(nrun, "nrun", min = 1)
    if (!is.null(weights) || missing != "none" || any(sparse != 0) ||
        any(theta != 0))
      stop("'weights', 'missing', 'sparse' and 'theta' apply to a single fit, ",
           "not to a consensus or rank survey (nrun > 1 or several ranks)",
           call. = FALSE)
    args <- list(x = x, k = k, nrun = nrun, seed = seed,
                 init = if (is.character(init) && length(init) > 1L) "random"
                        else init,
                 maxit = maxit, tol = tol, L1 = L1, L2 = L2, threads = threads,
                 verbose = verbose, assay = assay, loss = loss,
                 solver = solver, beta = beta, control = control,
                 strict_names = strict_names)
    res <- do.call(consensus, args)
    if (methods::is(res, "nmfkitSurvey")) res@call <- call else res@call <- call
    return(res)
  }
  input <- as_nmf_input(x, assay)
  check_dimnames(input$x, strict_names)
  m <- nrow(input$x)
  n <- ncol(input$x)
  k <- check_count(k, "k", min = 1)
  start <- resolve_init(init, m, n, k, input$x)
  weights <- check_weights(weights, input)
  values <- core_options(list(
    loss = loss, solver = solver, init = start$method %||% "random",
    maxit = maxit, tol = tol, beta = beta,
    missing = missing, L1 = L1, L2 = L2, sparse = sparse, theta = theta,
    threads = threads, seed = NULL), control)
  seed <- if (is.null(seed)) draw_seed() else check_seed(seed)
  blas_notice()

  options <- c(values, list(
    seed = seed, weights = weights, weights_ld = as.double(m),
    user_w = as.integer(!is.null(start$w)),
    user_h = as.integer(!is.null(start$h)), fix_w = 0L, fix_h = 0L,
    show_bar = isTRUE(verbose) && interactive(),
    interrupt_at = test_interrupt_at(), history = max(values$maxit, 1L)))
  res <- call_core(input, k, options, start$w, start$h)
  if (res$status < 0L)
    stop_core(res, call, list(A = list(label = "x", input = input),
                              W = list(label = "init$W", input = dense(start$w)),
                              H = list(label = "init$H", input = dense(start$h))),
              m, n)

  if (!is.logical(keep_data) || length(keep_data) != 1L || is.na(keep_data))
    stop("'keep_data' must be TRUE or FALSE", call. = FALSE)
  fit <- new_fit(res, dimnames(input$x), k, call,
                 init = start$method %||% "user", seed = seed,
                 data = if (keep_data) input,
                 options = fit_options_record(values, seed, res, list(
                   weighted = !is.null(weights) || missing != "none")))
  if (isTRUE(res$interrupted)) signal_interrupt(fit, call)
  fit
}

`%||%` <- function(a, b) if (is.null(a)) b else a

# What a fit keeps of its options (fit@options): every option of the
# library's table by its name (choices by name), the R spellings that
# summary(), project() and the plots read (threads, L1, L2, sparse, theta),
# and what the library reports it used.
fit_options_record <- function(values, seed, res, extra = list()) {
  used <- options_used(c(values, list(seed = seed)))
  r <- list(threads = used$n_threads, L1 = c(used$l1_w, used$l1_h),
            L2 = c(used$l2_w, used$l2_h),
            sparse = c(used$sparse_w, used$sparse_h), theta = used$ns_theta)
  if (used$loss != "beta") used$beta <- NULL
  lib <- if (!is.null(res$solver))
    list(solver_used = names(.nmf_codes$solver)[match(res$solver,
                                                      .nmf_codes$solver)],
         extrapolation_used = res$extrapolation, restarts = res$restarts,
         sketch_rank_used = res$sketch_rank,
         sketch_iterations = res$sketch_iterations,
         threads_used = res$threads_used)
  c(used, r, lib, extra)
}

# Dispatches on the input kind; the factors come back as R matrices.  The
# library's notice, if any, is shown after the call.
call_core <- function(input, k, options, w, h) {
  res <- if (input$kind == "dense") {
    .nmf_fit_dense(input$x, k, options, w, h)
  } else {
    x <- input$x
    .nmf_fit_csc(nrow(x), ncol(x), x@p, x@i, x@x, k, options, w, h)
  }
  library_notice()
  res
}

new_fit <- function(res, dn, k, call, init, seed, options, data = NULL) {
  comp <- paste0("NMF", seq_len(k))
  w <- res$w
  h <- res$h
  d <- res$d
  dimnames(w) <- list(dn[[1L]], comp)
  dimnames(h) <- list(comp, dn[[2L]])
  names(d) <- comp
  methods::new("nmfkitFit", w = w, d = d, h = h,
               iterations = as.integer(res$iterations), loss = res$loss,
               rel_error = res$rel_error, loss_history = res$loss_history,
               stop_reason = res$stop_reason, seed = seed, init = init,
               options = options, runtime = res$seconds, call = call,
               data = data %||% list())
}

# ---- The starting point: a method name, user matrices, or a previous fit.
resolve_init <- function(init, m, n, k, x) {
  if (methods::is(init, "nmfkitFit"))
    init <- list(W = basis(init), H = coef(init))
  if (is.character(init)) {
    init <- choice_arg(init)
    check_option(init, "init")
    return(list(method = init, w = NULL, h = NULL))
  }
  if (!is.list(init) || !length(init) ||
      !all(names(init) %in% c("W", "H")) || is.null(names(init)))
    stop("'init' must be ", option_range_text(option_spec("init")),
         ", a list(W = , H = ) of starting matrices, or a previous fit",
         call. = FALSE)
  list(method = NULL,
       w = user_factor(init$W, "init$W", m, k, "nrow(x)", "k"),
       h = user_factor(init$H, "init$H", k, n, "k", "ncol(x)"))
}

user_factor <- function(f, label, rows, cols, rows_name, cols_name) {
  if (is.null(f)) return(NULL)
  if (is.data.frame(f) || methods::is(f, "Matrix")) f <- as.matrix(f)
  if (!is.matrix(f) || !is.numeric(f))
    stop(label, " must be a numeric matrix", call. = FALSE)
  if (nrow(f) != rows || ncol(f) != cols)
    stop(label, " must be ", rows, " x ", cols, " (", rows_name, " x ",
         cols_name, "), not ", nrow(f), " x ", ncol(f), call. = FALSE)
  storage.mode(f) <- "double"
  f
}

dense <- function(f) if (is.null(f)) NULL else list(kind = "dense", x = f)

# ---- Argument checks: each error names the argument and the problem.
check_count <- function(v, name, min) {
  if (!is.numeric(v) || length(v) != 1L || is.na(v) || !is.finite(v) ||
      v != round(v) || v < min || v > .Machine$integer.max)
    stop("'", name, "' must be a whole number >= ", min, ", not ",
         deparse1(v), call. = FALSE)
  as.integer(v)
}

check_nonneg <- function(v, name) {
  if (!is.numeric(v) || length(v) != 1L || is.na(v) || !is.finite(v) || v < 0)
    stop("'", name, "' must be a finite number >= 0, not ", deparse1(v),
         call. = FALSE)
  as.double(v)
}

# Entry weights: for a dense x an nrow(x) x ncol(x) numeric matrix, for a
# dgCMatrix one weight per stored entry (a numeric vector of length
# length(x@x), or a dgCMatrix with the pattern of x).  The library checks
# the values (finite, >= 0); NULL means none.
# Entry weights: for a dense x a numeric matrix (or data frame, or Matrix)
# of the dimensions of x; for a dgCMatrix x one weight per stored entry, as
# a vector aligned with x@x, a dgCMatrix with the sparsity pattern of x, or
# a matrix of the dimensions of x (its values at the stored entries are
# used).  Signs and finiteness are checked by the library.
check_weights <- function(weights, input) {
  if (is.null(weights)) return(NULL)
  x <- input$x
  if (input$kind == "csc") {
    if (inherits(weights, "dgCMatrix")) {
      if (!identical(weights@p, x@p) || !identical(weights@i, x@i))
        stop("'weights' as a sparse matrix must have the sparsity pattern of x",
             call. = FALSE)
      return(as.double(weights@x))
    }
    if (is.null(dim(weights))) {
      if (!is.numeric(weights) || length(weights) != length(x@x))
        stop("'weights' for a sparse x must be a numeric vector with one ",
             "weight per stored entry (length(x@x) = ", length(x@x), "), not ",
             length(weights), call. = FALSE)
      return(as.double(weights))
    }
  }
  if (is.data.frame(weights) || methods::is(weights, "Matrix"))
    weights <- as.matrix(weights)
  if (!is.numeric(weights) ||
      !identical(as.integer(dim(weights)), as.integer(dim(x))))
    stop("'weights' must be a numeric ", nrow(x), " x ", ncol(x),
         " matrix (the dimensions of x), not ",
         paste(dim(weights) %||% length(weights), collapse = " x "),
         call. = FALSE)
  if (input$kind == "csc") {
    j <- rep.int(seq_len(ncol(x)), diff(x@p))
    return(as.double(weights[cbind(x@i + 1L, j)]))
  }
  storage.mode(weights) <- "double"
  weights
}

check_seed <- function(seed) {
  if (!is.numeric(seed) || length(seed) != 1L || is.na(seed) ||
      seed != round(seed) || seed < 0 || seed > 2^53)
    stop("'seed' must be a whole number between 0 and 2^53, not ",
         deparse1(seed), call. = FALSE)
  as.double(seed)
}

# A 53-bit seed from R's RNG (two draws), so set.seed() reproduces a fit.
# The package never sets R's seed itself.
draw_seed <- function() {
  hi <- sample.int(.Machine$integer.max, 1L) - 1
  lo <- sample.int(2^22, 1L) - 1
  hi * 2^22 + lo
}

# Test hook: options(nmfkit.test_interrupt_at = i) makes the progress
# callback report a user interrupt at iteration i.
test_interrupt_at <- function() {
  v <- getOption("nmfkit.test_interrupt_at", 0)
  if (!is.numeric(v) || length(v) != 1L || is.na(v)) 0 else as.double(v)
}

# ---- Errors of the core, as R conditions that name the problem.
stop_core <- function(res, call, matrices, m, n) {
  code <- names(.nmf_codes$status)[match(res$status, .nmf_codes$status)]
  if (is.na(code)) code <- "unknown"
  msg <- res$message
  where <- if (nzchar(res$matrix)) matrices[[res$matrix]]
  if (!is.null(where)) {
    msg <- sub(paste0("^(user-supplied )?", res$matrix, " "),
               paste0(where$label, " "), msg)
    if (code %in% c("negative", "not_finite") && !is.na(res$row) &&
        !is.na(res$col) && !is.null(where$input)) {
      value <- input_value(where$input, res$row, res$col)
      what <- if (is.na(value) && !is.nan(value)) "a missing value (NA)"
              else if (is.nan(value)) "a NaN"
              else if (is.infinite(value)) paste0("an infinite value (", value, ")")
              else paste0("a negative value (", format(value), ")")
      dn <- dimnames(where$input$x)
      msg <- paste0(where$label, " has ", what, " at row ",
                    locate(res$row, dn[[1L]]), ", column ",
                    locate(res$col, dn[[2L]]),
                    "; NMF needs finite, non-negative values")
      if (is.na(value) && res$matrix == "A")
        msg <- paste0(msg, " (or missing = \"na\" to leave NA entries out)")
    }
  } else if (code == "rank") {
    msg <- paste0(msg, " (x has ", m, " rows and ", n, " columns)")
  } else if (startsWith(msg, "A ")) {
    msg <- paste0(matrices$A$label, substring(msg, 2L))
  }
  stop(structure(class = c(paste0("nmfkit_error_", code), "nmfkit_error",
                           "error", "condition"),
                 list(message = msg, call = call, status = res$status)))
}

locate <- function(i, names) {
  if (is.null(names)) format(i) else paste0(i, " ('", names[i], "')")
}

# Ctrl-C during a fit: the core stopped at the end of an iteration and the
# fit holds the last complete iterate.  Signalled as a condition of classes
# "nmfkit_interrupted", "interrupt" and "error" that carries the fit.
signal_interrupt <- function(fit, call) {
  msg <- paste0("interrupted: the fit was stopped by the user at iteration ",
                fit@iterations, " of ", fit@options$maxit,
                "; the last complete iterate is in the condition's $fit")
  stop(structure(class = c("nmfkit_interrupted", "interrupt", "error",
                           "condition"),
                 list(message = msg, call = call, fit = fit)))
}
