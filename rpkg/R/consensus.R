# Consensus clustering and rank survey (Brunet et al. 2004): consensus(),
# the nmfkitConsensus and nmfkitSurvey classes and their accessors.  All the
# computation is in the core (nmf.h: nmf_survey_*); this file turns its
# output into R objects.

setOldClass("hclust")

setClass("nmfkitConsensus", representation(
  fit = "nmfkitFit",            # the best run (lowest loss)
  consensus = "matrix",      # n x n, fraction of runs sharing a component
  membership = "integer",    # consensus clusters (tree of 1 - consensus cut at k)
  silhouette = "numeric",    # silhouette widths of those clusters
  tree = "hclust",           # average linkage of 1 - consensus
  measures = "numeric",      # cophenetic, dispersion, silhouette, rss, ...
  nrun = "integer",
  run_loss = "numeric",
  seed = "numeric",
  call = "language"
))

setClass("nmfkitSurvey", representation(
  ranks = "integer",
  fits = "list",             # nmfkitConsensus per rank, named k2, k3, ...
  randomized = "list",       # the same on the row-permuted data, or empty
  measures = "data.frame",   # one row per rank
  random_measures = "data.frame",
  nrun = "integer",
  seed = "numeric",
  call = "language"
))

consensus <- function(x, k, nrun = 30L, seed = NULL, randomize = FALSE,
                      init = c("random", "nndsvdar"), maxit = 200L,
                      tol = 1e-5, L1 = c(0, 0), L2 = c(0, 0),
                      threads = getOption("nmfkit.threads",
                                          getOption("mc.cores", 0L)),
                      verbose = interactive(), assay = NULL,
                      loss = "frobenius", solver = "auto", beta = 1,
                      control = list(), strict_names = FALSE) {
  # An accessor on a result (the NMF package's consensus()).
  if (methods::is(x, "nmfkitConsensus") || methods::is(x, "nmfkitFit") ||
      methods::is(x, "nmfkitSurvey"))
    return(consensus_matrix(x, if (!missing(k)) k))
  if (is_nmf_package_object(x)) return(nmf_package_function("consensus")(x))
  call <- match.call()
  input <- as_nmf_input(x, assay)
  check_dimnames(input$x, strict_names)
  m <- nrow(input$x)
  n <- ncol(input$x)
  ranks <- check_ranks(k)
  nrun <- check_count(nrun, "nrun", min = 1)
  if (!is.logical(randomize) || length(randomize) != 1L || is.na(randomize))
    stop("'randomize' must be TRUE or FALSE", call. = FALSE)
  if (!is.character(init) || length(init) < 1L)
    stop("'init' must be \"random\" or \"nndsvdar\" (a consensus needs ",
         "random starts)", call. = FALSE)
  init <- init[1L]
  check_option(init, "init")
  if (init %in% c("nndsvd", "nndsvda"))
    stop("init = \"", init, "\" is deterministic: every run would be the ",
         "same; use \"random\" or \"nndsvdar\" for a consensus", call. = FALSE)
  options <- fit_options_list(
    list(loss = choice_arg(loss), solver = choice_arg(solver), beta = beta,
         init = init, threads = threads, maxit = maxit, tol = tol, L1 = L1,
         L2 = L2),
    control, seed, verbose)
  options$nrun <- as.double(nrun)
  options$randomize <- as.integer(randomize)
  # The permutation's seed follows from the fit seed (one seed reproduces
  # the whole survey).
  options$random_seed <- (options$seed + 1) %% 2^53
  res <- if (input$kind == "dense") {
    .nmf_survey_dense(input$x, as.double(ranks), options)
  } else {
    xx <- input$x
    .nmf_survey_csc(nrow(xx), ncol(xx), xx@p, xx@i, xx@x, as.double(ranks),
                    options)
  }
  library_notice()
  if (isTRUE(res$interrupted))
    stop(structure(class = c("nmfkit_interrupted", "interrupt", "error",
                             "condition"),
                   list(message = "interrupted: the consensus runs were stopped by the user",
                        call = call)))
  if (res$status < 0L)
    stop_core(res, call, list(A = list(label = "x", input = input)), m, n)

  fit_opts <- fit_options_record(options[names(options) %in%
                                           names(option_table())],
                                 options$seed, list())
  make <- function(r) new_consensus(r, dimnames(input$x), call, init,
                                    options$seed, fit_opts)
  fits <- lapply(res$fits, make)
  names(fits) <- paste0("k", ranks)
  if (length(ranks) == 1L && !randomize) return(fits[[1L]])
  rnd <- lapply(res$randomized, make)
  if (length(rnd)) names(rnd) <- paste0("k", ranks)
  methods::new("nmfkitSurvey", ranks = ranks, fits = fits, randomized = rnd,
               measures = measures_table(fits),
               random_measures = measures_table(rnd), nrun = nrun,
               seed = options$seed, call = call)
}

