# Plots of consensus results in base graphics: the rank survey curves,
# the consensus heatmap, and heatmaps of the basis and the coefficients.

# ---- plot(survey): one panel per measure against the rank, the
# randomized data's curve dashed beside the data's.
setMethod("plot", signature(x = "nmfkitSurvey", y = "missing"),
          function(x, y, what = c("cophenetic", "dispersion", "silhouette",
                                  "rss", "evar"), main = NULL, ...) {
  what <- match.arg(what, several.ok = TRUE)
  labels <- c(cophenetic = "cophenetic correlation", dispersion = "dispersion",
              silhouette = "mean silhouette width",
              rss = "residual sum of squares", evar = "explained variance")
  ms <- x@measures
  rnd <- x@random_measures
  old <- graphics::par(mfrow = grDevices::n2mfrow(length(what)),
                       mar = c(4, 4, 2.5, 1), oma = c(0, 0, if (is.null(main)) 0 else 2, 0))
  on.exit(graphics::par(old))
  for (w in what) {
    ys <- c(ms[[w]], if (nrow(rnd)) rnd[[w]])
    ylim <- range(ys[is.finite(ys)])
    if (!all(is.finite(ylim))) ylim <- c(0, 1)
    graphics::plot(ms$k, ms[[w]], type = "b", pch = 19, col = "#1B5E9E",
                   ylim = ylim, xlab = "rank k", ylab = labels[[w]],
                   main = labels[[w]], xaxt = "n", ...)
    graphics::axis(1, at = ms$k)
    if (nrow(rnd))
      graphics::lines(rnd$k, rnd[[w]], type = "b", pch = 1, lty = 2,
                      col = "#B2182B")
    if (w == what[1L] && nrow(rnd))
      graphics::legend("bottomleft", c("data", "randomized"), bty = "n",
                       lty = c(1, 2), pch = c(19, 1),
                       col = c("#1B5E9E", "#B2182B"), cex = 0.85)
  }
  if (!is.null(main)) graphics::mtext(main, outer = TRUE, font = 2)
  invisible(x)
})


heat_colors <- function(n = 64) grDevices::hcl.colors(n, "YlOrRd", rev = TRUE)

# Annotation tracks: a data.frame (one row per sample), a named list of
# vectors, or one vector, named by `label` (the expression the caller
# wrote, e.g. "type" for golub_samples$type); each becomes a factor.
as_tracks <- function(annotation, n, samples, label = "annotation") {
  if (is.null(annotation)) return(list())
  if (is.data.frame(annotation)) annotation <- as.list(annotation)
  if (!is.list(annotation))
    annotation <- stats::setNames(list(annotation), track_label(label))
  if (is.null(names(annotation)) || any(!nzchar(names(annotation))))
    stop("'annotation' tracks must be named", call. = FALSE)
  lapply(names(annotation), function(nm) {
    v <- annotation[[nm]]
    if (length(v) != n)
      stop("annotation track '", nm, "' has ", length(v), " values but there ",
           "are ", n, " samples", call. = FALSE)
    if (!is.null(names(v)) && !is.null(samples) && all(samples %in% names(v)))
      v <- v[samples]
    as.factor(v)
  }) -> tr
  stats::setNames(tr, names(annotation))
}

# "golub_samples$type" -> "type"; a long expression -> "annotation".
track_label <- function(label) {
  label <- sub("^.*\\$", "", paste(label, collapse = ""))
  label <- gsub("^`|`$", "", label)
  if (!nzchar(label) || nchar(label) > 30L || grepl("[(){}, ]", label))
    "annotation" else label
}

# Text sizes (cex) readable at the default device size: sample labels
# shrink with their number, down to a floor.
label_cex <- function(n) max(0.55, min(0.9, 36 / n))

track_palette <- function(levels, which) {
  sets <- c("Set 2", "Dark 3", "Pastel 1", "Set 3", "Harmonic", "Cold")
  grDevices::hcl.colors(max(length(levels), 2L), sets[(which - 1L) %% length(sets) + 1L])[
    seq_along(levels)]
}

draw_tracks <- function(tracks, ord, horizontal = TRUE) {
  n <- length(ord)
  nt <- length(tracks)
  graphics::plot.new()
  graphics::plot.window(xlim = c(0.5, n + 0.5), ylim = c(0.5, nt + 0.5),
                        xaxs = "i", yaxs = "i")
  for (t in seq_len(nt)) {
    f <- tracks[[t]][ord]
    cols <- track_palette(levels(f), t)[as.integer(f)]
    cols[is.na(cols)] <- "grey90"
    y <- nt - t + 1
    graphics::rect(seq_len(n) - 0.5, y - 0.45, seq_len(n) + 0.5, y + 0.45,
                   col = cols, border = NA)
  }
  graphics::axis(2, at = rev(seq_len(nt)), labels = names(tracks), las = 1,
                 tick = FALSE, cex.axis = 0.95, line = -0.8)
}

