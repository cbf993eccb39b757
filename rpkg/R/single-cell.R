# Single-cell containers: a SingleCellExperiment is read as any
# SummarizedExperiment (assay = chooses the assay); add_nmf() stores a fit
# where single-cell tools look for embeddings, reducedDim(sce, "NMF").

add_nmf <- function(sce, fit, name = "NMF") {
  need_package("SingleCellExperiment", "a SingleCellExperiment")
  if (!methods::is(sce, "SingleCellExperiment"))
    stop("'sce' must be a SingleCellExperiment, not a '", class(sce)[1L], "'",
         call. = FALSE)
  if (methods::is(fit, "nmfkitConsensus")) fit <- fit@fit
  if (!methods::is(fit, "nmfkitFit"))
    stop("'fit' must be a result of nmf() (an nmfkitFit), not a '",
         class(fit)[1L], "'", call. = FALSE)
  if (!is.character(name) || length(name) != 1L || is.na(name) || !nzchar(name))
    stop("'name' must be one non-empty string", call. = FALSE)
  h <- coef(fit)
  cells <- colnames(sce)
  if (ncol(h) != ncol(sce))
    stop("the fit has ", ncol(h), " samples but 'sce' has ", ncol(sce),
         " cells", call. = FALSE)
  if (!is.null(cells) && !is.null(colnames(h)) && !identical(colnames(h), cells))
    stop("the fit's sample names are not the cells of 'sce' (in order)",
         call. = FALSE)
  emb <- t(h)
  rownames(emb) <- cells
  attr(emb, "basis") <- basis(fit)
  attr(emb, "scales") <- scales(fit)
  SingleCellExperiment::reducedDim(sce, name) <- emb
  sce
}
