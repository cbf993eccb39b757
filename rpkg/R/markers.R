# Metagene markers (nmf.h: nmf_feature_scores, nmf_select_features).

setGeneric("markers", function(object, ...) standardGeneric("markers"))

markers_raw <- function(w, method) {
  code <- c(kim = 0L, max = 1L)[[method]]
  storage.mode(w) <- "double"
  res <- .nmf_features(w, code)
  if (res$status < 0L)
    stop(res$message, call. = FALSE)
  res
}

markers_table <- function(w, method, all) {
  res <- markers_raw(w, method)
  comp <- res$component
  feat <- rownames(w) %||% as.character(seq_len(nrow(w)))
  keep <- if (isTRUE(all)) seq_len(nrow(w)) else which(!is.na(comp))
  best <- max.col(w, ties.method = "first")
  out <- data.frame(
    feature = feat[keep],
    component = factor(colnames(w)[ifelse(is.na(comp[keep]), best[keep], comp[keep])],
                       levels = colnames(w)),
    score = res$score[keep],
    weight = w[cbind(keep, best[keep])],
    selected = !is.na(comp[keep]),
    stringsAsFactors = FALSE)
  out <- out[order(as.integer(out$component), -out$score, -out$weight), , drop = FALSE]
  rownames(out) <- NULL
  if (!isTRUE(all)) out$selected <- NULL
  out
}

setMethod("markers", "matrix", function(object, method = c("kim", "max"),
                                        all = FALSE, ...) {
  method <- match.arg(method)
  if (!is.numeric(object)) stop("'object' must be a numeric basis matrix", call. = FALSE)
  if (is.null(colnames(object))) colnames(object) <- paste0("NMF", seq_len(ncol(object)))
  markers_table(object, method, all)
})

setMethod("markers", "nmfkitFit", function(object, method = c("kim", "max"),
                                        all = FALSE, ...) {
  markers(basis(object), method = match.arg(method), all = all)
})

setMethod("markers", "nmfkitConsensus", function(object, method = c("kim", "max"),
                                              all = FALSE, ...) {
  markers(basis(object@fit), method = match.arg(method), all = all)
})
