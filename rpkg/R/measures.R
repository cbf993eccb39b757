# The NMF package's measures and feature selection, with its meanings and
# arguments: cophcor(), dispersion(), silhouette(), featureScore(),
# extractFeatures(), connectivity() and consensus() as an accessor.

# ---- cophcor(): the cophenetic correlation coefficient of a consensus
# matrix C (Brunet et al. 2004): the correlation between the distances
# 1 - C and the cophenetic distances of their average-linkage tree.
setMethod("cophcor", "matrix", function(object, linkage = "average", ...) {
  check_consensus_matrix(object)
  d <- stats::as.dist(1 - object)
  stats::cor(d, stats::cophenetic(stats::hclust(d, method = linkage)))
})

setMethod("cophcor", "nmfkitConsensus", function(object, ...) {
  object@measures[["cophenetic"]]
})

setMethod("cophcor", "nmfkitSurvey", function(object, ...) {
  stats::setNames(object@measures$cophenetic, object@ranks)
})

# ---- dispersion(): Kim and Park (2007),
#   rho(C) = 1/n^2 sum_ij 4 (C_ij - 1/2)^2,
# 1 for a consensus of 0s and 1s (every run agrees), less otherwise.
setMethod("dispersion", "matrix", function(object, ...) {
  check_consensus_matrix(object)
  sum(4 * (object - 0.5)^2) / nrow(object)^2
})

setMethod("dispersion", "nmfkitConsensus", function(object, ...) {
  object@measures[["dispersion"]]
})

setMethod("dispersion", "nmfkitSurvey", function(object, ...) {
  stats::setNames(object@measures$dispersion, object@ranks)
})

check_consensus_matrix <- function(x) {
  if (!is.numeric(x) || nrow(x) != ncol(x) || nrow(x) < 2L)
    stop("'object' must be a square consensus matrix of at least 2 x 2, not ",
         paste(dim(x), collapse = " x "), call. = FALSE)
}

# ---- featureScore(): Kim and Park's (2007) feature score,
#   S_i = 1 + 1/log2(k) sum_q p_iq log2 p_iq,  p_iq = W_iq / sum_r W_ir,
# or method = "max", max_q W_iq (both computed by the core, nmf.h:
# nmf_feature_scores).
setMethod("featureScore", "matrix", function(object, method = c("kim", "max"), ...) {
  method <- match.arg(method)
  w <- check_basis_matrix(object)
  stats::setNames(markers_raw(w, method)$score, rownames(object))
})

setMethod("featureScore", "nmfkitFit", function(object, ...) {
  featureScore(basis(object), ...)
})

setMethod("featureScore", "nmfkitConsensus", function(object, ...) {
  featureScore(basis(object@fit), ...)
})

check_basis_matrix <- function(w) {
  if (!is.numeric(w) || anyNA(w) || any(w < 0))
    stop("'object' must be a non-negative numeric basis matrix", call. = FALSE)
  storage.mode(w) <- "double"
  w
}