# The options list the glue reads for consensus() and bicv(): the given
# arguments (R names, see core_options()) and control entries checked
# against the library's table, the seed, and the host's fields.
fit_options_list <- function(args, control, seed, verbose) {
  values <- core_options(c(args, list(seed = NULL)), control)
  seed <- if (is.null(seed)) draw_seed() else check_seed(seed)
  c(values, list(seed = seed, user_w = 0L, user_h = 0L, fix_w = 0L,
                 fix_h = 0L, show_bar = isTRUE(verbose) && interactive(),
                 interrupt_at = test_interrupt_at(), history = 1))
}

# Whole, distinct ranks; their range, 1 to min(nrow(x), ncol(x)), is the
# library's rule and its error.
check_ranks <- function(k) {
  if (!is.numeric(k) || !length(k) || anyNA(k) || any(!is.finite(k)) ||
      any(k != round(k)))
    stop("'k' must be one or more whole numbers (the ranks), not ",
         deparse1(k), call. = FALSE)
  if (anyDuplicated(k))
    stop("'k' has repeated ranks: ", deparse1(k), call. = FALSE)
  as.integer(k)
}

new_consensus <- function(r, dn, call, init, seed, fit_opts) {
  k <- as.integer(r$k)
  samples <- dn[[2L]] %||% as.character(seq_len(ncol(r$consensus)))
  fit <- new_fit(list(w = r$w, d = r$d, h = r$h, iterations = r$iterations,
                      loss = r$loss, rel_error = r$rel_error,
                      loss_history = numeric(), stop_reason = r$stop_reason,
                      seconds = r$seconds),
                 dn, k, call, init = init, seed = seed, options = fit_opts)
  cons <- r$consensus
  dimnames(cons) <- list(samples, samples)
  tree <- structure(list(merge = r$merge, height = r$height, order = r$order,
                         labels = samples, method = "average",
                         call = call, dist.method = "1 - consensus"),
                    class = "hclust")
  memb <- stats::setNames(as.integer(r$membership), samples)
  methods::new("nmfkitConsensus", fit = fit, consensus = cons,
               membership = memb,
               silhouette = stats::setNames(r$silhouette_width, samples),
               tree = tree,
               measures = c(k = k, cophenetic = r$cophenetic,
                            dispersion = r$dispersion,
                            silhouette = r$silhouette, rss = r$rss,
                            evar = r$evar, rel_error = r$rel_error,
                            loss = r$loss, best_run = r$best_run,
                            seconds = r$seconds),
               nrun = as.integer(r$nrun), run_loss = r$run_loss,
               seed = seed, call = call)
}

measures_table <- function(fits) {
  if (!length(fits)) return(data.frame())
  rows <- lapply(fits, function(f) as.data.frame(as.list(f@measures)))
  out <- do.call(rbind, rows)
  out$k <- as.integer(out$k)
  out$best_run <- as.integer(out$best_run)
  rownames(out) <- NULL
  out
}

