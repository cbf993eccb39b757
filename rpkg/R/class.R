# The result class and its accessors.
#
# The core returns the canonical form A ~ W diag(d) H with every column of W
# and every row of H summing to 1 and the components ordered by d, largest
# first.  basis() is W (each metagene a distribution over the features),
# scales() is d, and coef() is diag(d) H, so that
#   fitted(fit) == basis(fit) %*% coef(fit).

setClass("nmfkitFit", representation(
  w = "matrix",              # m x k, columns summing to 1
  d = "numeric",             # k scales, decreasing
  h = "matrix",              # k x n, rows summing to 1
  iterations = "integer",
  loss = "numeric",
  rel_error = "numeric",
  loss_history = "numeric",
  stop_reason = "character",
  seed = "numeric",
  init = "character",
  options = "list",
  runtime = "numeric",
  call = "language",
  data = "list"               # the input (by reference) when kept, else empty
))

setGeneric("scales", function(object, ...) standardGeneric("scales"))
setGeneric("project", function(object, newdata, ...) standardGeneric("project"))

setMethod("basis", "nmfkitFit", function(object, ...) object@w)

setMethod("scales", "nmfkitFit", function(object, ...) object@d)

setMethod("coef", "nmfkitFit", function(object, scale = TRUE, ...) {
  if (isTRUE(scale)) object@d * object@h else object@h
})

setMethod("fitted", "nmfkitFit", function(object, ...) {
  object@w %*% coef(object)
})

setMethod("residuals", "nmfkitFit", function(object, x, assay = NULL, ...) {
  a <- if (!missing(x)) {
    input_dense(as_nmf_input(x, assay))
  } else if (length(object@data)) {
    input_dense(object@data)
  } else {
    stop("this fit did not keep its data (nmf(..., keep_data = FALSE), or ",
         "the best run of a consensus): give it, residuals(fit, x)",
         call. = FALSE)
  }
  if (nrow(a) != nrow(object@w) || ncol(a) != ncol(object@h))
    stop("x is ", nrow(a), " x ", ncol(a), " but the fit is ",
         nrow(object@w), " x ", ncol(object@h), call. = FALSE)
  a - fitted(object)
})

setMethod("show", "nmfkitFit", function(object) {
  m <- nrow(object@w)
  n <- ncol(object@h)
  k <- ncol(object@w)
  cat("<nmfkitFit> rank ", k, " factorization of ", m, " features x ", n,
      " samples\n", sep = "")
  cat("  init: ", object@init, ", seed: ", format(object@seed, scientific = FALSE),
      "\n", sep = "")
  loss <- object@options$loss
  if (!is.null(loss) && loss != "frobenius")
    cat("  loss: ", loss,
        if (loss == "beta") paste0(" (beta = ", object@options$beta, ")"),
        ", solver: ", object@options$solver_used,
        if (!identical(object@options$missing, "none"))
          paste0(", missing: ", object@options$missing),
        "\n", sep = "")
  cat("  ", object@iterations, " iterations, stopped: ",
      stop_reason_text(object), "\n", sep = "")
  cat("  relative error ||x - fitted|| / ||x||: ",
      format(object@rel_error, digits = 4), "\n", sep = "")
  cat("  basis(): ", m, " x ", k, ", coef(): ", k, " x ", n,
      ", scales(): ", paste(format(object@d, digits = 3), collapse = " "),
      "\n", sep = "")
  invisible(object)
})

stop_reason_text <- function(object) {
  switch(object@stop_reason,
         tol = paste0("converged (relative loss decrease < ",
                            format(object@options$tol), ")"),
         maxit = paste0("maxit = ", object@options$maxit,
                        " iterations reached (not converged)"),
         cancelled = "interrupted by the user",
         none = "no iteration run (maxit = 0)",
         exact = "exact solve with one factor fixed",
         object@stop_reason)
}

setMethod("summary", "nmfkitFit", function(object, class = NULL, ...) {
  res <- list(
    features = nrow(object@w), samples = ncol(object@h), k = ncol(object@w),
    init = object@init, seed = object@seed, iterations = object@iterations,
    stop_reason = object@stop_reason, stop_text = stop_reason_text(object),
    loss = object@loss, rel_error = object@rel_error,
    explained = 1 - object@rel_error^2,
    sparseness = c(basis = mean(hoyer(object@w, 2L), na.rm = TRUE),
                   coef = mean(hoyer(object@h, 1L), na.rm = TRUE)),
    scales = object@d, runtime = object@runtime,
    threads = object@options$threads)
  if (!is.null(class)) {
    cl <- predict(object)
    if (length(class) != length(cl))
      stop("'class' has ", length(class), " labels but the fit has ",
           length(cl), " samples", call. = FALSE)
    tab <- table(predicted = cl, class = class)
    res$table <- tab
    res$purity <- sum(apply(tab, 1L, max)) / sum(tab)
    res$entropy <- cluster_entropy(tab)
  }
  structure(res, class = "summary.nmfkitFit")
})