# ---- extractFeatures(): the features that mark each component, as in the
# NMF package: a list with one integer vector of row indices per component
# (NA when none), named by feature; format = "combine" gives one vector of
# all of them, "subset" the rows of the basis matrix.  method = "kim" or
# "max" select as markers() does; a number selects the top features of
# each column (whole numbers > 1) or those whose share of the row's total
# is at least that fraction (numbers <= 1).
setMethod("extractFeatures", "matrix",
          function(object, method = c("kim", "max"),
                   format = c("list", "combine", "subset"), nodups = TRUE, ...) {
  format <- match.arg(format)
  w <- check_basis_matrix(object)
  k <- ncol(w)
  if (is.numeric(method)) {
    if (anyNA(method) || any(method <= 0) || !length(method) %in% c(1L, k))
      stop("a numeric 'method' must be one or ncol(object) = ", k,
           " positive numbers (counts > 1 or fractions <= 1)", call. = FALSE)
    method <- rep_len(method, k)
    res <- if (all(method > 1)) {
      lapply(seq_len(k), function(q)
        utils::head(order(w[, q], decreasing = TRUE), method[q]))
    } else {
      share <- w / rowSums(w)
      lapply(seq_len(k), function(q) which(share[, q] >= method[q]))
    }
  } else {
    method <- match.arg(method)
    mk <- markers_raw(w, method)
    res <- lapply(seq_len(k), function(q) {
      idx <- which(mk$component == q)
      idx[order(-mk$score[idx], -w[idx, q])]
    })
  }
  res <- lapply(res, function(idx) {
    idx <- as.integer(idx)
    if (!length(idx)) return(NA_integer_)
    if (!is.null(rownames(w))) names(idx) <- rownames(w)[idx]
    idx
  })
  out <- switch(format,
    list = stats::setNames(res, colnames(w)),
    combine = {
      idx <- stats::na.omit(unlist(unname(res)))
      idx <- as.vector(if (nodups) unique(idx) else idx)
      idx
    },
    subset = object[unique(stats::na.omit(unlist(unname(res)))), , drop = FALSE])
  attr(out, "method") <- method
  out
})

setMethod("extractFeatures", "nmfkitFit", function(object, ...) {
  extractFeatures(basis(object), ...)
})

setMethod("extractFeatures", "nmfkitConsensus", function(object, ...) {
  extractFeatures(basis(object@fit), ...)
})

# ---- connectivity(): C_ij = 1 when samples i and j are in one cluster
# (the dominant component of their coefficients), else 0.
setMethod("connectivity", "nmfkitFit", function(object, ...) {
  cl <- predict(object)
  con <- outer(as.integer(cl), as.integer(cl), "==") * 1
  con[is.na(con)] <- 0
  dimnames(con) <- list(names(cl), names(cl))
  con
})

setMethod("connectivity", "nmfkitConsensus", function(object, ...) {
  connectivity(object@fit)
})

# consensus() as an accessor (the NMF package's meaning): the consensus
# matrix of a consensus run, of one rank of a survey, or the connectivity
# of a single fit.  Called by consensus() when given one of these.
consensus_matrix <- function(x, k) {
  if (methods::is(x, "nmfkitConsensus")) return(x@consensus)
  if (methods::is(x, "nmfkitFit")) return(connectivity(x))
  if (missing(k) || is.null(k))
    stop("the consensus of a rank survey needs the rank: consensus(survey, k = ",
         x@ranks[1L], ")", call. = FALSE)
  x[[k]]@consensus
}

# ---- silhouette() (S3 methods for cluster::silhouette): silhouette widths
# of the clusters of a fit or a consensus run.
#   what = "consensus": the consensus clusters, dissimilarity 1 - consensus;
#   what = "samples":   predict() of the (best) fit, dissimilarity 1 minus
#                       the correlation of the samples' coefficients;
#   what = "features":  predict(, "features"), 1 minus the correlation of
#                       the features' rows of the basis.
silhouette.nmfkitFit <- function(x, what = c("samples", "features"), ...) {
  what <- match.arg(what)
  fit_silhouette(x, what)
}

silhouette.nmfkitConsensus <- function(x, what = c("consensus", "samples", "features"),
                                       ...) {
  what <- match.arg(what)
  if (what != "consensus") return(fit_silhouette(x@fit, what))
  si <- cluster::silhouette(x@membership, dmatrix = 1 - x@consensus)
  rownames(si) <- names(x@membership)
  si
}

fit_silhouette <- function(fit, what) {
  cl <- predict(fit, what = what)
  profiles <- if (what == "samples") coef(fit) else t(basis(fit))
  d <- 1 - suppressWarnings(stats::cor(profiles))
  d[is.na(d)] <- 1
  si <- cluster::silhouette(as.integer(cl), dmatrix = d)
  if (is.matrix(si)) rownames(si) <- names(cl)
  si
}
