# Rank selection by bi-cross-validation (Owen & Perry 2009; nmf.h:
# nmf_bicv, with a dgCMatrix passed as CSC, which is never made dense).

bicv <- function(x, k, row_groups = 2L, col_groups = 2L, reps = 1L,
                 seed = NULL, init = c("random", "nndsvd", "nndsvda", "nndsvdar"),
                 maxit = 200L, tol = 1e-5, L1 = c(0, 0), L2 = c(0, 0),
                 threads = getOption("nmfkit.threads", getOption("mc.cores", 0L)),
                 assay = NULL, loss = "frobenius",
                 solver = "auto", beta = 1, control = list(),
                 strict_names = FALSE) {
  call <- match.call()
  input <- as_nmf_input(x, assay)
  check_dimnames(input$x, strict_names)
  a <- input$x
  ranks <- check_ranks(k)
  row_groups <- check_count(row_groups, "row_groups", min = 2)
  col_groups <- check_count(col_groups, "col_groups", min = 2)
  reps <- check_count(reps, "reps", min = 1)
  options <- fit_options_list(
    list(loss = choice_arg(loss), solver = choice_arg(solver), beta = beta,
         init = choice_arg(init), threads = threads, maxit = maxit, tol = tol,
         L1 = L1, L2 = L2),
    control, seed, verbose = FALSE)
  options$row_groups <- row_groups
  options$col_groups <- col_groups
  options$reps <- reps
  options$split_seed <- (options$seed + 1) %% 2^53
  res <- if (input$kind == "dense") {
    .nmf_bicv_dense(a, as.double(ranks), options)
  } else {
    .nmf_bicv_csc(nrow(a), ncol(a), a@p, a@i, a@x, as.double(ranks), options)
  }
  library_notice()
  if (res$status < 0L)
    stop_core(res, call, list(A = list(label = "x", input = input)), nrow(a), ncol(a))
  structure(list(ranks = ranks, error = res$error,
                 fold_error = res$fold_error, suggested = as.integer(res$suggested),
                 row_groups = row_groups, col_groups = col_groups, reps = reps,
                 seed = options$seed, call = call),
            class = "NMFbicv")
}

print.NMFbicv <- function(x, ...) {
  cat("Bi-cross-validation (", x$row_groups, " x ", x$col_groups, " blocks, ",
      x$reps, " split", if (x$reps > 1L) "s", ")\n", sep = "")
  print(data.frame(k = x$ranks, heldout_error = signif(x$error, 4)),
        row.names = FALSE)
  cat("suggested rank (smallest held-out error): ", x$suggested, "\n", sep = "")
  invisible(x)
}

plot.NMFbicv <- function(x, y, ...) {
  folds <- x$fold_error * x$row_groups * x$col_groups
  graphics::matplot(x$ranks, t(folds), type = "l", lty = 1, col = "grey75",
                    xlab = "rank k", ylab = "relative held-out error",
                    main = "bi-cross-validation", xaxt = "n",
                    ylim = range(c(folds, x$error)), ...)
  graphics::lines(x$ranks, x$error, type = "b", pch = 19, lwd = 2, col = "#1B5E9E")
  graphics::axis(1, at = x$ranks)
  graphics::abline(v = x$suggested, lty = 3)
  invisible(x)
}