print.summary.nmfkitFit <- function(x, ...) {
  cat("NMF fit of rank ", x$k, ": ", x$features, " features x ", x$samples,
      " samples\n", sep = "")
  cat("  init             ", x$init, " (seed ",
      format(x$seed, scientific = FALSE), ")\n", sep = "")
  cat("  iterations       ", x$iterations, ", stopped: ", x$stop_text, "\n",
      sep = "")
  cat("  loss             ", format(x$loss, digits = 6), "\n", sep = "")
  cat("  relative error   ", format(x$rel_error, digits = 4),
      "  (", format(100 * x$explained, digits = 4),
      "% of sum(x^2) explained)\n", sep = "")
  cat("  sparseness       basis ", format(x$sparseness[["basis"]], digits = 3),
      ", coef ", format(x$sparseness[["coef"]], digits = 3),
      " (Hoyer; 0 = dense, 1 = one non-zero)\n", sep = "")
  cat("  scales           ", paste(format(x$scales, digits = 3), collapse = " "),
      "\n", sep = "")
  cat("  time             ", format(x$runtime, digits = 3), " s\n", sep = "")
  if (!is.null(x$table)) {
    cat("  purity           ", format(x$purity, digits = 3),
        "\n  entropy          ", format(x$entropy, digits = 3), "\n\n", sep = "")
    print(x$table)
  }
  invisible(x)
}

# Hoyer (2004) sparseness of each column (margin 2) or row (margin 1):
# (sqrt(n) - L1 / L2) / (sqrt(n) - 1), 0 for a constant vector, 1 for a
# single non-zero; NA when undefined (length 1 or all zero).
hoyer <- function(x, margin) {
  len <- dim(x)[3L - margin]
  l1 <- apply(abs(x), margin, sum)
  l2 <- sqrt(apply(x^2, margin, sum))
  out <- (sqrt(len) - l1 / l2) / (sqrt(len) - 1)
  out[l2 == 0 | len < 2] <- NA
  out
}

# Entropy of a clustering against known classes (Brunet et al. 2004; as in
# the NMF package): 0 when every cluster holds a single class.
cluster_entropy <- function(tab) {
  tab <- tab[rowSums(tab) > 0, , drop = FALSE]
  q <- ncol(tab)
  if (q < 2L) return(0)
  p <- tab / rowSums(tab)
  terms <- ifelse(tab > 0, tab * log2(p), 0)
  -sum(terms) / (sum(tab) * log2(q))
}

setMethod("predict", "nmfkitFit",
          function(object, what = c("samples", "features"), prob = FALSE, ...) {
  what <- match.arg(what)
  contrib <- if (what == "samples") t(coef(object))
             else object@w * rep(object@d, each = nrow(object@w))
  total <- rowSums(contrib)
  if (isTRUE(prob)) {
    p <- contrib / total
    p[total == 0, ] <- NA
    return(p)
  }
  best <- max.col(contrib, ties.method = "first")
  best[total == 0] <- NA
  stats::setNames(factor(colnames(contrib)[best], levels = colnames(contrib)),
                  rownames(contrib))
})

setMethod("project", "nmfkitFit",
          function(object, newdata, assay = NULL, L1 = 0, L2 = 0,
                   threads = object@options$threads, strict_names = FALSE,
                   ...) {
  input <- as_nmf_input(newdata, assay, arg = "newdata")
  check_dimnames(input$x, strict_names, arg = "newdata")
  input <- align_features(input, rownames(object@w), nrow(object@w))
  k <- ncol(object@w)
  # With W fixed the core solves for H exactly (one iteration); the
  # penalties on H and HALS' inner settings are the projection's options.
  options <- c(core_options(list(
    threads = threads, maxit = 1L, tol = 0, seed = 0), list()),
    list(l1_h = check_option(L1, "l1_h", "L1"),
         l2_h = check_option(L2, "l2_h", "L2"),
         hals_alpha = object@options$hals_alpha %||% option_default("hals_alpha"),
         hals_delta = object@options$hals_delta %||% option_default("hals_delta"),
         user_w = 0L, user_h = 0L, fix_w = 1L, fix_h = 0L, show_bar = FALSE,
         interrupt_at = 0, history = 1))
  w <- object@w
  dimnames(w) <- NULL
  res <- call_core(input, k, options, w, NULL)
  if (res$status < 0L)
    stop_core(res, sys.call(), list(A = list(label = "newdata", input = input)),
              nrow(input$x), ncol(input$x))
  h <- res$h
  dimnames(h) <- list(colnames(object@w), colnames(input$x))
  h
})

# Rows of newdata in the order of the fit's features: matched by name when
# both have row names, otherwise by position.
align_features <- function(input, features, m) {
  x <- input$x
  rn <- rownames(x)
  if (!is.null(features) && !is.null(rn)) {
    if (identical(rn, features)) return(input)
    idx <- match(features, rn)
    if (anyNA(idx)) {
      missing <- features[is.na(idx)]
      stop("newdata lacks ", length(missing), " of the ", length(features),
           " features of the fit (e.g. ",
           paste0("'", utils::head(missing, 3L), "'", collapse = ", "), ")",
           call. = FALSE)
    }
    input$x <- x[idx, , drop = FALSE]
    return(input)
  }
  if (nrow(x) != m)
    stop("newdata has ", nrow(x), " rows but the fit has ", m, " features",
         call. = FALSE)
  input
}