# ---- Accessors: an nmfkitConsensus is its best fit plus the consensus.
setMethod("basis", "nmfkitConsensus", function(object, ...) basis(object@fit))
setMethod("scales", "nmfkitConsensus", function(object, ...) scales(object@fit))
setMethod("coef", "nmfkitConsensus", function(object, ...) coef(object@fit, ...))
setMethod("fitted", "nmfkitConsensus", function(object, ...) fitted(object@fit))
setMethod("residuals", "nmfkitConsensus",
          function(object, ...) residuals(object@fit, ...))

setMethod("predict", "nmfkitConsensus",
          function(object, what = c("consensus", "samples", "features"), ...) {
  what <- match.arg(what)
  if (what != "consensus") return(predict(object@fit, what = what, ...))
  factor(object@membership, levels = seq_len(object@measures[["k"]]))
})

setMethod("predict", "nmfkitSurvey", function(object, k, ...) {
  if (missing(k))
    stop("predict() on a rank survey needs the rank: predict(survey, k = ",
         object@ranks[1L], ")", call. = FALSE)
  predict(object[[k]], ...)
})

# survey[[3]], survey[["3"]] (the NMF package's fits by rank name) or
# survey[["k3"]]: the consensus run at rank 3.
setMethod("[[", "nmfkitSurvey", function(x, i, ...) {
  rank <- if (is.character(i) && length(i) == 1L)
            suppressWarnings(as.numeric(sub("^k", "", i))) else i
  if (!is.numeric(rank) || length(rank) != 1L || is.na(rank) ||
      !(rank %in% x@ranks))
    stop("no rank ", deparse1(i), " in this survey (ranks ",
         paste(x@ranks, collapse = ", "), ")", call. = FALSE)
  x@fits[[paste0("k", rank)]]
})

setMethod("show", "nmfkitConsensus", function(object) {
  ms <- object@measures
  cat("<nmfkitConsensus> rank ", ms[["k"]], ", ", object@nrun, " runs on ",
      nrow(object@fit@w), " features x ", ncol(object@consensus),
      " samples\n", sep = "")
  cat("  cophenetic ", format(ms[["cophenetic"]], digits = 4),
      ", dispersion ", format(ms[["dispersion"]], digits = 4),
      ", silhouette ", format(ms[["silhouette"]], digits = 4), "\n", sep = "")
  cat("  best run ", ms[["best_run"]], ": relative error ",
      format(ms[["rel_error"]], digits = 4), ", explained variance ",
      format(ms[["evar"]], digits = 4), "\n", sep = "")
  cat("  consensus cluster sizes: ",
      paste(tabulate(object@membership, ms[["k"]]), collapse = " "),
      "  (predict(); consensusmap(); basis(), coef() of the best run)\n",
      sep = "")
  invisible(object)
})

setMethod("show", "nmfkitSurvey", function(object) {
  cat("<nmfkitSurvey> ranks ", paste(object@ranks, collapse = ", "), ", ",
      object@nrun, " runs each, on ", nrow(object@fits[[1L]]@fit@w),
      " features x ", ncol(object@fits[[1L]]@consensus), " samples\n", sep = "")
  cols <- c("k", "cophenetic", "dispersion", "silhouette", "rss", "evar")
  print(format(object@measures[cols], digits = 4), row.names = FALSE)
  if (nrow(object@random_measures)) {
    cat("randomized data (rows permuted):\n")
    print(format(object@random_measures[cols], digits = 4), row.names = FALSE)
  }
  invisible(object)
})

setMethod("summary", "nmfkitSurvey", function(object, ...) {
  out <- object@measures
  if (nrow(object@random_measures)) {
    rnd <- object@random_measures
    keep <- c("cophenetic", "dispersion", "silhouette", "rss", "evar")
    names(rnd)[match(keep, names(rnd))] <- paste0("random_", keep)
    out <- cbind(out, rnd[paste0("random_", keep)])
  }
  out
})