draw_track_legend <- function(tracks, key_title, zlim = c(0, 1)) {
  graphics::par(mar = c(1, 0.5, 2, 0.5))
  graphics::plot.new()
  y <- 1
  for (t in seq_along(tracks)) {
    lv <- levels(tracks[[t]])
    leg <- graphics::legend(0, y, legend = lv, fill = track_palette(lv, t),
                            title = names(tracks)[t], bty = "n", cex = 0.95,
                            border = NA, xjust = 0, yjust = 1, title.adj = 0)
    y <- leg$rect$top - leg$rect$h - 0.02
  }
}

draw_key <- function(zlim, title) {
  graphics::par(mar = c(3, 0.5, 2, 2.8))
  z <- seq(zlim[1L], zlim[2L], length.out = 64)
  graphics::image(1, z, matrix(z, 1), col = heat_colors(), axes = FALSE,
                  xlab = "", ylab = "")
  graphics::axis(4, las = 1, cex.axis = 0.95)
  graphics::mtext(title, side = 3, line = 0.5, cex = 0.95)
  graphics::box()
}

# ---- consensusmap(): the consensus matrix reordered by its average-linkage
# tree, with the dendrogram above and annotation tracks (the consensus
# clusters first, then the user's) between them.
setMethod("consensusmap", "nmfkitConsensus",
          function(object, annotation = NULL, main = NULL, labels = NULL, ...) {
  cons <- object@consensus
  n <- ncol(cons)
  samples <- colnames(cons)
  ord <- object@tree$order
  tracks <- c(list(consensus = factor(object@membership)),
              as_tracks(annotation, n, samples,
                        deparse1(substitute(annotation))))
  nt <- length(tracks)
  if (is.null(labels)) labels <- n <= 60
  if (is.null(main))
    main <- paste0("consensus, k = ", object@measures[["k"]], ", ", object@nrun,
                   " runs (cophenetic ",
                   format(object@measures[["cophenetic"]], digits = 3), ")")
  old <- graphics::par(no.readonly = TRUE)
  on.exit(graphics::par(old))
  graphics::layout(matrix(c(1, 4, 2, 4, 3, 5), 3, byrow = TRUE),
                   widths = c(5, 1.3), heights = c(1.3, 0.22 * nt + 0.1, 5))
  graphics::par(cex = 1)  # layout() shrinks text to 0.66 on a 3 x 2 grid
  # room for the sample names on the left and below
  left <- if (isTRUE(labels)) 9 else 6
  # 1: dendrogram
  graphics::par(mar = c(0, left, 2.5, 0.5))
  graphics::plot(stats::as.dendrogram(object@tree), leaflab = "none",
                 axes = FALSE, xlim = c(0.5, n + 0.5), xaxs = "i",
                 main = main, ...)
  # 2: tracks
  graphics::par(mar = c(0.2, left, 0.2, 0.5))
  draw_tracks(tracks, ord)
  # 3: heatmap (sample ord[1] at the top left)
  graphics::par(mar = c(if (isTRUE(labels)) 9 else 1, left, 0.2, 0.5))
  graphics::image(seq_len(n), seq_len(n), cons[ord, rev(ord)], zlim = c(0, 1),
                  col = heat_colors(), axes = FALSE, xlab = "", ylab = "")
  if (isTRUE(labels)) {
    graphics::axis(1, at = seq_len(n), labels = samples[ord], las = 2,
                   cex.axis = label_cex(n), tick = FALSE, line = -0.8)
    graphics::axis(2, at = seq_len(n), labels = samples[rev(ord)], las = 1,
                   cex.axis = label_cex(n), tick = FALSE, line = -0.8)
  }
  graphics::box()
  # 4, 5: legends and colour key
  draw_track_legend(tracks)
  draw_key(c(0, 1), "consensus")
  invisible(object)
})

