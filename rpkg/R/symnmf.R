# Symmetric NMF of networks: A ~ H H^T (nmf.h, nmf_symfit_*).

#' @export
symnmf <- function(x, k, seed = NULL, maxit = 500L, tol = 1e-5,
                   solver = c("hals", "anls"),
                   threads = getOption("nmfkit.threads", getOption("mc.cores", 0L))) {
  call <- match.call()
  solver <- match.arg(solver)
  k <- check_count(k, "k", 1L)
  maxit <- check_count(maxit, "maxit", 0L)
  tol <- check_nonneg(tol, "tol")
  threads <- check_count(threads, "threads", 0L)
  seed <- if (is.null(seed)) draw_seed() else check_seed(seed)
  a <- symnmf_input(x)
  n <- a$n
  if (k > n)
    stop("'k' = ", k, " exceeds the number of nodes (", n, ")", call. = FALSE)
  options <- list(solver = if (solver == "anls") 4L else 1L, threads = threads,
                  maxit = maxit, tol = tol, seed = seed)
  res <- if (a$sparse)
    .nmf_symfit_csc(n, a$x@p, a$x@i, a$x@x, k, options)
  else
    .nmf_symfit_dense(a$x, k, options)
  if (res$status < 0) symnmf_error(res, a$names, call)
  if (isTRUE(res$interrupted))
    stop(structure(class = c("interrupt", "condition"),
                   list(message = "symnmf() interrupted", call = call)))
  h <- res$h
  dimnames(h) <- list(a$names, paste0("H", seq_len(k)))
  structure(list(H = h, k = k, n = n, iterations = res$iterations,
                 loss = res$loss, rel_error = res$rel_error,
                 isolated = res$isolated, gap = res$gap, solver = res$solver,
                 loss_history = res$loss_history, seconds = res$seconds,
                 seed = seed, call = call),
            class = "symnmf")
}

# The adjacency matrix of x as a square double matrix or dgCMatrix, and the
# node names (NULL when x has none).
symnmf_input <- function(x) {
  if (inherits(x, "igraph")) {
    need_package("igraph", "an igraph graph")
    if (igraph::is_directed(x))
      stop("'x' is a directed graph: symmetric NMF needs an undirected one ",
           "(igraph::as_undirected(x, mode = \"collapse\"))", call. = FALSE)
    weighted <- "weight" %in% igraph::edge_attr_names(x)
    m <- igraph::as_adjacency_matrix(x, attr = if (weighted) "weight",
                                     sparse = TRUE)
    names <- igraph::V(x)$name
    if (is.null(names)) names <- as.character(seq_len(igraph::vcount(x)))
    x <- m
  } else {
    names <- rownames(x) %||% colnames(x)
  }
  if (inherits(x, "Matrix")) {
    need_package("Matrix", "a Matrix matrix")
    x <- methods::as(methods::as(methods::as(x, "CsparseMatrix"),
                                 "generalMatrix"), "dMatrix")
    dn <- dim(x)
    if (dn[1L] != dn[2L]) symnmf_square(dn)
    return(list(x = x, sparse = TRUE, n = dn[2L], names = names))
  }
  if (is.data.frame(x)) x <- as.matrix(x)
  if (!is.matrix(x) || !(is.numeric(x) || is.logical(x)))
    stop("'x' must be a numeric matrix, a Matrix sparse matrix or an ",
         "undirected igraph graph, not ", class(x)[1L], call. = FALSE)
  if (nrow(x) != ncol(x)) symnmf_square(dim(x))
  storage.mode(x) <- "double"
  list(x = x, sparse = FALSE, n = ncol(x), names = names)
}

symnmf_square <- function(d) {
  stop("'x' is ", d[1L], " x ", d[2L],
       ": symmetric NMF needs a square adjacency matrix", call. = FALSE)
}

# The core's error as an R condition, naming nodes by name.
symnmf_error <- function(res, names, call) {
  code <- names(.nmf_codes$status)[match(res$status, .nmf_codes$status)]
  if (is.na(code)) code <- "unknown"
  msg <- sub("^A ", "x ", res$message)
  if (!is.null(names) && !is.na(res$row) && !is.na(res$col))
    msg <- paste0(msg, " (nodes ", names[res$row], " and ", names[res$col], ")")
  stop(structure(class = c(paste0("nmfkit_error_", code), "nmfkit_error",
                           "error", "condition"),
                 list(message = msg, call = call, status = res$status)))
}

#' @export
print.symnmf <- function(x, ...) {
  cat("Symmetric NMF (A ~ H H^T) of ", x$n, " nodes, k = ", x$k, "\n",
      "  ", x$iterations, " iterations (", x$solver, "), relative error ",
      format(x$rel_error, digits = 4), "\n", sep = "")
  if (x$isolated > 0)
    cat("  ", x$isolated, " isolated node(s): zero rows of H, community NA\n",
        sep = "")
  sizes <- tabulate(predict(x), x$k)
  cat("  community sizes:", sizes, "\n")
  invisible(x)
}

#' @export
coef.symnmf <- function(object, ...) object$H

#' @export
predict.symnmf <- function(object, pairs = NULL, ...) {
  h <- object$H
  if (is.null(pairs)) {
    cl <- max.col(h, ties.method = "first")
    cl[rowSums(h) == 0] <- NA_integer_
    names(cl) <- rownames(h)
    return(cl)
  }
  if (is.data.frame(pairs)) pairs <- as.matrix(pairs[, 1:2, drop = FALSE])
  if (!is.matrix(pairs) || ncol(pairs) != 2L)
    stop("'pairs' must be a two-column matrix or data frame of nodes",
         call. = FALSE)
  idx <- if (is.character(pairs)) {
    if (is.null(rownames(h))) stop("the fit has no node names", call. = FALSE)
    m <- match(pairs, rownames(h))
    if (anyNA(m))
      stop("unknown node ", pairs[which(is.na(m))[1L]], " in 'pairs'",
           call. = FALSE)
    m
  } else {
    if (!is.numeric(pairs) || anyNA(pairs) || any(pairs != round(pairs)) ||
        any(pairs < 1) || any(pairs > nrow(h)))
      stop("'pairs' must hold node indices in 1..", nrow(h), " or node names",
           call. = FALSE)
    as.integer(pairs)
  }
  dim(idx) <- dim(pairs)
  rowSums(h[idx[, 1L], , drop = FALSE] * h[idx[, 2L], , drop = FALSE])
}