# consensusmap(survey): every rank's consensus on one page (onepage =
# TRUE, as the NMF package draws them), or one full page per rank.
setMethod("consensusmap", "nmfkitSurvey",
          function(object, k = object@ranks, onepage = TRUE, main = NULL, ...) {
  if (!isTRUE(onepage)) {
    for (kk in k) consensusmap(object[[kk]], ...)
    return(invisible(object))
  }
  fits <- lapply(k, function(kk) object[[kk]])
  old <- graphics::par(no.readonly = TRUE)
  on.exit(graphics::par(old))
  if (is.null(main))
    main <- paste0("consensus matrices, ", object@nrun, " runs per rank")
  # a grid of panels, one per rank, and a column for the colour key
  dims <- grDevices::n2mfrow(length(fits))
  cells <- matrix(c(seq_along(fits), rep(0L, prod(dims) - length(fits))),
                  dims[1L], dims[2L], byrow = TRUE)
  graphics::layout(cbind(cells, length(fits) + 1L),
                   widths = c(rep(1, dims[2L]), 0.45))
  graphics::par(cex = 1, oma = c(0.5, 0.5, 2.5, 0.5), mar = c(0.5, 0.5, 3.6, 0.5))
  for (f in fits) {
    cons <- f@consensus
    ord <- f@tree$order
    n <- ncol(cons)
    graphics::image(seq_len(n), seq_len(n), cons[ord, rev(ord)], zlim = c(0, 1),
                    col = heat_colors(), axes = FALSE, xlab = "", ylab = "")
    graphics::box()
    # the consensus clusters as a strip just above the matrix
    cl <- factor(f@membership)[ord]
    cols <- track_palette(levels(cl), 1L)[as.integer(cl)]
    top <- n + 0.5 + 0.02 * n
    graphics::rect(seq_len(n) - 0.5, top, seq_len(n) + 0.5, top + 0.06 * n,
                   col = cols, border = NA, xpd = NA)
    graphics::title(main = paste0("k = ", f@measures[["k"]], "  (cophenetic ",
                                  format(f@measures[["cophenetic"]], digits = 3),
                                  ")"),
                    line = 2, cex.main = 1.1)
  }
  graphics::mtext(main, outer = TRUE, side = 3, line = 0.8, font = 2, cex = 1.2)
  draw_key(c(0, 1), "consensus")
  invisible(object)
})

# ---- coefmap(): the coefficients (components x samples), each sample's
# column scaled to sum to 1, samples ordered by the consensus tree (or by
# cluster for a single fit), with annotation tracks.
coefmap_draw <- function(h, ord, tracks, main) {
  k <- nrow(h)
  n <- ncol(h)
  nt <- length(tracks)
  tot <- colSums(h)
  p <- sweep(h, 2L, ifelse(tot > 0, tot, 1), "/")
  old <- graphics::par(no.readonly = TRUE)
  on.exit(graphics::par(old))
  graphics::layout(matrix(c(1, 3, 4, 2, 3, 4), 2, byrow = TRUE),
                   widths = c(5, 1.3, 1.1), heights = c(0.22 * nt + 0.6, 3))
  graphics::par(cex = 1)  # layout() shrinks text on a 2 x 3 grid
  graphics::par(mar = c(0.2, 6, 2.5, 0.5))
  draw_tracks(tracks, ord)
  graphics::title(main)
  graphics::par(mar = c(if (n <= 60) 8.5 else 1, 6, 0.2, 0.5))
  graphics::image(seq_len(n), seq_len(k), t(p[rev(seq_len(k)), ord, drop = FALSE]),
                  zlim = c(0, 1), col = heat_colors(), axes = FALSE,
                  xlab = "", ylab = "")
  graphics::axis(2, at = seq_len(k), labels = rev(rownames(h)), las = 1,
                 cex.axis = 0.95, tick = FALSE, line = -0.8)
  if (n <= 60)
    graphics::axis(1, at = seq_len(n), labels = colnames(h)[ord], las = 2,
                   cex.axis = label_cex(n), tick = FALSE, line = -0.8)
  graphics::box()
  draw_track_legend(tracks)
  draw_key(c(0, 1), "share")
}

setMethod("coefmap", "nmfkitFit", function(object, annotation = NULL,
                                        main = "coefficients (columns scaled to 1)", ...) {
  h <- coef(object)
  cl <- predict(object)
  ord <- order(as.integer(cl), -apply(h, 2L, max))
  tracks <- c(list(cluster = cl),
              as_tracks(annotation, ncol(h), colnames(h),
                        deparse1(substitute(annotation))))
  coefmap_draw(h, ord, tracks, main)
  invisible(object)
})

setMethod("coefmap", "nmfkitConsensus", function(object, annotation = NULL,
                                              main = "coefficients of the best run (columns scaled to 1)", ...) {
  h <- coef(object@fit)
  tracks <- c(list(consensus = factor(object@membership),
                   best_run = predict(object@fit)),
              as_tracks(annotation, ncol(h), colnames(h),
                        deparse1(substitute(annotation))))
  coefmap_draw(h, object@tree$order, tracks, main)
  invisible(object)
})

# ---- basismap(): the basis (features x components), each feature's row
# scaled to sum to 1, for the top features of each component (those whose
# largest entry is in it, by decreasing weight), with a track of the markers
# selected by markers().
setMethod("basismap", "nmfkitFit", function(object, top = 30L, method = c("kim", "max"),
                                         main = NULL, ...) {
  method <- match.arg(method)
  top <- check_count(top, "top", min = 1)
  w <- basis(object) * rep(scales(object), each = nrow(basis(object)))
  k <- ncol(w)
  best <- max.col(w, ties.method = "first")
  rows <- unlist(lapply(seq_len(k), function(q) {
    idx <- which(best == q & rowSums(w) > 0)
    utils::head(idx[order(w[idx, q], decreasing = TRUE)], top)
  }))
  tot <- rowSums(w[rows, , drop = FALSE])
  p <- w[rows, , drop = FALSE] / tot
  sel <- if (k >= 2L || method == "max") {
    mk <- markers_raw(basis(object), method)
    !is.na(mk$component[rows])
  } else rep(FALSE, length(rows))
  if (is.null(main)) main <- paste0("basis: top ", top, " features per component")
  nr <- length(rows)
  old <- graphics::par(no.readonly = TRUE)
  on.exit(graphics::par(old))
  graphics::layout(matrix(c(1, 2, 3, 1, 2, 4), 2, byrow = TRUE),
                   widths = c(0.45, 4, 1.4))
  graphics::par(cex = 1)  # layout() shrinks text on a 2 x 3 grid
  marker_cols <- c("grey92", "#1B5E9E")
  graphics::par(mar = c(4, 0.5, 3, 0.2))
  graphics::image(1, seq_len(nr), matrix(as.integer(rev(sel)), 1),
                  col = marker_cols, zlim = c(0, 1), axes = FALSE, xlab = "",
                  ylab = "")
  graphics::mtext("marker", side = 3, line = 0.3, cex = 0.8)
  graphics::par(mar = c(4, 0.5, 3, if (nr <= 120) 6 else 1))
  graphics::image(seq_len(k), seq_len(nr), t(p[rev(seq_len(nr)), , drop = FALSE]),
                  zlim = c(0, 1), col = heat_colors(), axes = FALSE,
                  xlab = "", ylab = "", main = main)
  graphics::axis(1, at = seq_len(k), labels = colnames(w), las = 2,
                 cex.axis = 0.95, tick = FALSE)
  if (nr <= 120 && !is.null(rownames(w)))
    graphics::axis(4, at = seq_len(nr), labels = rev(rownames(w)[rows]), las = 1,
                   cex.axis = label_cex(nr), tick = FALSE, line = -0.8)
  graphics::box()
  draw_key(c(0, 1), "share")
  graphics::par(mar = c(1, 0.5, 1, 0.5))
  graphics::plot.new()
  graphics::legend("top", legend = c("selected", "not selected"),
                   fill = rev(marker_cols), border = NA, bty = "n", cex = 0.95,
                   title = paste0("marker (", method, ")"), title.adj = 0)
  invisible(object)
})

setMethod("basismap", "nmfkitConsensus", function(object, ...) {
  basismap(object@fit, ...)
})

# ---- plot(fit): the objective after each iteration (log scale when it
# spans more than a factor of 10).
setMethod("plot", signature(x = "nmfkitFit", y = "missing"),
          function(x, y, main = "objective by iteration", ...) {
  h <- x@loss_history
  if (!length(h))
    stop("this fit has no loss history (the best run of a consensus keeps ",
         "none)", call. = FALSE)
  pos <- h[is.finite(h) & h > 0]
  log <- if (length(pos) == length(h) && max(pos) / min(pos) > 10) "y" else ""
  graphics::plot(seq_along(h), h, type = "l", lwd = 2, col = "#1B5E9E",
                 log = log, xlab = "iteration", ylab = "objective",
                 main = main, ...)
  graphics::mtext(paste0(x@options$loss %||% "frobenius", " loss, ",
                         x@options$solver_used %||% "", "; stopped: ",
                         stop_reason_text(x)), side = 3, line = 0.3, cex = 0.9)
  invisible(x)
})
